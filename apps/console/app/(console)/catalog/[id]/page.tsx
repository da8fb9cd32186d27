import type { Metadata } from 'next';
import Link from 'next/link';
import { ConnectorIcon } from '../../../../components/catalog/connector-icon';
import { KindBadge } from '../../../../components/catalog/kind-badge';
import { MarkdownDocs } from '../../../../components/catalog/markdown-docs';
import { orNotFound } from '../../../../lib/api/api-client';
import { getConnectorDefinition } from '../../../../lib/connector-definitions';

export const metadata: Metadata = { title: 'Connector' };

export default async function ConnectorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const definition = await orNotFound(getConnectorDefinition(decodeURIComponent(id)));
  const collection = definition.kind === 'source' ? 'sources' : 'destinations';
  return (
    <>
      <div className="breadcrumbs">
        <Link href="/catalog">Connector catalog</Link> / {definition.name}
      </div>
      <div className="page-head">
        <div className="row" style={{ gap: 14 }}>
          <ConnectorIcon icon={definition.icon} name={definition.name} large />
          <div>
            <h1>{definition.name}</h1>
            <p>
              <KindBadge kind={definition.kind} /> <span className="mono">{definition.id}</span> · version {definition.version}
            </p>
          </div>
        </div>
        <div className="row">
          {definition.declarative ? (
            <Link className="button" href={`/builder/${encodeURIComponent(definition.id)}`}>
              Edit in Builder
            </Link>
          ) : null}
          <Link className="button primary" href={`/${collection}/new?definition=${encodeURIComponent(definition.id)}`}>
            Set up this {definition.kind}
          </Link>
        </div>
      </div>
      {definition.description ? <p>{definition.description}</p> : null}
      <section className="card" aria-labelledby="docs-heading">
        <h2 id="docs-heading">Documentation</h2>
        {definition.docs ? <MarkdownDocs markdown={definition.docs} /> : <p className="muted">This connector has no documentation.</p>}
        {definition.documentationUrl ? (
          <p>
            <a href={definition.documentationUrl} target="_blank" rel="noreferrer">
              More documentation
            </a>
          </p>
        ) : null}
      </section>
    </>
  );
}
