// The sources or destinations list.
import Link from 'next/link';
import type { Actor, ConnectorDefinition, ConnectorKind } from '../../lib/api/api-types';
import { ConnectorIcon } from '../catalog/connector-icon';
import { formatDateTime } from '../format/format';

export function ActorList({ kind, actors, definitions }: { kind: ConnectorKind; actors: Actor[]; definitions: ConnectorDefinition[] }) {
  const collection = kind === 'source' ? 'sources' : 'destinations';
  const byId = new Map(definitions.map((d) => [d.id, d]));
  if (actors.length === 0) {
    return (
      <div className="empty">
        <h2>No {collection} yet</h2>
        <p>{kind === 'source' ? 'A source is where data is read from: a database, an API, files.' : 'A destination is where synced data lands: a warehouse, a bucket, files.'}</p>
        <Link className="button primary" href={`/${collection}/new`}>
          New {kind}
        </Link>
      </div>
    );
  }
  return (
    <div className="table-scroll">
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Connector</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {actors.map((actor) => {
            const definition = byId.get(actor.definitionId);
            return (
              <tr key={actor.id}>
                <td>
                  <Link href={`/${collection}/${actor.id}`}>{actor.name}</Link>
                </td>
                <td>
                  <span className="row">
                    <ConnectorIcon icon={definition?.icon ?? null} name={definition?.name ?? actor.definitionId} />
                    {definition?.name ?? actor.definitionId}
                  </span>
                </td>
                <td className="muted">{formatDateTime(actor.updatedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
