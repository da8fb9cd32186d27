import type { Metadata } from 'next';
import Link from 'next/link';
import { ConnectorBuilder } from '../../../components/builder/connector-builder';
import { listConnectorDefinitions } from '../../../lib/connector-definitions';
import { loadManifestSchema } from '../../../lib/declarative-definitions';

export const metadata: Metadata = { title: 'Connector Builder' };

export default async function BuilderPage() {
  const [manifestSchema, definitions] = await Promise.all([loadManifestSchema(), listConnectorDefinitions('source')]);
  const published = definitions.filter((d) => d.declarative);
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Connector Builder</h1>
          <p>Describe a REST API in a YAML manifest, test it against the real API, and publish it as a source connector.</p>
        </div>
      </div>
      {published.length ? (
        <nav aria-label="Published manifests" className="card">
          <h2>Edit a published connector</h2>
          <ul className="inline-list">
            {published.map((d) => (
              <li key={d.id}>
                <Link href={`/builder/${encodeURIComponent(d.id)}`}>{d.name}</Link> <span className="muted small mono">{d.id}</span>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <ConnectorBuilder manifestSchema={manifestSchema} />
    </>
  );
}
