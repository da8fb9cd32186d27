import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ConnectorBuilder } from '../../../../components/builder/connector-builder';
import { orNotFound } from '../../../../lib/api/api-client';
import { getDeclarativeDefinition, loadManifestSchema } from '../../../../lib/declarative-definitions';

export const metadata: Metadata = { title: 'Connector Builder' };

export default async function BuilderDefinitionPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ published?: string }> }) {
  const [{ id }, { published }] = await Promise.all([params, searchParams]);
  const [definition, manifestSchema] = await Promise.all([orNotFound(getDeclarativeDefinition(decodeURIComponent(id))), loadManifestSchema()]);
  if (!definition) notFound();
  return (
    <>
      <div className="breadcrumbs">
        <Link href="/builder">Connector Builder</Link> / {definition.name}
      </div>
      <div className="page-head">
        <div>
          <h1>{definition.name}</h1>
          <p>
            Custom source <span className="mono">{definition.id}</span> · version {definition.version}
          </p>
        </div>
        <Link className="button" href={`/catalog/${encodeURIComponent(definition.id)}`}>
          View in catalog
        </Link>
      </div>
      <ConnectorBuilder key={definition.id} definition={definition} manifestSchema={manifestSchema} justPublished={published === '1'} />
    </>
  );
}
