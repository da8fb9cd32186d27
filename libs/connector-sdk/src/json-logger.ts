// Structured JSON logs (one object a line) with redaction: values registered as secrets are
// replaced wherever they appear, and fields whose names look like credentials are masked.
import type { ConnectorLogger } from './connector';

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error';

const LEVELS: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|credential|private[-_]?key/i;
const REDACTED = '[redacted]';
const MAX_DEPTH = 6;

export interface LogRecord {
  time: string;
  level: LogLevelName;
  message: string;
  [field: string]: unknown;
}

export interface JsonLoggerOptions {
  level?: LogLevelName;
  /** Fields added to every line (service, jobId, ...). */
  bindings?: Record<string, unknown>;
  /** Where lines go; defaults to stdout. */
  write?: (line: string) => void;
  /** Extra receivers of each (already redacted) record, e.g. a job-log sink. */
  sinks?: ((record: LogRecord) => void)[];
}

export class JsonLogger implements ConnectorLogger {
  private readonly threshold: number;
  private readonly secrets: Set<string>;

  constructor(
    private readonly options: JsonLoggerOptions = {},
    secrets: Iterable<string> = [],
  ) {
    this.threshold = LEVELS[options.level ?? 'info'];
    this.secrets = new Set([...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length));
  }

  static parseLevel(value: string | undefined): LogLevelName {
    const lower = (value ?? 'info').toLowerCase();
    return lower in LEVELS ? (lower as LogLevelName) : 'info';
  }

  /** A logger with more bound fields, more secrets to redact and more sinks. */
  child(bindings: Record<string, unknown>, extra: { secrets?: Iterable<string>; sinks?: ((record: LogRecord) => void)[] } = {}): JsonLogger {
    return new JsonLogger(
      { ...this.options, bindings: { ...this.options.bindings, ...bindings }, sinks: [...(this.options.sinks ?? []), ...(extra.sinks ?? [])] },
      [...this.secrets, ...(extra.secrets ?? [])],
    );
  }

  debug(message: string, fields?: Record<string, unknown>): void {
    this.log('debug', message, fields);
  }
  info(message: string, fields?: Record<string, unknown>): void {
    this.log('info', message, fields);
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.log('warn', message, fields);
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.log('error', message, fields);
  }

  /** Redacts registered secret values from any text (also used for error messages shown to users). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }

  log(level: LogLevelName, message: string, fields?: Record<string, unknown>): void {
    if (LEVELS[level] < this.threshold) return;
    const record: LogRecord = { time: new Date().toISOString(), level, ...this.redactFields(this.options.bindings), ...this.redactFields(fields), message: this.redact(message) };
    const line = JSON.stringify(record);
    (this.options.write ?? ((l: string) => process.stdout.write(`${l}\n`)))(line);
    for (const sink of this.options.sinks ?? []) sink(record);
  }

  private redactFields(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
    return fields ? (this.redactValue(fields, 0) as Record<string, unknown>) : undefined;
  }

  private redactValue(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (value instanceof Error) return this.redact(value.message);
    if (value === null || typeof value !== 'object') return value;
    if (depth >= MAX_DEPTH) return '[truncated]';
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : this.redactValue(item, depth + 1);
    return out;
  }
}
