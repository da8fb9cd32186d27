import type { ReactNode } from 'react';
import Link from 'next/link';
import { ConnectionActions } from '../../../../components/connections/connection-actions';
import { ConnectionTabs } from '../../../../components/connections/connection-tabs';
import { ConnectionStatusBadge } from '../../../../components/connections/status-badges';
import { orNotFound } from '../../../../lib/api/api-client';
import { getActor } from '../../../../lib/actors';
import { getConnection } from '../../../../lib/connections';
import { isActive, listJobs } from '../../../../lib/jobs';
import { listSchemaChanges } from '../../../../lib/schema-changes';

export default async function ConnectionLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  const connection = await orNotFound(getConnection(id));
  const [source, destination, jobs, changes] = await Promise.all([
    getActor('source', connection.sourceId),
    getActor('destination', connection.destinationId),
    listJobs({ connectionId: id }, 1, 0),
    listSchemaChanges(id, 200, 0),
  ]);
  const latest = jobs.items[0] ?? null;
  const pending = changes.items.filter((c) => c.action === 'pending_approval').length;
  return (
    <>
      <div className="breadcrumbs">
        <Link href="/connections">Connections</Link> / {connection.name}
      </div>
      <div className="page-head">
        <div>
          <h1 className="row">
            {connection.name} <ConnectionStatusBadge connection={connection} />
          </h1>
          <p>
            <Link href={`/sources/${source.id}`}>{source.name}</Link> → <Link href={`/destinations/${destination.id}`}>{destination.name}</Link>
          </p>
        </div>
        <ConnectionActions connection={connection} activeJob={isActive(latest) ? latest : null} />
      </div>
      {connection.status === 'paused' && connection.statusReason ? (
        <div className="alert warn" role="status">
          <p>
            <strong>Paused:</strong> {connection.statusReason}
          </p>
        </div>
      ) : null}
      <ConnectionTabs id={id} pendingChanges={pending} />
      {children}
    </>
  );
}
