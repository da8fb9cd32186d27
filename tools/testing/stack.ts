// A running Tributary for an e2e test: the built API and N workers as real processes, on the run's
// Temporal dev server and PostgreSQL (see global-setup), with their own database, data dir, API
// token and task queue — so test files running in parallel never share data or steal each other's
// tasks. `stop()` kills every process the stack started, drops its database, removes its temp dir.
//
//   let stack: Stack;
//   beforeAll(async () => { stack = await startStack({ workers: 2 }); });
//   afterAll(() => stack?.stop());
//   it('lists connectors', async () => {
//     const response = await stack.request('GET', '/connector-definitions');
//     expect(response.status).toBe(200);
//   });
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort, LOOPBACK } from '../../apps/cli/src/stack/free-port';
import { ManagedProcess, describeExit, type ProcessExit, type StopOptions } from '../../apps/cli/src/stack/managed-process';
import { httpOk, waitUntil } from '../../apps/cli/src/stack/wait-until';
import { workerEnvironment, workerNodeFlags } from '../../apps/cli/src/config/workspace';
import { createTestDatabase, type TestDatabase } from './test-database';
import { testTemporalAddress } from './test-environment';

const ROOT = resolve(__dirname, '..', '..');
export const API_MAIN = join(ROOT, 'apps', 'api', 'dist', 'main.js');
export const WORKER_MAIN = join(ROOT, 'apps', 'worker', 'dist', 'main.js');
/** Preloaded into every process: it stops itself when the test process is gone. */
const EXIT_WITH_PARENT = join(__dirname, 'exit-with-parent.js');

export interface StartStackOptions {
  /** Workers to start (default 1; 0 for an API-only stack). */
  workers?: number;
  /** Extra environment for the API and every worker, e.g. `{ TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: '3' }`. */
  env?: NodeJS.ProcessEnv;
  /** Extra environment for the API only. */
  apiEnv?: NodeJS.ProcessEnv;
  /** Extra environment for the workers only. */
  workerEnv?: NodeJS.ProcessEnv;
  /** Task queue of this stack (default: a unique `tributary-test-<random>`). */
  taskQueue?: string;
  /** Bearer token the API accepts (default: a random one). */
  apiToken?: string;
  /** Per-process startup timeout (default 120 s). */
  startupTimeoutMs?: number;
  /** Print the processes' output live to stderr (default: TRIBUTARY_TEST_ECHO=1). */
  echo?: boolean;
}

/** A process of the stack. */
export interface StackProcess {
  /** `api`, `worker-1`, `worker-2`, … */
  readonly name: string;
  readonly pid: number | undefined;
  /** Resolves (never rejects) when the process ends. */
  readonly exited: Promise<ProcessExit>;
  readonly running: boolean;
  /** Sends a signal (default SIGTERM); false when the process is not running. */
  kill(signal?: NodeJS.Signals): boolean;
  /** SIGTERM, then SIGKILL after `timeoutMs` (default 15 s); resolves with the exit. */
  stop(options?: StopOptions): Promise<ProcessExit>;
  /** What it printed (stdout and stderr interleaved, last 5,000 lines). */
  output(): string;
  /** Resolves with the first line (printed already or later) that matches. */
  waitForLog(match: RegExp | ((line: string) => boolean), timeoutMs?: number): Promise<string>;
}

/** A JSON object as the API returns it; cast to your own type (`body as unknown as Job`) where useful. */
export type JsonBody = Record<string, unknown>;

export interface ApiResponse<T = JsonBody> {
  status: number;
  /** Parsed JSON (the raw text when the body is not JSON; undefined when empty). */
  body: T;
  text: string;
  headers: Headers;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Bearer token to send instead of the stack's; `null` sends none. */
  token?: string | null;
}

export interface Stack {
  /** Origin of the API, e.g. http://127.0.0.1:40123 (the REST API is under /api/v1). */
  apiUrl: string;
  token: string;
  databaseUrl: string;
  databaseName: string;
  dataDir: string;
  taskQueue: string;
  temporalAddress: string;
  temporalNamespace: string;
  api: StackProcess;
  /** Every worker started so far, including those added by `startWorker`. */
  workers: StackProcess[];
  /**
   * Calls the REST API: `path` is relative to `/api/v1` (`'/sources?limit=5'`), `body` is sent as
   * JSON, the stack's bearer token is sent unless `options.token` says otherwise.
   */
  request<T = JsonBody>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Starts one more worker on the stack's task queue and waits until it logs "worker ready". */
  startWorker(env?: NodeJS.ProcessEnv): Promise<StackProcess>;
  /** The output of every process, labelled by process, for a failing test's message. */
  output(): string;
  /** Kills every process, drops the database, removes the data dir. Safe to call twice. */
  stop(): Promise<void>;
}

const KEEP_LINES = 5000;
/** The `stop` of every stack of this test file not stopped yet, including stacks still starting. */
const liveStacks = new Set<() => Promise<void>>();

/** Stops every stack of this test file that is still running (a safety net for afterAll). */
export async function stopAllStacks(): Promise<void> {
  await Promise.all([...liveStacks].map((stop) => stop()));
}

