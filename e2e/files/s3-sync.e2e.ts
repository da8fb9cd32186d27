// The S3 destination through the platform, over HTTP against real processes: faker → S3 Parquet on
// a real S3-compatible server (SeaweedFS), checked with DuckDB. A worker SIGKILLed mid-sync is
// replaced by another that resumes from the last committed checkpoint: the Parquet files the
// manifest lists hold exactly the source's rows, none twice. A second, overwrite sync replaces
// the generation whole.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { duckdbQuery, sqlFileList } from '../../tools/testing/duckdb-cli';
import { startS3Server, type S3TestServer } from '../../tools/testing/s3-server';
import { startStack, type Stack } from '../../tools/testing/stack';
import { TERMINAL_STATUSES as TERMINAL, waitForJob } from '../support/jobs';

interface ManifestFile {
  path: string;
  records: number;
  sync_id: string;
}
interface Manifest {
  generation: number;
  files: ManifestFile[];
  pending: Record<string, unknown>;
}

describe('faker → S3 Parquet through the platform', () => {
  let stack: Stack;
  let s3: S3TestServer;
  let bucket: string;
  let work: string;

  beforeAll(async () => {
    [stack, s3] = await Promise.all([startStack({ workers: 1, env: { TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: '4' } }), startS3Server()]);
    bucket = await s3.createBucket();
    work = await mkdtemp(join(tmpdir(), 'tributary-e2e-s3-'));
  });

  afterAll(async () => {
    await stack?.stop();
    await s3?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function manifestOf(key: string): Promise<Manifest> {
    const bytes = await s3.getObject(bucket, key);
    if (!bytes) throw new Error(`no manifest at ${key}`);
    return JSON.parse(bytes.toString('utf8')) as Manifest;
  }

  /** Downloads what the manifest lists (DuckDB's httpfs would need a download of its own). */
  async function download(prefix: string, files: ManifestFile[]): Promise<string[]> {
    const dir = await mkdtemp(join(work, 'files-'));
    return Promise.all(
      files.map(async (file, index) => {
        const bytes = await s3.getObject(bucket, `${prefix}/${file.path}`);
        if (!bytes) throw new Error(`the manifest lists ${file.path}, which is missing from the bucket`);
        const local = join(dir, `${index}.parquet`);
        await writeFile(local, bytes);
        return local;
      }),
    );
  }

  async function createConnection(prefix: string, source: Record<string, unknown>, streams: Record<string, unknown>[]): Promise<string> {
    const src = await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: source });
    expect(src.status).toBe(201);
    const dst = await stack.request('POST', '/destinations', {
      name: 'Bucket',
      definitionId: 'destination-s3',
      config: {
        bucket,
        prefix,
        endpoint: s3.endpoint,
        access_key_id: s3.credentials.accessKeyId,
        secret_access_key: s3.credentials.secretAccessKey,
        format: 'parquet',
        compression: 'zstd',
        commit_interval_seconds: 0,
      },
    });
    expect(dst.status).toBe(201);
    const check = await stack.request('POST', `/destinations/${dst.body.id as string}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ status: 'succeeded' });
    const conn = await stack.request('POST', '/connections', { sourceId: src.body.id, destinationId: dst.body.id, streams });
    expect(conn.status).toBe(201);
    return conn.body.id as string;
  }

  it('survives a SIGKILLed worker: exact count in the Parquet files, no duplicate rows', async () => {
    const count = 5000;
    const prefix = 'resume';
    const connectionId = await createConnection(prefix, { count, seed: 11, max_records_per_second: 1000, state_checkpoint_interval: 250 }, [
      { name: 'users', syncMode: 'incremental_append', cursorField: ['updated_at'] },
    ]);
    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(trigger.status).toBe(202);
    const jobId = trigger.body.id as string;
    await waitForJob(stack, jobId, (j) => j.recordsCommitted >= 1000);

    const [victim] = stack.workers;
    victim!.kill('SIGKILL');
    await victim!.exited;
    await stack.startWorker();

    const job = await waitForJob(stack, jobId, (j) => TERMINAL.includes(j.status));
    expect(job.failure).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(job.recordsCommitted).toBe(count);
    expect(job.attempts!.length).toBeGreaterThanOrEqual(2);
    expect(job.attempts![job.attempts!.length - 1]).toEqual(expect.objectContaining({ status: 'succeeded', resumed: true }));

    const manifest = await manifestOf(`${prefix}/users/_tributary/manifest.json`);
    expect(manifest.pending).toEqual({});
    expect(manifest.files.length).toBeGreaterThan(1);
    expect(manifest.files.every((file) => file.sync_id === jobId)).toBe(true);
    expect(manifest.files.reduce((sum, file) => sum + file.records, 0)).toBe(count);
    // Every part in the bucket is listed: nothing the killed attempt left is lying around.
    const parts = (await s3.listKeys(bucket, `${prefix}/users/`)).filter((key) => key.endsWith('.parquet'));
    expect(parts.sort()).toEqual(manifest.files.map((file) => `${prefix}/${file.path}`).sort());

    const files = await download(prefix, manifest.files);
    const [read] = await duckdbQuery<{ n: number; ids: number; lo: number; hi: number; syncs: number }>(
      `SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi, count(DISTINCT _tributary_sync_id) AS syncs FROM read_parquet(${sqlFileList(files)})`,
    );
    expect(read).toEqual({ n: count, ids: count, lo: 1, hi: count, syncs: 1 });
  });

  it('an overwrite sync replaces the previous generation whole', async () => {
    const prefix = 'overwrite';
    const connectionId = await createConnection(prefix, { count: 300, seed: 5, state_checkpoint_interval: 100 }, [{ name: 'users', syncMode: 'full_refresh_overwrite' }]);
    const jobs: string[] = [];
    for (let run = 0; run < 2; run++) {
      const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
      expect(trigger.status).toBe(202);
      const job = await waitForJob(stack, trigger.body.id as string, (j) => TERMINAL.includes(j.status));
      expect(job.status).toBe('succeeded');
      jobs.push(job.id);
    }
    const manifest = await manifestOf(`${prefix}/users/_tributary/manifest.json`);
    expect(manifest.generation).toBe(2);
    expect(new Set(manifest.files.map((file) => file.sync_id))).toEqual(new Set([jobs[1]]));
    const parts = (await s3.listKeys(bucket, `${prefix}/users/`)).filter((key) => key.endsWith('.parquet'));
    expect(parts.every((key) => key.includes(jobs[1]))).toBe(true);
    const [read] = await duckdbQuery<{ n: number; ids: number }>(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_parquet(${sqlFileList(await download(prefix, manifest.files))})`);
    expect(read).toEqual({ n: 300, ids: 300 });
  });
});
