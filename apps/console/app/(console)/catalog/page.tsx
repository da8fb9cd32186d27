import type { Metadata } from 'next';
import Link from 'next/link';
import { CatalogFilters } from '../../../components/catalog/catalog-filters';
import { ConnectorIcon } from '../../../components/catalog/connector-icon';
import { KindBadge } from '../../../components/catalog/kind-badge';
import type { ConnectorKind } from '../../../lib/api/api-types';
import { listConnectorDefinitions, matchesDefinition } from '../../../lib/connector-definitions';

export const metadata: Metadata = { title: 'Connector catalog' };

export default async function CatalogPage({ searchParams }: { searchParams: Promise<{ q?: string; kind?: string }> }) {
  const { q = '', kind = '' } = await searchParams;
  const validKind = kind === 'source' || kind === 'destination' ? (kind as ConnectorKind) : undefined;
  const definitions = (await listConnectorDefinitions(validKind)).filter((d) => matchesDefinition(d, q));
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Connector catalog</h1>
          <p>Every source and destination this Tributary can use.</p>
        </div>
      </div>
      <CatalogFilters query={q} kind={validKind ?? ''} />
      {definitions.length === 0 ? (
        <div className="empty">
          <h2>No connector matches</h2>
          <p>Try another search.</p>
        </div>
      ) : (
        <ul className="grid-cards" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Connectors">
          {definitions.map((d) => (
            <li key={d.id}>
              <Link className="connector-card" href={`/catalog/${encodeURIComponent(d.id)}`}>
                <ConnectorIcon icon={d.icon} name={d.name} large />
                <div style={{ minWidth: 0 }}>
                  <div className="connector-name">
                    <strong>{d.name}</strong>
                    <KindBadge kind={d.kind} />
                  </div>
                  <p>{d.description ?? d.id}</p>
                  {!d.available ? <p className="badge bad">Unavailable</p> : null}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
