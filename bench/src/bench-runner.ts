// One benchmark run: prepare the datasets, measure the ceilings, run every selected scenario
// through the real platform and the peers, and write bench/results/<date>.json + .md.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import globalSetup, { stopTestInfrastructure, takeTestInfrastructure } from '../../tools/testing/global-setup';
import { startS3Server, type S3TestServer } from '../../tools/testing/s3-server';
import { createTestDatabase, TEST_ENV, type TestDatabase } from '../../tools/testing';
import { addRatios, checkTargets, figures, human, markdown, notRun, type BenchResults, type RssAtSize, type ScenarioKind, type ScenarioResult } from './bench-report';
import { ORDERS_TABLE, WIDE_TABLE, ordersSql, prepareDataset, touchRowsSql, wideSql, type DatasetInfo } from './datasets';
import { summariseProfiles } from './cpu-profile.summary';
import { runMeasured } from './measured-command';
import { connectionConfig, PlatformDriver, type SyncRun } from './platform-driver';
import { dltPeer, slingPeer, type PeerS3, type PeerTarget, type PeerTool } from './peer-tools';

export const BENCH_ROOT = resolve(__dirname, '..');
const BIN = join(BENCH_ROOT, 'bin', 'bench.js');

export interface BenchOptions {
  /** Rows of the orders table; the wide table gets a fifth of it. */
  size: number;
  /** Scenario ids (or prefixes) to run; empty = all. */
  scenarios: string[];
  /** Datasets to use (`orders`, `wide`). */
  datasets: string[];
  smoke: boolean;
  peers: boolean;
  seed: number;
  /** Where results go (default bench/results). */
  outDir: string;
  /** Run the workers with --cpu-prof and summarise where their CPU went, per scenario. */
  profile: boolean;
  /** Label of the run in the table, e.g. "busy machine". */
  label: string;
  echo: boolean;
  log: (line: string) => void;
}

/** Partitions of the scale-out scenarios (each an activity of its own, docs/scale-out.md). */
const SCALE_PARTITIONS = 4;

export const ALL_SCENARIOS = [
  'ceiling-read',
  'ceiling-pipe',
  'pg-pg',
  'pg-parquet-local',
  'pg-parquet-s3',
  'pg-jsonl-gz',
  'incremental',
  'incremental-append',
  'resume',
  'scale-2-workers',
  'scale-partitions',
  'sling-pg-pg',
  'sling-parquet',
  'sling-parquet-s3',
  'dlt-pg-pg',
  'dlt-parquet',
  'dlt-parquet-s3',
] as const;

/** Scenarios that run on the wide table too (the others use orders only). */
const WIDE_SCENARIOS = new Set(['ceiling-read', 'ceiling-pipe', 'pg-pg', 'pg-parquet-local', 'sling-pg-pg', 'sling-parquet', 'dlt-pg-pg', 'dlt-parquet']);

