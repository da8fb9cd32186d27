import type { ConnectorKind } from '../../lib/api/api-types';

export function KindBadge({ kind }: { kind: ConnectorKind }) {
  return <span className={`badge ${kind === 'source' ? 'info' : 'ok'}`}>{kind === 'source' ? 'Source' : 'Destination'}</span>;
}
