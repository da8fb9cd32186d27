import type { Connection, JobStatus } from '../../lib/api/api-types';

export function ConnectionStatusBadge({ connection }: { connection: Pick<Connection, 'status' | 'statusReason'> }) {
  return connection.status === 'active' ? (
    <span className="badge ok">Active</span>
  ) : (
    <span className="badge warn" title={connection.statusReason ?? undefined}>
      Paused
    </span>
  );
}

const JOB_CLASS: Record<JobStatus, string> = { pending: 'info', running: 'info', succeeded: 'ok', failed: 'bad', cancelled: 'warn' };
const JOB_LABEL: Record<JobStatus, string> = { pending: 'Pending', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return (
    <span className={`badge ${JOB_CLASS[status]}`} data-job-status={status}>
      {JOB_LABEL[status]}
    </span>
  );
}