export async function runBench(options: BenchOptions): Promise<{ results: BenchResults; jsonFile: string; markdownFile: string }> {
  const log = options.log;
  const wanted = (id: string) => !options.scenarios.length || options.scenarios.some((s) => id === s || id.startsWith(s));
  const startedAt = new Date();
  const runStamp = startedAt.toISOString().replace(/[:]/g, '-').replace(/\..*$/, '');
  const scenarios: ScenarioResult[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const work = await mkdtemp(join(tmpdir(), 'tributary-bench-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  // The shared servers: PostgreSQL (DATABASE_URL or the local test server) and a Temporal dev server
  // — the integration tests' global setup, which reuses whatever TEST_ENV already names.
  process.env[TEST_ENV.databaseUrl] ??= process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  await globalSetup();
  const infrastructure = takeTestInfrastructure();
  if (infrastructure) cleanups.push(() => stopTestInfrastructure(infrastructure));

  try {
    const sourceDb = await createTestDatabase('tributary_bench_src');
    cleanups.push(() => sourceDb.drop());
    const destinationDb = await createTestDatabase('tributary_bench_dst');
    cleanups.push(() => destinationDb.drop());
    const source = new Client({ connectionString: sourceDb.url });
    await source.connect();
    cleanups.push(() => source.end());
    const postgresVersion = (await source.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;

    // 1. Datasets.
    const datasets: DatasetInfo[] = [];
    const ordersRows = options.size;
    const wideRows = Math.max(100, Math.round(options.size / 5));
    if (options.datasets.includes('orders')) {
      log(`preparing ${ORDERS_TABLE}: ${ordersRows.toLocaleString('en')} rows`);
      datasets.push(await prepareDataset(source, ORDERS_TABLE, ordersSql(ordersRows, options.seed)));
    }
    if (options.datasets.includes('wide')) {
      log(`preparing ${WIDE_TABLE}: ${wideRows.toLocaleString('en')} rows`);
      datasets.push(await prepareDataset(source, WIDE_TABLE, wideSql(wideRows, options.seed)));
    }
    for (const d of datasets) log(`  ${d.table}: ${d.rows.toLocaleString('en')} rows, ${(d.tableBytes / 1e6).toFixed(0)} MB, ~${d.avgRowBytes} B/row, ${d.prepareSeconds.toFixed(1)} s`);

    const ctx: RunContext = { options, sourceDb, destinationDb, work, log };
    let platform: PlatformDriver | undefined;
    const record = async (id: string, dataset: DatasetInfo, kind: ScenarioKind, title: string, run: () => Promise<ScenarioResult>) => {
      if (!wanted(id)) return;
      log(`▶ ${id} (${dataset.table})`);
      try {
        // What the previous scenario wrote is on disk first: the kernel's write-back of its files
        // (dlt leaves GBs of them) would otherwise take CPU and disk from this one.
        await flushFileSystems();
        const profileDir = options.profile && kind === 'platform' ? join(options.outDir, 'profiles', runStamp, `${id}-${dataset.table}`) : undefined;
        if (kind === 'platform') await platform?.freshWorkers(1, profileDir ? { NODE_OPTIONS: `--require ${join(BENCH_ROOT, 'bin', 'cpu-profile.preload.js')}`, BENCH_CPU_PROFILE_DIR: profileDir } : {});
        const load = loadavg()[0]!;
        const result = await run();
        result.loadAverage1m = Math.round(Math.max(load, loadavg()[0]!) * 10) / 10;
        if (profileDir && platform) {
          await platform.stopWorkers();
          const profile = await summariseProfiles(profileDir, resolve(BENCH_ROOT, '..'));
          if (profile) result.extra = { ...result.extra, profile, profileDir: relative(BENCH_ROOT, profileDir) };
        }
        scenarios.push(result);
        log(
          result.status === 'ok'
            ? `  ${result.rowsPerSecond.toLocaleString('en')} rows/s, ${result.mbPerSecond} MB/s, ${result.seconds} s, ${result.cpuSecondsPerMillionRows} CPU s/M rows, peak RSS ${result.peakRssMb} MB${result.note ? ` — ${result.note}` : ''}`
            : `  ${result.status}: ${result.note}`,
        );
      } catch (error) {
        const note = (error as Error).message.split('\n').slice(0, 3).join(' ');
        scenarios.push(notRun(id, dataset.table, kind, title, 'failed', note));
        log(`  failed: ${note}`);
      }
    };

    // 2. Ceilings.
    for (const dataset of datasets) {
      await record('ceiling-read', dataset, 'ceiling', 'COPY binary read + decode in Node', () => ceilingRead(ctx, dataset));
      await record('ceiling-pipe', dataset, 'ceiling', 'psql COPY TO STDOUT | psql COPY FROM STDIN', () => ceilingPipe(ctx, dataset));
    }

    // The S3 server (SeaweedFS) of the S3 scenarios, started when the first one runs; a bucket each.
    let s3: S3TestServer | undefined;
    const s3Bucket = async (): Promise<PeerS3> => {
      if (!s3) {
        const started = await startS3Server();
        cleanups.push(() => started.stop());
        s3 = started;
      }
      return { endpoint: s3.endpoint, bucket: await s3.createBucket(), accessKeyId: s3.credentials.accessKeyId, secretAccessKey: s3.credentials.secretAccessKey };
    };

    // 3. Peers (before the platform's syncs touch the orders table).
    const peers: PeerTool[] = options.peers ? [slingPeer(), dltPeer()] : [];
    const peerTitles: Record<PeerTarget, string> = { 'pg-pg': 'PostgreSQL', parquet: 'Parquet (local file)', 'parquet-s3': 'Parquet on S3 (SeaweedFS)' };
    for (const dataset of datasets) {
      for (const peer of peers) {
        for (const target of ['pg-pg', 'parquet', 'parquet-s3'] as const) {
          const id = `${peer.name}-${target}`;
          if (dataset.table === WIDE_TABLE && !WIDE_SCENARIOS.has(id)) continue;
          await record(id, dataset, 'peer', `${peer.name}: PostgreSQL → ${peerTitles[target]}`, async () => runPeer(ctx, peer, target, dataset, target === 'parquet-s3' ? await s3Bucket() : undefined));
        }
      }
    }

    // 4. The platform.
    const platformIds = ALL_SCENARIOS.filter((id) => !id.startsWith('ceiling') && !id.startsWith('sling') && !id.startsWith('dlt'));
    if (platformIds.some(wanted) && datasets.length) {
      log('starting the platform (API + worker, Temporal dev server)');
      const driver = await PlatformDriver.start({ heartbeatTimeoutSeconds: 10, echo: options.echo });
      cleanups.push(() => driver.stop());
      platform = driver;
      const orders = datasets.find((d) => d.table === ORDERS_TABLE);
      for (const dataset of datasets) {
        const wide = dataset.table === WIDE_TABLE;
        await record('pg-pg', dataset, 'platform', 'PostgreSQL → PostgreSQL (destination-postgres, overwrite)', () => syncScenario(ctx, driver, 'pg-pg', dataset, postgresDestination(ctx, `bench_pg_${dataset.table}`)));
        await record('pg-parquet-local', dataset, 'platform', 'PostgreSQL → Parquet, local files', () => syncScenario(ctx, driver, 'pg-parquet-local', dataset, localFiles(ctx, `parquet-${dataset.table}`, { format: 'parquet' })));
        if (wide) continue;
        await record('pg-parquet-s3', dataset, 'platform', 'PostgreSQL → Parquet on S3 (SeaweedFS)', async () => {
          const bucket = await s3Bucket();
          const destination = {
            definitionId: 'destination-s3',
            config: { bucket: bucket.bucket, prefix: 'bench', endpoint: bucket.endpoint, access_key_id: bucket.accessKeyId, secret_access_key: bucket.secretAccessKey, format: 'parquet' },
          };
          return syncScenario(ctx, driver, 'pg-parquet-s3', dataset, destination);
        });
        await record('pg-jsonl-gz', dataset, 'platform', 'PostgreSQL → JSONL.gz, local files', () => syncScenario(ctx, driver, 'pg-jsonl-gz', dataset, localFiles(ctx, `jsonl-${dataset.table}`, { format: 'jsonl', compression: 'gzip' })));
      }
      if (orders) {
        await record('incremental', orders, 'platform', 'incremental (append + dedup) after 1% of rows changed', () => incrementalScenario(ctx, driver, orders, 'incremental_append_dedup'));
        await record('incremental-append', orders, 'platform', 'incremental (append) after 1% of rows changed', () => incrementalScenario(ctx, driver, orders, 'incremental_append'));
        await record('resume', orders, 'platform', 'worker SIGKILLed at ~50%, resumed by a new worker', () => resumeScenario(ctx, driver, orders));
        await record('scale-2-workers', orders, 'platform', `PostgreSQL → Parquet, ${SCALE_PARTITIONS} partitions on two worker processes`, () => scaleOutScenario(ctx, driver, orders));
        await record('scale-partitions', orders, 'platform', `PostgreSQL → Parquet, ${SCALE_PARTITIONS} partitions on one worker`, () =>
          syncScenario(ctx, driver, 'scale-partitions', orders, localFiles(ctx, 'parquet-partitions', { format: 'parquet' }), { max_partitions: SCALE_PARTITIONS, partition_min_mb: 1 }),
        );
      }
    }

    addRatios(scenarios);
    const results: BenchResults = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      size: options.size,
      smoke: options.smoke,
      seed: options.seed,
      label: options.label,
      machine: {
        cpus: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        memoryGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        postgres: `PostgreSQL ${postgresVersion}`,
        os: `Linux ${release()}`,
        loadAverage: loadavg(),
      },
      datasets,
      scenarios,
      targets: [],
    };
    results.targets = checkTargets(results, await otherRuns(options.outDir));
    await mkdir(options.outDir, { recursive: true });
    const base = join(options.outDir, `${runStamp}-${options.smoke ? 'smoke' : human(options.size)}`);
    const jsonFile = `${base}.json`;
    const markdownFile = `${base}.md`;
    await writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(markdownFile, `${markdown(results)}\n`);
    return { results, jsonFile, markdownFile };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => log(`cleanup failed: ${String(error)}`));
  }
}

interface RunContext {
  options: BenchOptions;
  sourceDb: TestDatabase;
  destinationDb: TestDatabase;
  work: string;
  log: (line: string) => void;
}

interface DestinationSpec {
  definitionId: string;
  config: Record<string, unknown>;
  /** Namespace (schema) for a database destination. */
  namespace?: string;
}

function postgresDestination(ctx: RunContext, schema: string): DestinationSpec {
  return { definitionId: 'destination-postgres', config: { ...connectionConfig(ctx.destinationDb.url), schema }, namespace: schema };
}

function localFiles(ctx: RunContext, dir: string, extra: Record<string, unknown>): DestinationSpec {
  return { definitionId: 'destination-local-files', config: { destination_path: join(ctx.work, dir), ...extra } };
}

function sourceConfig(ctx: RunContext, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...connectionConfig(ctx.sourceDb.url), schemas: ['public'], ...extra };
}

/** The worker figures of a sync: CPU and peak RSS of the worker processes (the data path). */
function syncFigures(id: string, title: string, dataset: DatasetInfo, run: SyncRun, note?: string, extra?: Record<string, unknown>): ScenarioResult {
  const workers = run.processes.filter((p) => p.name.startsWith('worker'));
  return figures({
    id,
    dataset,
    kind: 'platform',
    title,
    rows: run.job.recordsCommitted,
    seconds: run.seconds,
    cpuSeconds: workers.reduce((sum, p) => sum + p.cpuSeconds, 0),
    peakRssMb: Math.max(0, ...workers.map((p) => p.peakRssMb)),
    processes: run.processes,
    temporal: run.temporal,
    note,
    extra: { jobId: run.job.id, attempts: run.job.attempts?.length ?? 1, phases: run.phases, ...extra },
  });
}

async function syncScenario(ctx: RunContext, driver: PlatformDriver, id: string, dataset: DatasetInfo, destination: DestinationSpec, sourceExtra: Record<string, unknown> = {}): Promise<ScenarioResult> {
  const connectionId = await driver.pipeline({ name: `${id} ${dataset.table}`, source: sourceConfig(ctx, sourceExtra), destination, stream: dataset.table, syncMode: 'full_refresh_overwrite', namespace: destination.namespace });
  const run = await driver.sync(connectionId);
  assertRows(run, dataset);
  return syncFigures(id, id, dataset, run);
}

function assertRows(run: SyncRun, dataset: DatasetInfo): void {
  if (run.job.recordsCommitted !== dataset.rows) throw new Error(`the sync committed ${run.job.recordsCommitted} rows of ${dataset.rows}`);
}

/**
 * First sync (full), then 1% of the rows change, then the measured incremental sync. With dedup the
 * destination merges the changed rows into its table (an UPDATE of rows spread over the whole
 * table); with append it adds them: the difference is the merge's cost in PostgreSQL.
 */
async function incrementalScenario(ctx: RunContext, driver: PlatformDriver, dataset: DatasetInfo, syncMode: 'incremental_append_dedup' | 'incremental_append'): Promise<ScenarioResult> {
  const id = syncMode === 'incremental_append' ? 'incremental-append' : 'incremental';
  const destination = postgresDestination(ctx, syncMode === 'incremental_append' ? 'bench_incremental_append' : 'bench_incremental');
  const connectionId = await driver.pipeline({
    name: id,
    source: sourceConfig(ctx),
    destination,
    stream: dataset.table,
    syncMode,
    cursorField: ['updated_at'],
    primaryKey: [['id']],
    namespace: destination.namespace,
  });
  const first = await driver.sync(connectionId);
  assertRows(first, dataset);
  const source = new Client({ connectionString: ctx.sourceDb.url });
  await source.connect();
  let changed: number;
  try {
    changed = (await source.query(touchRowsSql(dataset.table, 0.01))).rowCount ?? 0;
    await source.query(`VACUUM ANALYZE ${dataset.table}`);
  } finally {
    await source.end();
  }
  const second = await driver.sync(connectionId);
  // The boundary rows of the cursor may be read again (see the source's README): at least `changed`.
  if (second.job.recordsCommitted < changed) throw new Error(`the incremental sync committed ${second.job.recordsCommitted} rows, ${changed} changed`);
  const result = syncFigures(id, id, dataset, second, `first (full) incremental sync ${first.seconds.toFixed(2)} s; ${changed.toLocaleString('en')} rows changed`, {
    changedRows: changed,
    incrementalSeconds: second.seconds,
    initialSyncSeconds: first.seconds,
    initialSyncPeakRssMb: Math.max(0, ...first.processes.filter((p) => p.name.startsWith('worker')).map((p) => p.peakRssMb)),
  });
  return result;
}

/**
 * A full refresh into PostgreSQL whose worker is SIGKILLed once the source has emitted about half
 * the rows; a new worker takes over after the heartbeat timeout. Rows re-read = rows the killed
 * attempt had read (last reported progress, a lower bound) − rows it had committed.
 */
async function resumeScenario(ctx: RunContext, driver: PlatformDriver, dataset: DatasetInfo): Promise<ScenarioResult> {
  const checkpointRows = ctx.options.smoke ? 500 : 50_000;
  const destination = postgresDestination(ctx, 'bench_resume');
  const connectionId = await driver.pipeline({ name: 'resume', source: sourceConfig(ctx, { checkpoint_rows: checkpointRows }), destination, stream: dataset.table, syncMode: 'full_refresh_overwrite', namespace: destination.namespace });
  let emittedAtKill = 0;
  let committedAtKill = 0;
  let killed = false;
  const run = await driver.sync(connectionId, async (jobId) => {
    const job = await driver.waitForJob(jobId, (j) => j.recordsEmitted >= dataset.rows / 2 || j.status === 'succeeded', undefined, 50);
    if (job.status === 'succeeded') return;
    const victim = driver.liveWorkers[0]!;
    victim.kill('SIGKILL');
    killed = true;
    await victim.exited;
    emittedAtKill = job.recordsEmitted;
    committedAtKill = job.recordsCommitted;
    await driver.startWorker();
  });
  assertRows(run, dataset);
  if (!killed) return { ...syncFigures('resume', 'resume', dataset, run), note: 'the sync finished before the kill: nothing to resume (data too small)' };
  const attempts = run.job.attempts ?? [];
  const firstCommitted = attempts.find((a) => a.number === 1)?.recordsCommitted ?? committedAtKill;
  const rowsReread = Math.max(0, emittedAtKill - firstCommitted);
  return syncFigures(
    'resume',
    'resume',
    dataset,
    run,
    `killed after ${emittedAtKill.toLocaleString('en')} rows read / ${firstCommitted.toLocaleString('en')} committed; ${attempts.length} attempts, last resumed: ${attempts.at(-1)?.resumed ?? false}; time includes the ${10} s heartbeat timeout`,
    { emittedAtKill, committedAtKill: firstCommitted, rowsReread, partitionRows: checkpointRows },
  );
}

/**
 * The same partitioned sync on two worker processes. Each runs one partition at a time
 * (TRIBUTARY_WORKER_MAX_CONCURRENT_PARTITIONS, default 1), so both take some of the four: the
 * figures show the work spread.
 */
async function scaleOutScenario(ctx: RunContext, driver: PlatformDriver, dataset: DatasetInfo): Promise<ScenarioResult> {
  await driver.freshWorkers(2);
  const connectionId = await driver.pipeline({
    name: 'scale-out',
    source: sourceConfig(ctx, { max_partitions: SCALE_PARTITIONS, partition_min_mb: 1 }),
    destination: localFiles(ctx, 'parquet-scale', { format: 'parquet' }),
    stream: dataset.table,
    syncMode: 'full_refresh_overwrite',
  });
  const run = await driver.sync(connectionId);
  assertRows(run, dataset);
  const busy = run.processes.filter((p) => p.name.startsWith('worker') && p.cpuSeconds > 0.5).map((p) => p.name);
  return syncFigures('scale-2-workers', 'scale-2-workers', dataset, run, `workers that did data work: ${busy.join(', ') || 'none'} (${SCALE_PARTITIONS} partition activities)`, { busyWorkers: busy });
}

async function ceilingRead(ctx: RunContext, dataset: DatasetInfo): Promise<ScenarioResult> {
  const run = await runMeasured({ name: 'node-copy-read', command: process.execPath, args: [BIN, '--internal-copy-read', dataset.table, '--url', ctx.sourceDb.url] });
  if (run.exitCode !== 0) throw new Error(`the COPY reader exited ${run.exitCode}: ${run.stderr.slice(-500)}`);
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number; cpuSeconds: number; bytes: number };
  if (out.rows !== dataset.rows) throw new Error(`read ${out.rows} rows of ${dataset.rows}`);
  // Time and CPU of the read itself, measured inside the reader (its start-up is not the ceiling's).
  return figures({
    id: 'ceiling-read',
    dataset,
    kind: 'ceiling',
    title: 'COPY binary + decode (Node)',
    rows: out.rows,
    seconds: out.seconds,
    cpuSeconds: out.cpuSeconds,
    peakRssMb: run.peakRssMb,
    processes: run.processes,
    extra: { copyBytes: out.bytes, processWallSeconds: run.wallSeconds, processCpuSeconds: run.cpuSeconds },
  });
}

