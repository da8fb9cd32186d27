// Past and running jobs of a connection.
import Link from 'next/link';
import type { Job } from '../../lib/api/api-types';
import { jobDurationMs } from '../../lib/jobs';
import { formatBytes, formatDateTime, formatDuration, formatNumber } from '../format/format';
import { JobStatusBadge } from './status-badges';

export function JobHistory({ connectionId, jobs }: { connectionId: string; jobs: Job[] }) {
  if (jobs.length === 0) return <p className="muted">No sync has run yet. Press “Sync now” to start one.</p>;
  return (
    <div className="table-scroll">
      <table className="data" aria-label="Job history">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            <th scope="col" className="num">
              Records
            </th>
            <th scope="col" className="num">
              Data
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id}>
              <td>
                <Link href={`/connections/${connectionId}/jobs/${job.id}`}>
                  {job.type} · {job.trigger}
                </Link>
              </td>
              <td>
                <JobStatusBadge status={job.status} />
              </td>
              <td className="muted">{formatDateTime(job.startedAt ?? job.createdAt)}</td>
              <td>{formatDuration(jobDurationMs(job))}</td>
              <td className="num">{formatNumber(job.recordsCommitted)}</td>
              <td className="num">{formatBytes(job.bytesCommitted)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
