// Helpers shared by the e2e tests: trigger a job and wait for it, read what a sync wrote.
import { existsSync, readFileSync } from 'node:fs';
import type { Stack } from '../../tools/testing/stack';

export interface JobView {
  id: string;
  status: string;
  type: string;
  trigger: string;
  recordsCommitted: number;
  failure: { type: string; message: string } | null;
  attempts?: { number: number; status: string; resumed: boolean; recordsCommitted: number }[];
  streams?: { name: string; namespace?: string; recordsCommitted: number; status: string }[];
}

export const TERMINAL_STATUSES = ['succeeded', 'failed', 'cancelled'];

/** Polls a job until `until` holds (by default: until it has finished). */
export async function waitForJob(stack: Stack, jobId: string, until: (job: JobView) => boolean = (j) => TERMINAL_STATUSES.includes(j.status), timeoutMs = 120_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { status, body } = await stack.request('GET', `/jobs/${jobId}`);
    if (status !== 200) throw new Error(`GET /jobs/${jobId} answered ${status}: ${JSON.stringify(body)}`);
    const job = body as unknown as JobView;
    if (until(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not reach the expected state in time: ${JSON.stringify(job)}\n${stack.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Triggers a job of the connection (202 expected) and waits until it has finished. */
export async function runJob(stack: Stack, connectionId: string, body: Record<string, unknown> = { type: 'sync' }): Promise<JobView> {
  const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, body);
  if (trigger.status !== 202) throw new Error(`trigger answered ${trigger.status}: ${JSON.stringify(trigger.body)}`);
  return waitForJob(stack, trigger.body.id as string);
}

/** The rows of a JSON Lines file ([] when the file does not exist). */
export function readJsonl(file: string): Record<string, unknown>[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The connection fields of a PostgreSQL connector config for a database URL. */
export function postgresConnectionConfig(url: string): Record<string, unknown> {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    database: decodeURIComponent(u.pathname.slice(1)),
    username: decodeURIComponent(u.username),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}
