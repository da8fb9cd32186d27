// Readable terminal output for `tributary up`: every line is prefixed with the process it came
// from, and JSON log lines ({"time","level","service","message",...}) are shown as
// "12:00:01 info  message key=value" instead of raw JSON.
const RESET = '\u001b[0m';
const COLORS: Record<string, string> = {
  tributary: '\u001b[32m',
  postgres: '\u001b[90m',
  temporal: '\u001b[33m',
  api: '\u001b[36m',
  worker: '\u001b[35m',
  console: '\u001b[34m',
};
const LEVEL_COLORS: Record<string, string> = { error: '\u001b[31m', fatal: '\u001b[31m', warn: '\u001b[33m', debug: '\u001b[90m' };

export interface PrinterOptions {
  color: boolean;
  /** Prefix width, so messages line up. */
  prefixWidth?: number;
}

export class ProcessOutputPrinter {
  private readonly prefixWidth: number;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: PrinterOptions,
  ) {
    this.prefixWidth = options.prefixWidth ?? 12;
  }

  /** One line of a child process's output. */
  line(source: string, text: string): void {
    // A JSON message may span lines (a stack, a build report): prefix every one of them.
    const prefix = this.prefix(source);
    for (const part of formatLogLine(text, this.options.color).split('\n')) this.write(`${prefix}${part}\n`);
  }

  /** A message of our own. */
  note(message: string): void {
    for (const text of message.split('\n')) this.write(`${this.prefix('tributary')}${text}\n`);
  }

  /** Text printed as is (the banner). */
  raw(text: string): void {
    this.write(text);
  }

  private prefix(source: string): string {
    const label = `[${source}]`.padEnd(this.prefixWidth);
    if (!this.options.color) return label;
    const base = source.replace(/-\d+$/, '');
    return `${COLORS[base] ?? ''}${label}${RESET}`;
  }
}

/** A JSON log line as "HH:MM:SS level message {rest}"; any other line unchanged. */
export function formatLogLine(text: string, color = false): string {
  if (!text.startsWith('{')) return text;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return text;
  }
  if (typeof entry['message'] !== 'string' && typeof entry['msg'] !== 'string') return text;
  const { time, level, service: _service, message, msg, ...rest } = entry;
  const clock = typeof time === 'string' || typeof time === 'number' ? clockOf(time) : '';
  const levelName = typeof level === 'string' ? level : '';
  const levelText = levelName.padEnd(5);
  const styledLevel = color && LEVEL_COLORS[levelName] ? `${LEVEL_COLORS[levelName]}${levelText}${RESET}` : levelText;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${clock ? `${clock} ` : ''}${styledLevel} ${String(message ?? msg)}${extra}`;
}

function clockOf(time: string | number): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return '';
  return date.toTimeString().slice(0, 8);
}
