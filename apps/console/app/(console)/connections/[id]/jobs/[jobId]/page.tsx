import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../../../../../components/connections/auto-refresh';
import { JobStatusBadge } from '../../../../../../components/connections/status-badges';
import { LogViewer } from '../../../../../../components/connections/log-viewer';
import { formatBytes, formatDateTime, formatDuration, formatNumber } from '../../../../../../components/format/format';
import { orNotFound } from '../../../../../../lib/api/api-client';
import { getJob, getJobLogs, isActive, jobDurationMs } from '../../../../../../lib/jobs';

export const metadata: Metadata = { title: 'Sync job' };

export default async function JobPage({ params, searchParams }: { params: Promise<{ id: string; jobId: string }>; searchParams: Promise<{ level?: string }> }) {
  const [{ id, jobId }, { level }] = await Promise.all([params, searchParams]);
  const job = await orNotFound(getJob(jobId));
  if (job.connectionId !== id) notFound();
  const logs = await getJobLogs(jobId, 0, 1000);
  const running = isActive(job);
  const streams = job.streams ?? [];
  return (
    <>
      <AutoRefresh active={running} intervalMs={1500} />
      <p className="small">
        <Link href={`/connections/${id}`}>← All jobs</Link>
      </p>
      <section className="card" aria-labelledby="job-heading" aria-live="polite">
        <h2 id="job-heading" className="row">
          {job.type === 'sync' ? 'Sync' : job.type.charAt(0).toUpperCase() + job.type.slice(1)} job <JobStatusBadge status={job.status} />
        </h2>
        {running ? (
          <div className="progress" aria-hidden="true" style={{ marginBottom: 12 }}>
            <span />
          </div>
        ) : null}
        <dl className="facts">
          <dt>Job id</dt>
          <dd className="mono">{job.id}</dd>
          <dt>Triggered</dt>
          <dd>
            {job.trigger === 'manual' ? 'Manually' : 'By the schedule'}, {formatDateTime(job.createdAt)}
          </dd>
          <dt>Duration</dt>
          <dd>{formatDuration(jobDurationMs(job))}</dd>
          <dt>Records</dt>
          <dd data-testid="job-records">
            {formatNumber(job.recordsCommitted)} committed{running ? `, ${formatNumber(job.recordsEmitted)} read so far` : ''} ({formatBytes(job.bytesCommitted)})
          </dd>
          <dt>Attempts</dt>
          <dd>{job.attempts?.length ?? 0}</dd>
        </dl>
        {job.failure ? (
          <div className="alert bad" role="alert" style={{ marginTop: 14 }}>
            <p>
              <strong>{job.failure.type === 'config_error' ? 'Configuration error' : job.failure.type === 'transient_error' ? 'Transient error' : 'System error'}:</strong> {job.failure.message}
            </p>
          </div>
        ) : null}
      </section>
      <section className="card" aria-labelledby="streams-heading">
        <h2 id="streams-heading">Streams</h2>
        {streams.length === 0 ? (
          <p className="muted">{running ? 'Waiting for the first stream…' : 'No stream statistics.'}</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Stream</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Records
                </th>
                <th scope="col" className="num">
                  Data
                </th>
              </tr>
            </thead>
            <tbody>
              {streams.map((s) => (
                <tr key={`${s.namespace}.${s.name}`}>
                  <td>{s.namespace ? `${s.namespace}.${s.name}` : s.name}</td>
                  <td>
                    <span className={`badge ${s.status === 'complete' ? 'ok' : s.status === 'running' ? 'info' : 'warn'}`}>{s.status}</span>
                  </td>
                  <td className="num">{formatNumber(s.recordsCommitted)}</td>
                  <td className="num">{formatBytes(s.bytesCommitted)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {job.attempts && job.attempts.length > 1 ? (
          <>
            <h3 style={{ marginTop: 16 }}>Attempts</h3>
            <table className="data">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Status</th>
                  <th scope="col">Duration</th>
                  <th scope="col" className="num">
                    Records
                  </th>
                  <th scope="col">Failure</th>
                </tr>
              </thead>
              <tbody>
                {job.attempts.map((a) => (
                  <tr key={a.number}>
                    <td>
                      {a.number}
                      {a.resumed ? ' (resumed)' : ''}
                    </td>
                    <td>{a.status}</td>
                    <td>{formatDuration(jobDurationMs(a))}</td>
                    <td className="num">{formatNumber(a.recordsCommitted)}</td>
                    <td className="small">{a.failure?.message ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        ) : null}
      </section>
      <section className="card" aria-labelledby="logs-heading">
        <h2 id="logs-heading">Logs</h2>
        <LogViewer lines={logs.items} level={level} basePath={`/connections/${id}/jobs/${jobId}`} following={running} />
      </section>
    </>
  );
}
