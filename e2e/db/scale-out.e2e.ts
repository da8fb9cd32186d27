// Scale-out through the whole platform: a large table's partitions run as activities of their own,
// taken by two worker processes (each runs two partitions at a time, so neither takes all four), into
// PostgreSQL and into Parquet files. The result is exact whichever worker wrote what; a worker
// SIGKILLed in the middle costs only its partitions' uncommitted tails, which another worker resumes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, startStack, type Stack, type TestDatabase } from '../../tools/testing';
import { duckdbQuery, sqlFileList } from '../../tools/testing/duckdb-cli';
import { postgresConnectionConfig, TERMINAL_STATUSES as TERMINAL, waitForJob, type JobView as Job } from '../support/jobs';

/** About 45 MB of heap: split into 4 partitions at partition_min_mb 1. */
const ROWS = 400_000;
const PARTITIONS = 4;

describe('scale-out: partitions as activities across workers', () => {
  let stack: Stack;
  let sourceDb: TestDatabase;
  let destinationDb: TestDatabase;
  let source: Client;
  let destination: Client;
  let outDir: string;

  beforeAll(async () => {
    [sourceDb, destinationDb] = await Promise.all([createTestDatabase('tributary_e2e_scale_src'), createTestDatabase('tributary_e2e_scale_dst')]);
    source = new Client({ connectionString: sourceDb.url });
    destination = new Client({ connectionString: destinationDb.url });
    await Promise.all([source.connect(), destination.connect()]);
    await source.query(`
      CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, payload text NOT NULL, amount numeric(12,2) NOT NULL, at timestamptz NOT NULL);
      INSERT INTO events SELECT i, 'kind ' || (i % 7), md5(i::text) || md5((i * 7)::text), (i % 10000) / 100.0, '2024-01-01'::timestamptz + i * interval '1 second' FROM generate_series(1, ${ROWS}) i;
      ANALYZE;
    `);
    outDir = mkdtempSync(join(tmpdir(), 'tributary-scale-out-'));
    // Two partitions at a time per worker (the default, stated): four partitions need both workers.
    stack = await startStack({ workers: 2, env: { TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: '4' }, workerEnv: { TRIBUTARY_WORKER_MAX_CONCURRENT_PARTITIONS: '2' } });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([source?.end(), destination?.end()]);
    await Promise.all([sourceDb?.drop(), destinationDb?.drop()]);
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function pipeline(name: string, destinationConfig: { definitionId: string; config: Record<string, unknown> }): Promise<string> {
    const src = await stack.request('POST', '/sources', {
      name: `events ${name}`,
      definitionId: 'source-postgres',
      config: { ...postgresConnectionConfig(sourceDb.url), schemas: ['public'], max_partitions: PARTITIONS, partition_min_mb: 1, checkpoint_rows: 20_000 },
    });
    expect(src.status).toBe(201);
    const dst = await stack.request('POST', '/destinations', { name, ...destinationConfig });
    expect(dst.status).toBe(201);
    const conn = await stack.request('POST', '/connections', {
      sourceId: src.body.id,
      destinationId: dst.body.id,
      namespaceDefinition: 'custom',
      namespaceFormat: name,
      streams: [{ name: 'events', namespace: 'public', syncMode: 'full_refresh_overwrite' }],
    });
    expect(conn.status).toBe(201);
    return conn.body.id as string;
  }

  async function start(connectionId: string): Promise<string> {
    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(trigger.status).toBe(202);
    return trigger.body.id as string;
  }

  async function logs(jobId: string): Promise<string[]> {
    const response = await stack.request('GET', `/jobs/${jobId}/logs?limit=1000`);
    return (response.body.items as { message: string }[]).map((l) => l.message);
  }

  /** Which workers ran (`started|resumes`) or finished (`written`) which units, from their own output. */
  function partitionsByWorker(jobId: string, event = 'started|resumes'): number[][] {
    const pattern = new RegExp(`"message":"partition \\d+ of \\d+ .* (${event})`);
    return stack.workers.map((worker) =>
      worker
        .output()
        .split('\n')
        .filter((line) => line.includes(jobId) && pattern.test(line))
        .map((line) => Number(/partition (\d+) of/.exec(line)![1])),
    );
  }

  const CHECKSUM = `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids, md5(string_agg(id || ':' || kind || ':' || payload || ':' || amount::text || ':' || at::text, ',' ORDER BY id)) AS sum`;

  it('replicates PostgreSQL to PostgreSQL in partitions run by both workers, exactly, twice', async () => {
    const connectionId = await pipeline('scaled', { definitionId: 'destination-postgres', config: { ...postgresConnectionConfig(destinationDb.url), schema: 'scaled' } });
    const expected = (await source.query(`${CHECKSUM} FROM events`)).rows[0];
    for (let run = 1; run <= 2; run++) {
      const jobId = await start(connectionId);
      const job: Job = await waitForJob(stack, jobId, (j) => TERMINAL.includes(j.status), 180_000);
      expect({ status: job.status, failure: job.failure }).toEqual({ status: 'succeeded', failure: null });
      expect(job.recordsCommitted).toBe(ROWS);
      expect((await destination.query(`${CHECKSUM} FROM scaled.events`)).rows[0]).toEqual(expected);
      const messages = await logs(jobId);
      expect(messages).toContainEqual(expect.stringMatching(new RegExp(`"public.events" split into ${PARTITIONS} partitions`)));
      // The planner held the snapshot until the partitions were done: none fell back to its own.
      expect(messages.filter((m) => m.includes('snapshot of its own'))).toEqual([]);
      const byWorker = partitionsByWorker(jobId);
      expect(byWorker.flat().sort()).toEqual([1, 2, 3, 4]);
      expect(byWorker.filter((units) => units.length > 0)).toHaveLength(2);
    }
    // One stage swapped in per run; the partitions' bookkeeping gave way to the sync's.
    const leftovers = await destination.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'scaled' AND tablename LIKE '_tributary_tmp_%'");
    expect(leftovers.rows[0].n).toBe(0);
    const bookkeeping = await destination.query("SELECT count(*)::int AS n FROM scaled._tributary_checkpoints WHERE sync_id LIKE '%#%'");
    expect(bookkeeping.rows[0].n).toBe(0);
  }, 400_000);

  it('writes Parquet in partitions and lists them all in the manifest, readable by DuckDB', async () => {
    const root = join(outDir, 'parquet');
    const connectionId = await pipeline('parquet', { definitionId: 'destination-local-files', config: { destination_path: root, format: 'parquet' } });
    const job = await waitForJob(stack, await start(connectionId), (j) => TERMINAL.includes(j.status), 180_000);
    expect({ status: job.status, failure: job.failure }).toEqual({ status: 'succeeded', failure: null });
    const manifest = JSON.parse(readFileSync(join(root, 'parquet', 'events', '_tributary', 'manifest.json'), 'utf8')) as { files: { path: string; records: number }[] };
    const partitionsInNames = new Set(manifest.files.map((f) => /-p(\d+)-\d+\.parquet$/.exec(f.path)?.[1]));
    expect([...partitionsInNames].sort()).toEqual(['1', '2', '3', '4']);
    expect(manifest.files.reduce((n, f) => n + f.records, 0)).toBe(ROWS);
    const files = manifest.files.map((f) => join(root, f.path));
    const [read] = await duckdbQuery<{ n: number; d: number; lo: number; hi: number; total: string }>(`SELECT count(*) AS n, count(DISTINCT id) AS d, min(id) AS lo, max(id) AS hi, sum(amount)::VARCHAR AS total FROM read_parquet(${sqlFileList(files)})`);
    const [expected] = (await source.query('SELECT sum(amount)::text AS total FROM events')).rows;
    expect(read).toEqual({ n: ROWS, d: ROWS, lo: 1, hi: ROWS, total: expected.total });
  }, 400_000);

  it('survives a SIGKILLed worker in the middle: its partitions resume on the other worker from their checkpoints, exactly', async () => {
    const connectionId = await pipeline('killed', { definitionId: 'destination-postgres', config: { ...postgresConnectionConfig(destinationDb.url), schema: 'killed' } });
    const jobId = await start(connectionId);
    // The victim: a worker in the middle of a partition that has committed a checkpoint already.
    const metadata = new Client({ connectionString: stack.databaseUrl });
    await metadata.connect();
    let victim: (typeof stack.workers)[number] | undefined;
    try {
      for (const deadline = Date.now() + 120_000; !victim && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
        const { rows } = await metadata.query<{ unit: number }>('SELECT unit FROM sync_checkpoints WHERE job_id = $1 AND unit > 0 AND sequence >= 1', [jobId]);
        const written = new Set(partitionsByWorker(jobId, 'written').flat());
        const running = partitionsByWorker(jobId);
        const unit = rows.map((r) => r.unit).find((u) => !written.has(u));
        if (unit !== undefined) victim = stack.workers.find((worker, i) => worker.running && running[i]!.includes(unit));
      }
    } finally {
      await metadata.end();
    }
    if (!victim) throw new Error(`no worker was found in the middle of a partition\n${stack.output().slice(-4000)}`);
    victim.kill('SIGKILL');
    await victim.exited;
    await stack.startWorker({ TRIBUTARY_WORKER_MAX_CONCURRENT_PARTITIONS: '2' });
    const job = await waitForJob(stack, jobId, (j) => TERMINAL.includes(j.status), 180_000);
    expect({ status: job.status, failure: job.failure }).toEqual({ status: 'succeeded', failure: null });
    const { rows } = await destination.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM killed.events');
    expect(rows[0]).toEqual({ n: ROWS, d: ROWS });
    expect((await destination.query(`${CHECKSUM} FROM killed.events`)).rows[0]).toEqual((await source.query(`${CHECKSUM} FROM events`)).rows[0]);
    const messages = await logs(jobId);
    expect(messages).toContainEqual(expect.stringMatching(/partition \d+ of \d+ .*: try \d+ resumes from its checkpoint \d+/));
  }, 400_000);
});
