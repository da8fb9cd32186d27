import type { Metadata } from 'next';
import { DetectSchemaChanges, ResolveSchemaChange } from '../../../../../components/connections/schema-change-buttons';
import { formatDateTime } from '../../../../../components/format/format';
import type { SchemaChange } from '../../../../../lib/api/api-types';
import { listSchemaChanges } from '../../../../../lib/schema-changes';

export const metadata: Metadata = { title: 'Schema changes' };

const ACTION_CLASS: Record<string, string> = { pending_approval: 'warn', approved: 'ok', propagated: 'ok', rejected: 'bad', failed: 'bad', paused: 'warn', ignored: '' };

function Changes({ change }: { change: SchemaChange }) {
  return (
    <ul style={{ margin: 0, paddingLeft: 18 }}>
      {change.changes.map((item, i) => (
        <li key={i}>
          {item.description}
          {item.breaking ? <span className="badge bad" style={{ marginLeft: 6 }}>breaking</span> : null}
          {!item.selected ? <span className="muted small"> (stream not synced)</span> : null}
        </li>
      ))}
    </ul>
  );
}

export default async function SchemaPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const changes = (await listSchemaChanges(id, 200, 0)).items;
  const pending = changes.filter((c) => c.action === 'pending_approval');
  return (
    <>
      <section className="card" aria-labelledby="pending-heading">
        <div className="page-head" style={{ marginBottom: 8 }}>
          <h2 id="pending-heading" style={{ margin: 0 }}>
            Pending changes
          </h2>
          <DetectSchemaChanges connectionId={id} />
        </div>
        {pending.length === 0 ? (
          <p className="muted">Nothing waits for approval.</p>
        ) : (
          <div className="stack">
            {pending.map((change) => (
              <article key={change.id} className="alert warn" aria-label={`Schema change detected ${formatDateTime(change.detectedAt)}`}>
                <p>
                  <strong>Detected {formatDateTime(change.detectedAt)}</strong> — syncs wait until this is approved or rejected.
                </p>
                <Changes change={change} />
                <div style={{ marginTop: 10 }}>
                  <ResolveSchemaChange connectionId={id} changeId={change.id} />
                </div>
              </article>
            ))}
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="log-heading">
        <h2 id="log-heading">Change log</h2>
        {changes.length === 0 ? (
          <p className="muted">No schema change has been detected.</p>
        ) : (
          <div className="table-scroll">
            <table className="data" aria-label="Schema change log">
              <thead>
                <tr>
                  <th scope="col">Detected</th>
                  <th scope="col">Changes</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Resolved</th>
                </tr>
              </thead>
              <tbody>
                {changes.map((change) => (
                  <tr key={change.id}>
                    <td className="muted">{formatDateTime(change.detectedAt)}</td>
                    <td>
                      <Changes change={change} />
                    </td>
                    <td>
                      <span className={`badge ${ACTION_CLASS[change.action] ?? ''}`}>{change.action.replace(/_/g, ' ')}</span>
                    </td>
                    <td className="muted">{formatDateTime(change.resolvedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}
