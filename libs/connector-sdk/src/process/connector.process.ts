// One run of an executable connector: spawns it in its own process group, hands its stdout to the
// caller as batches of protocol messages (as much as has arrived, so batching follows the pipe and
// backpressure reaches the child), sends its stderr and LOG messages to the logger, reports lines
// that are not protocol messages (with the line) instead of failing, and turns its exit into an
// outcome: a clean exit, or a ConnectorError carrying the connector's own TRACE error when it sent
// one. Cancelled or timed out, the whole process group gets SIGTERM, then SIGKILL.
import { type ChildProcess, spawn } from 'node:child_process';
import type { LogLevel, ProtocolMessage, TraceMessage } from '@tributary/protocol';
import type { ConnectorLogger } from '../connector';
import { ConnectorError, SystemError, TransientError } from '../errors';
import type { ExecutableDefinition } from './executable.definition';
import { parseProtocolLine, quoteLine } from './protocol-line.parser';

export interface ConnectorProcessOptions {
  definition: ExecutableDefinition;
  /** The operation and its arguments: `['read', '--config', path, ...]`. */
  operation: string[];
  logger: ConnectorLogger;
  signal: AbortSignal;
  timeoutMs?: number;
  killGraceMs?: number;
  /** Records per batch at most (default 1,000). */
  maxBatch?: number;
}

const STDERR_TAIL_LINES = 20;

export class ConnectorProcess {
  readonly child: ChildProcess;
  private readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly stderrTail: string[] = [];
  private lastError: TraceMessage['trace']['error'] | undefined;
  private stopReason: 'aborted' | 'timeout' | undefined;
  private spawnError: Error | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  private timeoutTimer: NodeJS.Timeout | undefined;
  private readonly onAbort = () => this.stop('aborted');
  readonly label: string;

  constructor(private readonly options: ConnectorProcessOptions) {
    const { definition, operation } = options;
    this.label = `${definition.command} ${operation[0] ?? ''}`.trim();
    this.child = spawn(definition.command, [...(definition.args ?? []), ...operation], {
      cwd: definition.cwd,
      env: { ...process.env, ...definition.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group, so a cancel also stops the grandchildren (interpreters, shells).
      detached: true,
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (error) => {
        this.spawnError = error;
        resolve({ code: null, signal: null });
      });
      this.child.once('close', (code, signal) => resolve({ code, signal }));
    });
    // A child that died before reading stdin must not crash us with EPIPE.
    this.child.stdin!.on('error', () => undefined);
    this.child.stderr!.setEncoding('utf8');
    let pending = '';
    this.child.stderr!.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.stderrLine(line);
    });
    this.child.stderr!.on('end', () => pending && this.stderrLine(pending));
    if (options.signal.aborted) this.stop('aborted');
    else options.signal.addEventListener('abort', this.onAbort, { once: true });
    if (options.timeoutMs) this.timeoutTimer = setTimeout(() => this.stop('timeout'), options.timeoutMs);
  }

  /**
   * The child's messages in batches. LOG messages go to the logger (and are not yielded); TRACE
   * errors are remembered for the exit report and yielded. Ends when stdout ends; then call `wait()`.
   */
  async *messages(): AsyncGenerator<ProtocolMessage[]> {
    const maxBatch = this.options.maxBatch ?? 1000;
    let pending = '';
    let lineNumber = 0;
    const stdout = this.child.stdout!;
    stdout.setEncoding('utf8');
    for await (const chunk of stdout as AsyncIterable<string>) {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      let batch: ProtocolMessage[] = [];
      for (const line of lines) {
        lineNumber++;
        const message = this.accept(line, lineNumber);
        if (!message) continue;
        batch.push(message);
        if (batch.length >= maxBatch) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    }
    if (pending) {
      const message = this.accept(pending, lineNumber + 1);
      if (message) yield [message];
    }
  }

  /** Waits for the exit; throws a classified error unless the child exited with 0. */
  async wait(): Promise<void> {
    const { code, signal } = await this.exited;
    this.cleanup();
    if (this.stopReason === 'aborted') throw this.options.signal.reason ?? new Error('aborted');
    if (this.stopReason === 'timeout') {
      throw new TransientError(`${this.label} did not finish within ${Math.round((this.options.timeoutMs ?? 0) / 1000)} s and was stopped`);
    }
    if (this.spawnError) {
      const missing = (this.spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      throw new SystemError(missing ? `cannot run "${this.options.definition.command}": no such executable (is it installed and on PATH?)` : `cannot run "${this.options.definition.command}": ${this.spawnError.message}`);
    }
    if (code === 0 && !this.lastError) return;
    if (this.lastError) {
      const { message, failure_type: failureType = 'system_error', internal_message: internal } = this.lastError;
      throw new ConnectorError(failureType, internal && internal !== message ? `${message} (${internal})` : message);
    }
    const tail = this.stderrTail.length ? `; last output: ${this.stderrTail.join(' | ')}` : '';
    throw new SystemError(`${this.label} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${tail}`);
  }

  /** Stops the process group (SIGTERM, then SIGKILL after the grace period). Safe to call twice. */
  stop(reason: 'aborted' | 'timeout'): void {
    this.stopReason ??= reason;
    if (this.child.exitCode !== null || this.child.signalCode !== null || this.child.pid === undefined) return;
    this.signalGroup('SIGTERM');
    this.killTimer ??= setTimeout(() => this.signalGroup('SIGKILL'), this.options.killGraceMs ?? 5000);
  }

  /** Kills it at once, e.g. when the caller stops consuming; resolves when it is gone. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) this.signalGroup('SIGKILL');
    await this.exited;
    this.cleanup();
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // Already gone.
    }
  }

  private cleanup(): void {
    clearTimeout(this.killTimer);
    clearTimeout(this.timeoutTimer);
    this.options.signal.removeEventListener('abort', this.onAbort);
  }

  private accept(line: string, lineNumber: number): ProtocolMessage | undefined {
    const parsed = parseProtocolLine(line);
    if ('empty' in parsed) return undefined;
    if ('malformed' in parsed) {
      this.options.logger.warn(`${this.label}: ignored output line ${lineNumber} (${parsed.malformed}): ${quoteLine(line)}`);
      return undefined;
    }
    const message = parsed.message;
    if (message.type === 'LOG') {
      logAt(this.options.logger, message.log.level, message.log.message, message.log.stack_trace);
      return undefined;
    }
    if (message.type === 'TRACE' && message.trace.type === 'ERROR' && message.trace.error) {
      this.lastError = message.trace.error;
      this.options.logger.error(`${this.label}: ${message.trace.error.message}`, message.trace.error.internal_message ? { internal: message.trace.error.internal_message } : undefined);
    }
    return message;
  }

  private stderrLine(line: string): void {
    if (!line.trim()) return;
    this.stderrTail.push(quoteLine(line));
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    this.options.logger.info(`${this.label} (stderr): ${quoteLine(line)}`);
  }
}

function logAt(logger: ConnectorLogger, level: LogLevel, message: string, stack?: string): void {
  const fields = stack ? { stack } : undefined;
  if (level === 'FATAL' || level === 'ERROR') logger.error(message, fields);
  else if (level === 'WARN') logger.warn(message, fields);
  else if (level === 'DEBUG' || level === 'TRACE') logger.debug(message, fields);
  else logger.info(message, fields);
}
