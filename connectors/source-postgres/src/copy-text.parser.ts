// Splits the output of COPY ... TO STDOUT (text format) into rows of fields: rows end with \n,
// fields are tab-separated, \N is NULL, and \\ \n \r \t \b \f \v are the escapes COPY TO emits.
// Chunks are cut on byte boundaries, so a row is only decoded once its newline has arrived.

export const NULL_FIELD = null;

const UNESCAPE: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

export function unescapeCopyField(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(.)/g, (_, c: string) => UNESCAPE[c] ?? c);
}

/** Splits one row (without its newline) into fields; null for \N. */
export function parseCopyRow(line: string): (string | null)[] {
  const raw = line.split('\t');
  const out: (string | null)[] = new Array<string | null>(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const field = raw[i]!;
    out[i] = field === '\\N' ? null : unescapeCopyField(field);
  }
  return out;
}

/** Accumulates chunks and hands back complete lines. */
export class CopyLineSplitter {
  private rest: Buffer | undefined;

  /** The complete lines in `chunk` (plus what was left over from earlier chunks). */
  push(chunk: Buffer): string[] {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const last = data.lastIndexOf(10);
    if (last < 0) {
      this.rest = data;
      return [];
    }
    this.rest = last + 1 < data.length ? data.subarray(last + 1) : undefined;
    return data.toString('utf8', 0, last).split('\n');
  }

  /** Bytes of an unfinished row: must be none once COPY has ended. */
  get pending(): number {
    return this.rest?.length ?? 0;
  }
}
