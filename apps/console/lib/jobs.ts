// Sync jobs: trigger, list, follow, cancel, read logs.
import { numericQuery, sessionApiClient, unwrap } from './api/api-client';
import type { Job, JobLogs, JobStatus, JobType, Page } from './api/api-types';

export async function triggerJob(connectionId: string, type: JobType, streams?: { name: string; namespace?: string }[]): Promise<Job> {
  const client = await sessionApiClient();
  return unwrap(await client.POST('/api/v1/connections/{id}/jobs', { params: { path: { id: connectionId } }, body: { type, ...(streams ? { streams } : {}) } }));
}

export async function listJobs(filter: { connectionId?: string; status?: JobStatus }, limit = 20, offset = 0): Promise<Page<Job>> {
  const client = await sessionApiClient();
  return unwrap(await client.GET('/api/v1/jobs', { params: { query: numericQuery({ ...filter, limit, offset }) } }));
}

export async function getJob(id: string): Promise<Job> {
  const client = await sessionApiClient();
  return unwrap(await client.GET('/api/v1/jobs/{id}', { params: { path: { id } } }));
}

export async function cancelJob(id: string): Promise<Job> {
  const client = await sessionApiClient();
  return unwrap(await client.POST('/api/v1/jobs/{id}/cancel', { params: { path: { id } } }));
}

export async function getJobLogs(id: string, after = 0, limit = 500): Promise<JobLogs> {
  const client = await sessionApiClient();
  return unwrap(await client.GET('/api/v1/jobs/{id}/logs', { params: { path: { id }, query: numericQuery({ after, limit }) } }));
}

/** The newest job of each connection (one small request per connection). */
export async function latestJobs(connectionIds: string[]): Promise<Map<string, Job>> {
  const pages = await Promise.all(connectionIds.map(async (id) => [id, await listJobs({ connectionId: id }, 1, 0)] as const));
  return new Map(pages.flatMap(([id, page]) => (page.items[0] ? [[id, page.items[0]] as const] : [])));
}

export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['pending', 'running'];

export function isActive(job: Pick<Job, 'status'> | null | undefined): boolean {
  return !!job && ACTIVE_JOB_STATUSES.includes(job.status);
}

/** Milliseconds from start to end (or to now while running); null before it started. */
export function jobDurationMs(job: Pick<Job, 'startedAt' | 'endedAt'>, now = Date.now()): number | null {
  if (!job.startedAt) return null;
  return (job.endedAt ? Date.parse(job.endedAt) : now) - Date.parse(job.startedAt);
}
