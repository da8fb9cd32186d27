import type { Metadata } from 'next';
import Link from 'next/link';
import { AutoRefresh } from '../../../../components/connections/auto-refresh';
import { JobHistory } from '../../../../components/connections/job-history';
import { JobStatusBadge } from '../../../../components/connections/status-badges';
import { StreamJobButtons } from '../../../../components/connections/stream-job-buttons';
import { formatDateTime, formatNumber } from '../../../../components/format/format';
import { getConnection } from '../../../../lib/connections';
import { isActive, listJobs } from '../../../../lib/jobs';
import { describeSchedule } from '../../../../lib/schedule/schedule';
import { syncModeLabel } from '../../../../lib/streams/stream-choices';

export const metadata: Metadata = { title: 'Connection' };

export default async function ConnectionStatusPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ notice?: string }> }) {
  const [{ id }, { notice }] = await Promise.all([params, searchParams]);
  const [connection, jobs] = await Promise.all([getConnection(id), listJobs({ connectionId: id }, 20, 0)]);
  const running = jobs.items.find((j) => isActive(j)) ?? null;
  const selected = connection.streams.filter((s) => s.selected);
  return (
    <>
      <AutoRefresh active={!!running} />
      {notice ? (
        <div className="alert warn" role="status">
          <p>{notice}</p>
        </div>
      ) : null}
      {running ? (
        <section className="card" aria-labelledby="running-heading" aria-live="polite">
          <h2 id="running-heading" className="row">
            Sync in progress <JobStatusBadge status={running.status} />
          </h2>
          <div className="progress" aria-hidden="true">
            <span />
          </div>
          <p>
            {formatNumber(running.recordsEmitted)} records read, {formatNumber(running.recordsCommitted)} committed. <Link href={`/connections/${id}/jobs/${running.id}`}>Follow this sync</Link>
          </p>
        </section>
      ) : null}
      <div className="grid-2">
        <section className="card" aria-labelledby="summary-heading">
          <h2 id="summary-heading">Summary</h2>
          <dl className="facts">
            <dt>Schedule</dt>
            <dd>{describeSchedule(connection.schedule)}</dd>
            <dt>Next run</dt>
            <dd>{connection.nextRunAt ? formatDateTime(connection.nextRunAt) : connection.status === 'paused' ? 'Paused' : '—'}</dd>
            <dt>Last sync</dt>
            <dd>{jobs.items[0] ? <JobStatusBadge status={jobs.items[0].status} /> : 'Never'}</dd>
            <dt>Schema changes</dt>
            <dd>
              non-breaking: {connection.schemaChangePolicy.nonBreaking.replace(/_/g, ' ')}; breaking: {connection.schemaChangePolicy.breaking}
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="streams-heading">
          <h2 id="streams-heading">
            Streams ({selected.length} of {connection.streams.length} synced)
          </h2>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Stream</th>
                <th scope="col">Mode</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {selected.map((s) => (
                <tr key={`${s.namespace}.${s.name}`}>
                  <td>
                    {s.name}
                    {s.namespace ? <div className="muted small">{s.namespace}</div> : null}
                  </td>
                  <td className="small">{syncModeLabel(s.syncMode)}</td>
                  <td>
                    <StreamJobButtons connectionId={id} stream={{ name: s.name, namespace: s.namespace }} disabled={!!running} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
      <section className="card" aria-labelledby="history-heading">
        <h2 id="history-heading">Job history</h2>
        <JobHistory connectionId={id} jobs={jobs.items} />
      </section>
    </>
  );
}