export async function startStack(options: StartStackOptions = {}): Promise<Stack> {
  const temporalAddress = testTemporalAddress();
  for (const entry of [API_MAIN, ...(options.workers === 0 ? [] : [WORKER_MAIN])]) {
    if (!existsSync(entry)) throw new Error(`${entry.slice(ROOT.length + 1)} is missing: build the apps first ("npm run build").`);
  }
  const echo = options.echo ?? process.env['TRIBUTARY_TEST_ECHO'] === '1';
  const timeoutMs = options.startupTimeoutMs ?? 120_000;
  const taskQueue = options.taskQueue ?? `tributary-test-${randomBytes(4).toString('hex')}`;
  const token = options.apiToken ?? `trb_test_${randomBytes(16).toString('hex')}`;
  const temporalNamespace = 'default';

  const processes: ManagedProcess[] = [];
  const workers: StackProcess[] = [];
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let stopping: Promise<void> | undefined;

  const spawn = (name: string, entry: string, env: NodeJS.ProcessEnv): ManagedProcess => {
    // A test that timed out may have stopped the stack while it was still starting.
    if (stopping) throw new Error(`The stack was stopped while it was starting (${name} not started).`);
    const child = ManagedProcess.spawn({
      name,
      command: process.execPath,
      args: ['--require', EXIT_WITH_PARENT, ...(entry === WORKER_MAIN ? workerNodeFlags(env) : []), entry],
      cwd: ROOT,
      env,
      keepLines: KEEP_LINES,
      unref: true,
      onLine: echo ? (line) => process.stderr.write(`[${taskQueue} ${name}] ${line}\n`) : undefined,
    });
    processes.push(child);
    return child;
  };

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Workers first, then the API: the reverse of the start order.
      await Promise.all([...processes].reverse().map((child) => child.stop({ timeoutMs: 15_000 })));
      await database?.drop().catch(() => undefined);
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
      liveStacks.delete(stop);
    })();
    return stopping;
  };

  liveStacks.add(stop);
  try {
    database = await createTestDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'tributary-test-stack-'));
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: temporalNamespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TRIBUTARY_DATA_DIR: dataDir,
      // Shared by the API and the workers, so what one seals the other can open.
      TRIBUTARY_SECRET_KEY: randomBytes(32).toString('hex'),
      TRIBUTARY_API_TOKEN: token,
      API_HOST: LOOPBACK,
      ...options.env,
    };

    const { child: api, port } = await startApi(spawn, { ...baseEnv, ...options.apiEnv }, timeoutMs);
    const apiUrl = `http://${LOOPBACK}:${port}`;

    let workerCount = 0;
    const startWorker = async (env: NodeJS.ProcessEnv = {}): Promise<StackProcess> => {
      workerCount += 1;
      const workerEnv = { ...baseEnv, ...options.workerEnv, ...env };
      const child = spawn(`worker-${workerCount}`, WORKER_MAIN, { ...workerEnvironment(workerEnv), ...workerEnv });
      try {
        await child.waitForLine(/"message"\s*:\s*"worker ready"/, { timeoutMs, description: `${child.name} to log "worker ready"` });
      } catch (error) {
        await child.stop({ timeoutMs: 5000 });
        throw new Error(`${child.name} did not start: ${(error as Error).message.split('\n')[0]}\n--- ${child.name} output ---\n${child.output()}`);
      }
      const handle = stackProcess(child);
      workers.push(handle);
      return handle;
    };

    const stack: Stack = {
      apiUrl,
      token,
      databaseUrl: database.url,
      databaseName: database.name,
      dataDir,
      taskQueue,
      temporalAddress,
      temporalNamespace,
      api: stackProcess(api),
      workers,
      request: <T = JsonBody>(method: string, path: string, body?: unknown, requestOptions?: RequestOptions) =>
        apiRequest<T>(apiUrl, requestOptions?.token === undefined ? token : requestOptions.token, method, path, body, requestOptions?.headers),
      startWorker,
      output: () => processes.map((child) => `=== ${child.name} (pid ${child.pid ?? '?'}) ===\n${child.output()}`).join('\n'),
      stop,
    };

    await Promise.all(Array.from({ length: options.workers ?? 1 }, () => startWorker()));
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startApi(
  spawn: (name: string, entry: string, env: NodeJS.ProcessEnv) => ManagedProcess,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ child: ManagedProcess; port: number }> {
  // A free port can be taken by a parallel test file between our check and the API's bind: retry.
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort();
    const child = spawn('api', API_MAIN, { ...env, API_PORT: String(port) });
    try {
      await waitUntil(httpOk(`http://${LOOPBACK}:${port}/api/v1/health`), {
        description: `the API to answer /api/v1/health with 200 on port ${port}`,
        timeoutMs,
        failFast: () => child.exit && { message: `The API ${describeExit(child.exit)} during startup.` },
      });
      return { child, port };
    } catch (error) {
      await child.stop({ timeoutMs: 5000 });
      if (attempt < 3 && /EADDRINUSE/.test(child.output())) continue;
      throw new Error(`${(error as Error).message}\n--- api output ---\n${child.output()}`);
    }
  }
}

async function apiRequest<T>(
  apiUrl: string,
  token: string | null,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${apiUrl}/api/v1${path.startsWith('/') ? path : `/${path}`}`, {
    method,
    headers: {
      accept: 'application/json',
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as T, text, headers: response.headers };
}

function stackProcess(child: ManagedProcess): StackProcess {
  return {
    name: child.name,
    get pid() {
      return child.pid;
    },
    exited: child.exited,
    get running() {
      return child.running;
    },
    kill: (signal) => child.kill(signal),
    stop: (stopOptions) => child.stop({ timeoutMs: 15_000, ...stopOptions }),
    output: () => child.output(),
    waitForLog: (match, timeoutMs = 60_000) => child.waitForLine(match, { timeoutMs }),
  };
}
