// Incremental reads as bulk rows: the rows of `COPY (… ORDER BY cursor) TO STDOUT` (text format)
// go on as they are, and this scanner finds in each raw row only the cursor field, to place the
// STATEs where the record path places them: after at least checkpoint_rows rows, where the cursor
// value changes, with the number of rows read at the last value (see readIncremental). Values are
// compared as bytes; a value is decoded to text only for a STATE.
import { unescapeCopyField } from './copy-text.parser';

const TAB = 9;
const NEWLINE = 10;
const BACKSLASH = 92;
const CAPITAL_N = 78;

/** The cursor position a STATE records: the last value read and how many rows had it. */
export interface CursorPosition {
  cursor: string;
  count: number;
}

/** A run of whole rows of one chunk, and the position to checkpoint after it, if one is due. */
export interface ScannedPiece {
  data: Buffer;
  rows: number;
  checkpoint?: CursorPosition;
}

export class CopyTextCursorScanner {
  /** Where the last non-NULL value is: in the chunk being scanned, or copied into `kept`. */
  private lastSource: Buffer | undefined;
  private lastStart = 0;
  private lastEnd = 0;
  private kept = Buffer.allocUnsafe(64);
  /** Rows read at the last value (or NULL rows before any value). */
  private count = 0;
  private sinceCheckpoint = 0;

  /** `field`: the cursor's position among the COPY's columns. */
  constructor(
    private readonly field: number,
    private readonly checkpointRows: number,
  ) {}

  /** Cuts a chunk of whole rows where checkpoints are due; the pieces cover the chunk in order. */
  *scan(data: Buffer): Generator<ScannedPiece> {
    let pieceStart = 0;
    let pieceRows = 0;
    for (let row = 0; row < data.length; ) {
      const end = data.indexOf(NEWLINE, row);
      if (end < 0) throw new Error('a COPY chunk ended inside a row');
      let start = row;
      for (let f = 0; f < this.field; f++) {
        const tab = data.indexOf(TAB, start);
        if (tab < 0 || tab > end) throw new Error(`a COPY row has fewer than ${this.field + 1} fields`);
        start = tab + 1;
      }
      let stop = data.indexOf(TAB, start);
      if (stop < 0 || stop > end) stop = end;
      const isNull = stop - start === 2 && data[start] === BACKSLASH && data[start + 1] === CAPITAL_N;
      if (isNull ? this.lastSource !== undefined : !this.sameAsLast(data, start, stop)) {
        if (this.lastSource && this.sinceCheckpoint >= this.checkpointRows) {
          yield { data: data.subarray(pieceStart, row), rows: pieceRows, checkpoint: this.position()! };
          pieceStart = row;
          pieceRows = 0;
          this.sinceCheckpoint = 0;
        }
        this.lastSource = isNull ? undefined : data;
        this.lastStart = start;
        this.lastEnd = stop;
        this.count = 0;
      }
      this.count++;
      this.sinceCheckpoint++;
      pieceRows++;
      row = end + 1;
    }
    if (pieceRows > 0) yield { data: data.subarray(pieceStart), rows: pieceRows };
    this.keepLast();
  }

  /** The last value read and its row count; undefined while no value has been read. */
  position(): CursorPosition | undefined {
    if (!this.lastSource) return undefined;
    return { cursor: unescapeCopyField(this.lastSource.toString('utf8', this.lastStart, this.lastEnd)), count: this.count };
  }

  private sameAsLast(data: Buffer, start: number, stop: number): boolean {
    const last = this.lastSource;
    if (!last || stop - start !== this.lastEnd - this.lastStart) return false;
    for (let i = 0, n = stop - start; i < n; i++) if (data[start + i] !== last[this.lastStart + i]) return false;
    return true;
  }

  /** The chunk goes on to the destination: keep a copy of the last value instead of a view of it. */
  private keepLast(): void {
    if (!this.lastSource || this.lastSource === this.kept) return;
    const length = this.lastEnd - this.lastStart;
    if (this.kept.length < length) this.kept = Buffer.allocUnsafe(Math.max(length, this.kept.length * 2));
    this.lastSource.copy(this.kept, 0, this.lastStart, this.lastEnd);
    this.lastSource = this.kept;
    this.lastStart = 0;
    this.lastEnd = length;
  }
}