async function ceilingPipe(ctx: RunContext, dataset: DatasetInfo): Promise<ScenarioResult> {
  const target = `pipe_${dataset.table}`;
  const destination = new Client({ connectionString: ctx.destinationDb.url });
  await destination.connect();
  try {
    // Same columns and types, no indexes: what a COPY into a fresh table costs. Enum types are
    // recreated as text (the destination database does not have them).
    const columns = await columnDefinitions(ctx.sourceDb.url, dataset.table);
    await destination.query(`DROP TABLE IF EXISTS ${target}; CREATE TABLE ${target} (${columns})`);
    const script = `set -o pipefail; psql -X -q -v ON_ERROR_STOP=1 "$SRC" -c "COPY ${dataset.table} TO STDOUT" | psql -X -q -v ON_ERROR_STOP=1 "$DST" -c "COPY ${target} FROM STDIN"`;
    const run = await runMeasured({ name: 'psql-pipe', command: 'bash', args: ['-c', script], env: { ...process.env, SRC: ctx.sourceDb.url, DST: ctx.destinationDb.url } });
    if (run.exitCode !== 0) throw new Error(`the psql pipe exited ${run.exitCode}: ${run.stderr.slice(-500)}`);
    const copied = Number((await destination.query(`SELECT count(*) AS n FROM ${target}`)).rows[0].n);
    if (copied !== dataset.rows) throw new Error(`copied ${copied} rows of ${dataset.rows}`);
    return figures({ id: 'ceiling-pipe', dataset, kind: 'ceiling', title: 'psql | psql', rows: copied, seconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, peakRssMb: run.peakRssMb, processes: run.processes, note: 'CPU is the two psql clients only (the servers’ COPY work is not counted)' });
  } finally {
    await destination.query(`DROP TABLE IF EXISTS ${target}`).catch(() => undefined);
    await destination.end();
  }
}

