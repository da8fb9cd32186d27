// The foundation slice end to end, over HTTP against real processes: a source, a destination and a
// connection created through the API, syncs run by a real worker on the real Temporal dev server,
// data checked in the files it wrote; plus the 409, cancel, and kill-the-worker paths.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from '../../tools/testing/stack';
import { readJsonl, TERMINAL_STATUSES as TERMINAL, waitForJob, type JobView } from '../support/jobs';

type Json = Record<string, unknown>;

async function createPipeline(stack: Stack, source: Json, options: { streams?: Json[] } = {}) {
  const outDir = join(stack.dataDir, `out-${Math.random().toString(36).slice(2, 8)}`);
  const src = await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: source });
  expect(src.status).toBe(201);
  const dst = await stack.request('POST', '/destinations', { name: 'Files', definitionId: 'destination-local-files', config: { destination_path: outDir } });
  expect(dst.status).toBe(201);
  const conn = await stack.request('POST', '/connections', {
    sourceId: src.body.id,
    destinationId: dst.body.id,
    streams: options.streams ?? [{ name: 'users', syncMode: 'incremental_append', cursorField: ['updated_at'] }],
  });
  expect(conn.status).toBe(201);
  return { sourceId: src.body.id as string, destinationId: dst.body.id as string, connectionId: conn.body.id as string, outDir };
}

describe('sync lifecycle over the REST API', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ workers: 1, env: { TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: '4' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('syncs the configured number of records into files, then incrementally syncs nothing new', async () => {
    const { connectionId, outDir } = await createPipeline(stack, { count: 2500, seed: 7, state_checkpoint_interval: 500 });

    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(trigger.status).toBe(202);
    expect(trigger.body.status).toMatch(/pending|running/);
    const job = await waitForJob(stack, trigger.body.id as string, (j) => TERMINAL.includes(j.status));
    expect(job.status).toBe('succeeded');
    expect(job.recordsCommitted).toBe(2500);
    expect(job.streams).toEqual([expect.objectContaining({ name: 'users', recordsCommitted: 2500, status: 'complete' })]);

    const rows = readJsonl(join(outDir, 'users', `${job.id}.jsonl`));
    expect(rows).toHaveLength(2500);
    expect(new Set(rows.map((r) => r.id)).size).toBe(2500);
    expect(rows[0]).toEqual(expect.objectContaining({ _tributary_sync_id: job.id, _tributary_raw_id: expect.any(String), _tributary_extracted_at: expect.any(String) }));

    const logs = await stack.request('GET', `/jobs/${job.id}/logs`);
    expect(logs.status).toBe(200);
    expect((logs.body.items as { message: string }[]).some((l) => /succeeded: 2500 records/.test(l.message))).toBe(true);

    const second = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(second.status).toBe(202);
    const secondJob = await waitForJob(stack, second.body.id as string, (j) => TERMINAL.includes(j.status));
    expect(secondJob.status).toBe('succeeded');
    expect(secondJob.recordsCommitted).toBe(0);
    const secondFile = join(outDir, 'users', `${secondJob.id}.jsonl`);
    expect(readJsonl(secondFile)).toHaveLength(0);

    const listed = await stack.request('GET', `/jobs?connectionId=${connectionId}`);
    expect((listed.body.items as JobView[]).map((j) => j.id)).toEqual([secondJob.id, job.id]);
  });

  it('refuses a second trigger while a sync runs (409), and cancels the running one', async () => {
    const { connectionId } = await createPipeline(stack, { count: 100000, max_records_per_second: 500, state_checkpoint_interval: 100 });
    const first = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(first.status).toBe(202);
    await waitForJob(stack, first.body.id as string, (j) => j.status === 'running');

    const second = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('JOB_ALREADY_RUNNING');
    expect(second.body.message).toContain(first.body.id);

    const cancel = await stack.request('POST', `/jobs/${first.body.id}/cancel`);
    expect(cancel.status).toBe(202);
    const cancelled = await waitForJob(stack, first.body.id as string, (j) => TERMINAL.includes(j.status));
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.recordsCommitted).toBeLessThan(100000);

    const again = await stack.request('POST', `/jobs/${first.body.id}/cancel`);
    expect(again.status).toBe(409);
    const next = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(next.status).toBe(202);
    await stack.request('POST', `/jobs/${next.body.id}/cancel`);
    expect((await waitForJob(stack, next.body.id as string, (j) => TERMINAL.includes(j.status))).status).toBe('cancelled');
  });

  it('survives a SIGKILLed worker: a new worker resumes from the last checkpoint with the exact record count', async () => {
    const count = 6000;
    const { connectionId, outDir } = await createPipeline(stack, { count, seed: 3, max_records_per_second: 1000, state_checkpoint_interval: 250 });
    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(trigger.status).toBe(202);
    const jobId = trigger.body.id as string;
    await waitForJob(stack, jobId, (j) => j.recordsCommitted >= 1000);

    const [victim] = stack.workers;
    victim!.kill('SIGKILL');
    await victim!.exited;
    await stack.startWorker();

    const job = await waitForJob(stack, jobId, (j) => TERMINAL.includes(j.status), 150_000);
    expect(job.status).toBe('succeeded');
    expect(job.recordsCommitted).toBe(count);
    expect(job.attempts!.length).toBeGreaterThanOrEqual(2);
    expect(job.attempts![0]).toEqual(expect.objectContaining({ number: 1, status: 'failed' }));
    expect(job.attempts![job.attempts!.length - 1]).toEqual(expect.objectContaining({ status: 'succeeded', resumed: true }));

    const rows = readJsonl(join(outDir, 'users', `${jobId}.jsonl`));
    expect(rows).toHaveLength(count);
    expect(new Set(rows.map((r) => r.id)).size).toBe(count);
    expect(readdirSync(join(outDir, 'users'))).toEqual([`${jobId}.jsonl`]);

    const logs = await stack.request('GET', `/jobs/${jobId}/logs?limit=1000`);
    expect((logs.body.items as { message: string }[]).some((l) => /resuming from checkpoint \d+/.test(l.message))).toBe(true);
  });
});
