// Splits the output of COPY ... TO STDOUT (text format) into rows of fields: rows end with \n,
// fields are tab-separated, \N is NULL, and \\ \n \r \t \b \f \v are the escapes COPY TO emits.
// Chunks are cut on byte boundaries, so the splitters below first cut the raw output (text or
// binary) at row boundaries without decoding anything: bulk transfer hands those bytes on as they
// are, and a row is only decoded (parseCopyRow) once its newline has arrived.

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

/** Whole rows cut from the raw COPY output: the bytes and how many rows they hold. */
export interface WholeRows {
  data: Buffer;
  rows: number;
}

interface RowSplitter {
  /** The whole rows completed by `chunk` (in order; none when it completes none). */
  push(chunk: Buffer): WholeRows[];
  /** Checks that the output ended on a row boundary. */
  end(): void;
}

/**
 * Cuts COPY text output after its last complete row (a newline ends every row; newlines in values
 * are escaped). Only the row cut by the previous chunk's end is copied (into a piece of its own);
 * the chunk's other whole rows are handed on as a view of the chunk: copying every byte again
 * would double the memory allocated outside the JavaScript heap, whose growth drives full GCs.
 */
export class TextRowSplitter implements RowSplitter {
  private rest: Buffer | undefined;

  push(chunk: Buffer): WholeRows[] {
    const first = chunk.indexOf(10);
    if (first < 0) {
      this.rest = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
      return [];
    }
    const out: WholeRows[] = [];
    let from = 0;
    if (this.rest) {
      out.push({ data: Buffer.concat([this.rest, chunk.subarray(0, first + 1)]), rows: 1 });
      this.rest = undefined;
      from = first + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= from) {
      let rows = 0;
      for (let at = chunk.indexOf(10, from); at !== -1 && at <= last; at = chunk.indexOf(10, at + 1)) rows++;
      out.push({ data: chunk.subarray(from, last + 1), rows });
    }
    // A copy, not a view: a view would keep the whole chunk alive for a few bytes.
    if (last + 1 < chunk.length) this.rest = Buffer.from(chunk.subarray(last + 1));
    return out;
  }

  end(): void {
    if (this.rest?.length) throw new Error(`COPY output ended inside a row (${this.rest.length} bytes left)`);
  }
}

const BINARY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Cuts COPY binary output into whole tuples, dropping the file header (signature, flags, header
 * extension) and the trailer (a field count of -1). A tuple is a 16-bit field count, then per
 * field a 32-bit length (-1 for NULL) and that many bytes.
 */
export class BinaryTupleSplitter implements RowSplitter {
  private rest: Buffer | undefined;
  private headerDone = false;
  private ended = false;

  push(chunk: Buffer): WholeRows[] {
    let data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    if (!this.headerDone) {
      if (data.length < 19) {
        this.rest = data;
        return [];
      }
      if (!data.subarray(0, 11).equals(BINARY_SIGNATURE)) throw new Error('COPY binary output does not start with the PGCOPY signature');
      const skip = 19 + data.readUInt32BE(15);
      if (data.length < skip) {
        this.rest = data;
        return [];
      }
      data = data.subarray(skip);
      this.headerDone = true;
    }
    let at = 0;
    let rows = 0;
    for (;;) {
      if (this.ended || at + 2 > data.length) break;
      const fields = data.readInt16BE(at);
      if (fields === -1) {
        this.ended = true;
        break;
      }
      let end = at + 2;
      let complete = true;
      for (let f = 0; f < fields; f++) {
        if (end + 4 > data.length) {
          complete = false;
          break;
        }
        const length = data.readInt32BE(end);
        end += 4 + (length > 0 ? length : 0);
        if (end > data.length) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      at = end;
      rows++;
    }
    if (!this.ended && at < data.length) this.rest = data.subarray(at);
    return rows > 0 ? [{ data: data.subarray(0, at), rows }] : [];
  }

  end(): void {
    if (!this.ended || this.rest?.length) throw new Error('COPY binary output ended inside a tuple or without its trailer');
  }
}