async function columnDefinitions(url: string, table: string): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; type: string; enum: boolean }>(
      `SELECT quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type, t.typtype = 'e' AS enum
         FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [table],
    );
    return rows.map((r) => `${r.name} ${r.enum ? 'text' : r.type}`).join(', ');
  } finally {
    await client.end();
  }
}

async function runPeer(ctx: RunContext, peer: PeerTool, target: PeerTarget, dataset: DatasetInfo, s3?: PeerS3): Promise<ScenarioResult> {
  const id = `${peer.name}-${target}`;
  const unavailable = await peer.available();
  if (unavailable) return notRun(id, dataset.table, 'peer', id, 'skipped', unavailable);
  const outDir = join(ctx.work, `${id}-${dataset.table}`);
  await mkdir(outDir, { recursive: true });
  const command = peer.command({ sourceUrl: ctx.sourceDb.url, table: dataset.table, target, destinationUrl: ctx.destinationDb.url, outDir, s3 });
  const run = await runMeasured({ name: peer.name, ...command, cwd: outDir });
  if (run.exitCode !== 0) {
    const skip = peer.skipReason(`${run.stdout}\n${run.stderr}`);
    if (skip) return notRun(id, dataset.table, 'peer', id, 'skipped', skip);
    const lastLines = (run.stderr || run.stdout).trim().split('\n').filter((line) => line.trim()).slice(-2).join(' ').slice(-400);
    throw new Error(`${peer.name} exited ${run.exitCode}: ${lastLines}`);
  }
  const rows = await peer.rowsWritten({ target, table: dataset.table, destinationUrl: ctx.destinationDb.url, outDir, stdout: run.stdout, stderr: run.stderr });
  if (rows !== dataset.rows) throw new Error(`${peer.name} wrote ${rows} rows of ${dataset.rows}`);
  return figures({ id, dataset, kind: 'peer', title: id, rows, seconds: run.wallSeconds, cpuSeconds: run.cpuSeconds, peakRssMb: run.peakRssMb, processes: run.processes });
}

/** Peak worker RSS of earlier full runs in the results directory (for the 1M → 10M check). */
async function otherRuns(dir: string): Promise<RssAtSize[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  const runs: RssAtSize[] = [];
  for (const file of files) {
    try {
      const r = JSON.parse(await readFile(join(dir, file), 'utf8')) as BenchResults;
      if (r.smoke) continue;
      const peak = Math.max(0, ...r.scenarios.filter((s) => s.kind === 'platform' && s.status === 'ok').map((s) => s.peakRssMb));
      if (peak > 0) runs.push({ size: r.size, peakWorkerRssMb: peak, file });
    } catch {
      // Not a results file.
    }
  }
  return runs;
}

/** `sync`: the kernel writes out every dirty page (best effort: a machine without it goes on). */
async function flushFileSystems(): Promise<void> {
  await promisify(execFile)('sync', [], { timeout: 300_000 }).catch(() => undefined);
}
