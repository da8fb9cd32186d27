// One child process we own: spawned with piped output split into lines (kept in a bounded buffer
// for error messages and forwarded to a callback), an `exited` promise that never rejects, and a
// stop that escalates from a polite signal to SIGKILL. A process left running when this Node
// process exits is killed, so a crash of ours never leaves orphans behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { StackException, StackExceptionCode } from './stack.exception';

export type OutputStream = 'stdout' | 'stderr';

export interface ProcessSpec {
  /** Short name used in prefixes and messages: "api", "worker-1", "temporal". */
  name: string;
  command: string;
  args?: readonly string[];
  cwd?: string;
  /** The complete environment of the child (nothing is inherited implicitly). */
  env?: NodeJS.ProcessEnv;
  /** Run as another user (embedded Postgres refuses to run as root). */
  uid?: number;
  gid?: number;
  /**
   * Give the child its own process group: a Ctrl-C in the terminal then reaches only us (so we
   * can stop children in order), and signals we send reach the child's own children too.
   */
  detached?: boolean;
  onLine?: (line: string, stream: OutputStream) => void;
  /**
   * Do not keep this Node process alive for the child (test harness: a stack a test forgot to stop
   * must not hang Jest; the exit hook still kills it).
   */
  unref?: boolean;
  /** How many output lines to keep for `output()` (default 500). */
  keepLines?: number;
}

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  error?: Error;
}

export interface StopOptions {
  /** First signal (default SIGTERM). */
  signal?: NodeJS.Signals;
  /** Grace period before SIGKILL (default 10 s). */
  timeoutMs?: number;
}

const live = new Set<ManagedProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export class ManagedProcess {
  readonly name: string;
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly detached: boolean;
  private readonly keepLines: number;
  private readonly lines: string[] = [];
  private readonly lineListeners = new Set<(line: string) => void>();
  private exitStatus: ProcessExit | undefined;

  private constructor(spec: ProcessSpec) {
    this.name = spec.name;
    this.detached = spec.detached ?? false;
    this.keepLines = spec.keepLines ?? 500;
    this.child = spawn(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      uid: spec.uid,
      gid: spec.gid,
      detached: this.detached,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = this.child[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => {
        this.remember(line);
        spec.onLine?.(line, stream);
      });
    }
    if (spec.unref) {
      this.child.unref();
      for (const stream of [this.child.stdout, this.child.stderr]) (stream as (NodeJS.ReadableStream & { unref?: () => void }) | null)?.unref?.();
    }
    live.add(this);
    installExitHook();
    this.exited = new Promise<ProcessExit>((resolve) => {
      const settle = (exit: ProcessExit): void => {
        if (this.exitStatus) return;
        this.exitStatus = exit;
        live.delete(this);
        resolve(exit);
      };
      this.child.once('error', (error) => {
        // 'error' without a pid means the spawn itself failed; later errors (a failed kill) are ignored.
        if (this.child.pid === undefined) settle({ code: null, signal: null, error });
      });
      // 'close' comes after the output pipes drained; a grandchild holding a pipe open must not keep
      // us waiting, so 'exit' settles too after a short grace period for the last lines.
      this.child.once('close', (code, signal) => settle({ code, signal }));
      this.child.once('exit', (code, signal) => {
        setTimeout(() => settle({ code, signal }), 300).unref();
      });
    });
  }

  static spawn(spec: ProcessSpec): ManagedProcess {
    return new ManagedProcess(spec);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The exit, once the process has ended. */
  get exit(): ProcessExit | undefined {
    return this.exitStatus;
  }

  get running(): boolean {
    return this.exitStatus === undefined && this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** The last captured output lines (stdout and stderr interleaved as they arrived). */
  output(lastLines = this.keepLines): string {
    return this.lines.slice(-lastLines).join('\n');
  }

  /** Sends `signal` (to the whole process group when detached). False when nothing was signalled. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    const pid = this.child.pid;
    if (pid === undefined || !this.running) return false;
    try {
      if (this.detached) process.kill(-pid, signal);
      else this.child.kill(signal);
      return true;
    } catch {
      return false;
    }
  }

  /** Signals the process and waits for it to end, escalating to SIGKILL after the grace period. */
  async stop(options: StopOptions = {}): Promise<ProcessExit> {
    if (!this.running) return this.exited;
    this.kill(options.signal ?? 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs ?? 10_000);
    });
    const first = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (first !== 'timeout') return first;
    this.kill('SIGKILL');
    return this.exited;
  }

  /**
   * Resolves with the first output line (already captured or still to come) that matches; rejects
   * when the process ends first, on timeout, or on abort — with the captured output in the error.
   */
  waitForLine(match: RegExp | ((line: string) => boolean), options: { timeoutMs: number; signal?: AbortSignal; description?: string }): Promise<string> {
    const test = typeof match === 'function' ? match : (line: string) => match.test(line);
    const description = options.description ?? `${this.name} to print ${String(match)}`;
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise<string>((resolve, reject) => {
      const cleanup = (): void => {
        this.lineListeners.delete(listener);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const listener = (line: string): void => {
        if (!test(line)) return;
        cleanup();
        resolve(line);
      };
      const onAbort = (): void => {
        cleanup();
        reject(new StackException(StackExceptionCode.ABORTED, `Stopped while waiting for ${description}.`));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new StackException(StackExceptionCode.NOT_READY, `Gave up waiting for ${description} after ${Math.round(options.timeoutMs / 1000)} s.`, this.output()));
      }, options.timeoutMs);
      this.lineListeners.add(listener);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      void this.exited.then((exit) => {
        if (!this.lineListeners.has(listener)) return;
        cleanup();
        reject(new StackException(StackExceptionCode.PROCESS_FAILED, `${this.name} ${describeExit(exit)} while we waited for ${description}.`, this.output()));
      });
    });
  }

  private remember(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.keepLines) this.lines.splice(0, this.lines.length - this.keepLines);
    for (const listener of this.lineListeners) listener(line);
  }
}

/** "exited with code 1", "was killed by SIGKILL", "could not be started: spawn x ENOENT". */
export function describeExit(exit: ProcessExit): string {
  if (exit.error) return `could not be started: ${exit.error.message}`;
  if (exit.signal) return `was killed by ${exit.signal}`;
  return `exited with code ${exit.code ?? 'unknown'}`;
}
