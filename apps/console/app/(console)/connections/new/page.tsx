import type { Metadata } from 'next';
import Link from 'next/link';
import { ConnectionWizard } from '../../../../components/connections/connection-wizard';
import { WIZARD_STEPS, type WizardStep } from '../../../../components/connections/wizard-steps';
import { listAllActors } from '../../../../lib/actors';
import { listConnectorDefinitions } from '../../../../lib/connector-definitions';

export const metadata: Metadata = { title: 'New connection' };

export default async function NewConnectionPage({ searchParams }: { searchParams: Promise<{ source?: string; destination?: string; step?: string }> }) {
  const { source, destination, step } = await searchParams;
  const [sources, destinations, definitions] = await Promise.all([listAllActors('source'), listAllActors('destination'), listConnectorDefinitions()]);
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  const initialStep: WizardStep = (WIZARD_STEPS as readonly string[]).includes(step ?? '') ? (step as WizardStep) : source ? 'destination' : 'source';
  return (
    <>
      <div className="breadcrumbs">
        <Link href="/connections">Connections</Link> / New
      </div>
      <div className="page-head">
        <div>
          <h1>New connection</h1>
          <p>Move data from a source to a destination, on a schedule or on demand.</p>
        </div>
      </div>
      <ConnectionWizard
        sources={sources.sort(byName)}
        destinations={destinations.sort(byName)}
        definitions={definitions}
        initial={{ sourceId: sources.some((s) => s.id === source) ? source : undefined, destinationId: destinations.some((d) => d.id === destination) ? destination : undefined, step: initialStep }}
      />
    </>
  );
}
