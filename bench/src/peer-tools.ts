// The peers, run on the same data in the same run: sling (its Linux binary from the
// `sling-linux-amd64` PyPI package — the `sling` package itself downloads the binary at first use)
// and dlt reading with connectorx into Arrow. Both run from a Python environment of their own
// (`bench/peers/install.sh`), because pyarrow 26 wants NumPy 2 and the machine's Python may pin 1.x.
// sling's Parquet goes through the DuckDB CLI and its httpfs and aws extensions, which that
// environment holds too (sling would download them at run time).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const PEERS_DIR = resolve(__dirname, '..', 'peers');

/** Where a peer writes: PostgreSQL, a local Parquet file, or Parquet on the S3 server. */
export type PeerTarget = 'pg-pg' | 'parquet' | 'parquet-s3';

/** The S3 server (SeaweedFS) and the bucket of a `parquet-s3` run. */
export interface PeerS3 {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface PeerCommandInput {
  sourceUrl: string;
  table: string;
  target: PeerTarget;
  destinationUrl: string;
  outDir: string;
  s3?: PeerS3;
}

export interface PeerTool {
  name: 'sling' | 'dlt';
  /** Why the peer cannot run here, or undefined when it can. */
  available(): Promise<string | undefined>;
  command(input: PeerCommandInput): { command: string; args: string[]; env: NodeJS.ProcessEnv };
  /** Rows the peer wrote (checked against the dataset). */
  rowsWritten(input: { target: PeerTarget; table: string; destinationUrl: string; outDir: string; stdout: string; stderr: string }): Promise<number>;
  /** A known reason the peer cannot do this here (e.g. it wants to download something), from its output. */
  skipReason(output: string): string | undefined;
}

/** The Python of the peers: $BENCH_PYTHON, else the venv bench/peers/install.sh makes, else python3. */
export function peersPython(env: NodeJS.ProcessEnv = process.env): string {
  if (env['BENCH_PYTHON']) return env['BENCH_PYTHON'];
  const venv = join(env['TRIBUTARY_BENCH_VENV'] ?? join(homedir(), '.cache', 'tributary-bench', 'peers'), 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

async function pythonCan(python: string, code: string): Promise<string | undefined> {
  try {
    const { stdout } = await run(python, ['-c', code], { timeout: 60_000 });
    return stdout.trim();
  } catch {
    return undefined;
  }
}

async function countRows(url: string, table: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

function withSslDisabled(url: string): string {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  return u.toString();
}

/**
 * The DuckDB CLI and extensions install.sh put beside the peers, for sling: its own CLI and DuckDB's
 * httpfs and aws extensions instead of downloads. Nothing when they are missing (sling then
 * downloads them).
 */
function slingDuckDb(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const bin = dirname(peersPython(env));
  const duckdb = join(bin, 'duckdb');
  const home = join(bin, '..', 'duckdb-home');
  if (!existsSync(duckdb) || !existsSync(join(home, '.duckdb'))) return {};
  return { DUCKDB_PATH: duckdb, DUCKDB_USE_INSTALLED_EXTENSIONS: 'true', HOME: home };
}

export function slingPeer(env: NodeJS.ProcessEnv = process.env): PeerTool {
  let binary: string | undefined = env['SLING_BINARY'];
  return {
    name: 'sling',
    async available() {
      binary ??= await pythonCan(peersPython(env), "import os, sling_linux_amd64 as s; print(os.path.join(os.path.dirname(s.__file__), 'bin', 'sling-linux-amd64'))");
      if (!binary || !existsSync(binary)) return 'sling is not installed (bench/peers/install.sh installs the sling-linux-amd64 binary package; or set SLING_BINARY)';
      return undefined;
    },
    command({ sourceUrl, table, target, destinationUrl, outDir, s3 }) {
      const args = ['run', '--src-conn', 'BENCH_SRC', '--src-stream', `public.${table}`, '--mode', 'full-refresh'];
      if (target === 'pg-pg') args.push('--tgt-conn', 'BENCH_DST', '--tgt-object', `sling_bench.${table}`);
      else if (target === 'parquet') args.push('--tgt-object', `file://${outDir}/${table}.parquet`, '--tgt-options', '{"format": "parquet"}');
      else args.push('--tgt-conn', 'BENCH_S3', '--tgt-object', `s3://${s3!.bucket}/sling/${table}.parquet`, '--tgt-options', '{"format": "parquet"}');
      // The keys go in the connection and in the environment too: sling's DuckDB reads S3 with a
      // secret whose credential chain ('env;config') looks for them there.
      const s3Connection = s3
        ? {
            BENCH_S3: JSON.stringify({ type: 's3', bucket: s3.bucket, endpoint: s3.endpoint, access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey, region: 'us-east-1' }),
            AWS_ACCESS_KEY_ID: s3.accessKeyId,
            AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
            AWS_REGION: 'us-east-1',
          }
        : {};
      return {
        command: binary!,
        args,
        env: { ...process.env, ...slingDuckDb(env), ...s3Connection, BENCH_SRC: withSslDisabled(sourceUrl), BENCH_DST: withSslDisabled(destinationUrl), SLING_HOME_DIR: join(outDir, '.sling'), DISABLE_TELEMETRY: 'true', SLING_DISABLE_TELEMETRY: 'true' },
      };
    },
    async rowsWritten({ target, table, destinationUrl, stderr, stdout }) {
      if (target === 'pg-pg') return countRows(destinationUrl, `sling_bench.${table}`);
      const wrote = /wrote (\d[\d,]*) rows/.exec(`${stdout}\n${stderr}`);
      return wrote ? Number(wrote[1]!.replace(/,/g, '')) : 0;
    },
    skipReason(output) {
      if (/Unable to Reach URL|Failed to download extension|downloading duckdb/i.test(output)) {
        return 'sling writes Parquet through DuckDB, which it (and then DuckDB, for its httpfs and aws extensions) downloads at run time: no internet on this machine (bench/peers/install.sh installs both)';
      }
      return undefined;
    },
  };
}

export function dltPeer(env: NodeJS.ProcessEnv = process.env): PeerTool {
  const python = peersPython(env);
  return {
    name: 'dlt',
    async available() {
      const ok = await pythonCan(python, 'import dlt, connectorx, pyarrow, sqlalchemy, psycopg2; from dlt.sources.sql_database import sql_table; print("ok")');
      return ok === 'ok' ? undefined : `dlt, connectorx, pyarrow, sqlalchemy or psycopg2 cannot be imported by ${python} (bench/peers/install.sh installs them)`;
    },
    command({ sourceUrl, table, target, destinationUrl, outDir, s3 }) {
      const script = join(PEERS_DIR, 'dlt_pipeline.py');
      const source = [script, plainUrl(sourceUrl), table];
      const args =
        target === 'pg-pg'
          ? [...source, 'postgres', plainUrl(destinationUrl), outDir]
          : target === 'parquet'
            ? [...source, 'parquet', join(outDir, 'files'), outDir]
            : [...source, 's3', `s3://${s3!.bucket}/dlt`, outDir];
      const s3Credentials = s3 ? { BENCH_S3_ENDPOINT: s3.endpoint, BENCH_S3_ACCESS_KEY_ID: s3.accessKeyId, BENCH_S3_SECRET_ACCESS_KEY: s3.secretAccessKey } : {};
      return { command: python, args, env: { ...process.env, ...s3Credentials, RUNTIME__DLTHUB_TELEMETRY: 'false' } };
    },
    async rowsWritten({ target, table, destinationUrl, outDir, stdout }) {
      if (target === 'pg-pg') return countRows(destinationUrl, `dlt_${table}.${table}`);
      if (target === 'parquet') {
        const files = await readdir(join(outDir, 'files'), { recursive: true }).catch(() => [] as string[]);
        if (!files.some((f) => String(f).endsWith('.parquet'))) return 0;
      }
      const line = stdout.trim().split('\n').pop() ?? '{}';
      return Number((JSON.parse(line) as { rows?: number }).rows ?? 0);
    },
    skipReason() {
      return undefined;
    },
  };
}

/** connectorx and SQLAlchemy want `postgresql://` without libpq-only parameters. */
function plainUrl(url: string): string {
  const u = new URL(url);
  u.protocol = 'postgresql:';
  u.search = '';
  return u.toString();
}
