// Parquet through Apache Arrow: rows are parsed into typed column buffers (fixed arrays reused
// batch after batch, no object per value), each full batch is handed as Arrow IPC to the Rust
// Parquet writer of parquet-wasm, running in a worker thread of its own (parquet-encoder.thread.ts)
// so that encoding overlaps decoding, and its output is streamed into the sink as row groups complete.
// Memory stays bounded by one row group plus a few batches, whatever the file size.
//
// Rows come either as records (add) or as chunks of binary COPY tuples from PostgreSQL (addChunk),
// which are decoded column by column straight into the same buffers — text bytes copied, integers
// and timestamps written as 64-bit words — without an object or a string per value. Both ways give
// the same values (postgres/binary-copy.ts decodes exactly what the record path would hold).
//
// Row groups are bounded in bytes: the writer cuts a row group every N rows, with N the configured
// row-group size divided by the average Arrow size of a row, measured on the first batch of each
// file (so the bound follows the data: wide rows give fewer rows per group).
import { randomFillSync } from 'node:crypto';
import { AsyncByteQueue, Binary, Bool, type Data, DateDay, Decimal, Field, Float64, Int64, makeData, RecordBatch, RecordBatchStreamWriter, Schema, Struct, TimestampMicrosecond, Utf8 } from 'apache-arrow';
import type { ChunkColumnType, RecordChunkMessage } from '@tributary/protocol';
import { SystemError } from '../errors';
import { binaryRecordValue, isBinaryText, putInt64Words, putUnixMicrosWords, putUnscaledDecimalWords, unixDays } from '../postgres/binary-copy';
import { BinaryTupleIndex, readFloat4, readFloat8, TWO_32 } from '../postgres/binary-copy.fields';
import { asciiTextWriter, type ByteSink, jsonValueWriter, putBytes, putUuidText } from '../postgres/binary-copy.text';
import { dataOf } from './csv-file.writer';
import { type Column, EXTRACTED_AT_COLUMN, RAW_ID_COLUMN, SYNC_ID_COLUMN } from './column-plan';
import type { ObjectSink } from './object-store';
import type { FormatOptions, RecordFileWriter } from './record-file.writer';
import { type EncoderProperties, type EncoderThread, type FromEncoder, releaseEncoderThread, takeEncoderThread, type ToEncoder } from './parquet-encoder.thread';
import { toBoolean, toBytes, toDateDays, toDouble, toInt64, toTimestampMicros, toUnscaledDecimal, toText } from './typed-values';

// Memory (the worker's budget is 512 MB, ~200 MB of which a fresh worker holds). A batch is held
// three times over — column buffers, their Arrow IPC copy (in a slot shared with the encoder
// thread: BATCHES_AHEAD of them unread before the writer waits, three kept between batches), and
// the copy parquet-wasm decodes — and up to two batches sit in the encoder thread's wasm memory
// (the one read ahead and the one being encoded), which never shrinks once grown. Batches close at
// 16,384 rows or 4 MiB of Arrow data, whichever comes first: ~30 MB in all, while a batch still
// carries enough rows that the per-batch cost (IPC framing, wasm calls) stays under 1% of encoding. The rest of wasm memory is the row group being
// encoded, about three times `rowGroupBytes` at its peak (pages, the output buffer it is copied
// into, allocator slack): ~105 MB for the default 32 MB (measured on the bench's wide table).
const BATCH_ROWS = 16_384;
const BATCH_VARIABLE_BYTES = 4 << 20;
const MIN_ROWS_PER_GROUP = 1_024;
const MAX_ROWS_PER_GROUP = 10_000_000;
const DICTIONARY_PAGE_BYTES = 128 << 10;
/** Batches sent to the encoder thread and not yet read by it before flush() waits (see parquet-encoder.thread.ts). */
export const BATCHES_AHEAD = 2;


/**
 * Appends one column of binary COPY tuples, rows `from` to `to` (exclusive): the field of row `r`
 * lies at `starts[base + r]`, `lengths[base + r]` bytes long (-1 for NULL).
 */
type CopyDecoder = (d: Buffer, starts: Int32Array, lengths: Int32Array, base: number, from: number, to: number) => void;

/** A typed buffer for one column of one batch. */
interface ColumnBuffer {
  push(value: unknown): void;
  pushNull(): void;
  /** The direct decoder of binary COPY values of this PostgreSQL type, if this column has one. */
  copyDecoder(type: ChunkColumnType): CopyDecoder | undefined;
  /** Arrow bytes held (values, offsets, validity). */
  readonly bytes: number;
  /** Arrow data of the first `length` rows; valid until reset(). */
  toData(length: number): Data;
  reset(): void;
}

class Validity {
  bits = new Uint8Array(Math.ceil(BATCH_ROWS / 8));
  nulls = 0;
  set(index: number): void {
    this.bits[index >> 3] |= 1 << (index & 7);
  }
  reset(): void {
    this.bits.fill(0);
    this.nulls = 0;
  }
}

const INTEGER_TYPES = new Set(['int2', 'int4', 'int8', 'oid']);

/** 64-bit values written as two 32-bit halves: no BigInt on the hot path for safe integers. */
class Int64Buffer implements ColumnBuffer {
  private readonly words = new Int32Array(BATCH_ROWS * 2);
  private readonly big = new BigInt64Array(this.words.buffer);
  private readonly validity = new Validity();
  private length = 0;

  constructor(
    private readonly type: Int64 | TimestampMicrosecond,
    private readonly parse: (value: unknown) => number | bigint,
  ) {}

  get bytes(): number {
    return this.length * 8;
  }

  push(value: unknown): void {
    const parsed = this.parse(value);
    const i = this.length++;
    if (typeof parsed === 'bigint') this.big[i] = parsed;
    else {
      const high = Math.floor(parsed / TWO_32);
      this.words[2 * i] = parsed - high * TWO_32;
      this.words[2 * i + 1] = high;
    }
    this.validity.set(i);
  }

  pushNull(): void {
    const i = this.length++;
    this.words[2 * i] = 0;
    this.words[2 * i + 1] = 0;
    this.validity.nulls++;
  }

  /** The same 64-bit value `count` times (a batch's `_tributary_extracted_at`). */
  pushRepeated(value: number, count: number): void {
    const high = Math.floor(value / TWO_32);
    const low = value - high * TWO_32;
    for (let k = 0; k < count; k++) {
      const i = this.length++;
      this.words[2 * i] = low;
      this.words[2 * i + 1] = high;
      this.validity.set(i);
    }
  }

  copyDecoder(type: ChunkColumnType): CopyDecoder | undefined {
    const timestamp = this.type instanceof TimestampMicrosecond;
    const name = type.typeName;
    if (timestamp ? name !== 'timestamp' && name !== 'timestamptz' : !INTEGER_TYPES.has(name)) return undefined;
    const { words, validity } = this;
    return (d, starts, lengths, base, from, to) => {
      for (let r = from; r < to; r++) {
        const i = this.length++;
        if (lengths[base + r] < 0) {
          words[2 * i] = 0;
          words[2 * i + 1] = 0;
          validity.nulls++;
          continue;
        }
        if (timestamp) putUnixMicrosWords(d, starts[base + r], words, i);
        else putInt64Words(name, d, starts[base + r], words, i);
        validity.set(i);
      }
    };
  }

  toData(length: number): Data {
    return makeData({ type: this.type, length, nullCount: this.validity.nulls, nullBitmap: this.validity.bits, data: this.big.subarray(0, length) } as never);
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
  }
}

class NumberBuffer implements ColumnBuffer {
  private readonly values: Float64Array | Int32Array;
  private readonly validity = new Validity();
  private length = 0;

  constructor(
    private readonly type: Float64 | DateDay,
    private readonly parse: (value: unknown) => number,
  ) {
    this.values = type instanceof Float64 ? new Float64Array(BATCH_ROWS) : new Int32Array(BATCH_ROWS);
  }

  get bytes(): number {
    return this.length * this.values.BYTES_PER_ELEMENT;
  }

  push(value: unknown): void {
    const i = this.length++;
    this.values[i] = this.parse(value);
    this.validity.set(i);
  }

  pushNull(): void {
    this.values[this.length++] = 0;
    this.validity.nulls++;
  }

  copyDecoder(type: ChunkColumnType): CopyDecoder | undefined {
    const read = this.type instanceof Float64 ? { float8: readFloat8, float4: readFloat4 }[type.typeName] : type.typeName === 'date' ? unixDays : undefined;
    if (!read) return undefined;
    const { values, validity } = this;
    return (d, starts, lengths, base, from, to) => {
      for (let r = from; r < to; r++) {
        const i = this.length++;
        if (lengths[base + r] < 0) {
          values[i] = 0;
          validity.nulls++;
        } else {
          values[i] = read(d, starts[base + r]);
          validity.set(i);
        }
      }
    };
  }

  toData(length: number): Data {
    return makeData({ type: this.type, length, nullCount: this.validity.nulls, nullBitmap: this.validity.bits, data: this.values.subarray(0, length) } as never);
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
  }
}

class BooleanBuffer implements ColumnBuffer {
  private readonly values = new Uint8Array(Math.ceil(BATCH_ROWS / 8));
  private readonly validity = new Validity();
  private length = 0;

  get bytes(): number {
    return Math.ceil(this.length / 8);
  }

  push(value: unknown): void {
    const i = this.length++;
    if (toBoolean(value)) this.values[i >> 3] |= 1 << (i & 7);
    this.validity.set(i);
  }

  pushNull(): void {
    this.length++;
    this.validity.nulls++;
  }

  copyDecoder(type: ChunkColumnType): CopyDecoder | undefined {
    if (type.typeName !== 'bool') return undefined;
    const { values, validity } = this;
    return (d, starts, lengths, base, from, to) => {
      for (let r = from; r < to; r++) {
        const i = this.length++;
        if (lengths[base + r] < 0) validity.nulls++;
        else {
          if (d[starts[base + r]] !== 0) values[i >> 3] |= 1 << (i & 7);
          validity.set(i);
        }
      }
    };
  }

  toData(length: number): Data {
    return makeData({ type: new Bool(), length, nullCount: this.validity.nulls, nullBitmap: this.validity.bits, data: this.values } as never);
  }

  reset(): void {
    this.length = 0;
    this.values.fill(0);
    this.validity.reset();
  }
}

/** 128-bit two's complement, little-endian 32-bit words, as Arrow's Decimal128 stores it. */
class DecimalBuffer implements ColumnBuffer {
  private readonly words = new Uint32Array(BATCH_ROWS * 4);
  private readonly validity = new Validity();
  private length = 0;
  private readonly type: Decimal;

  constructor(
    private readonly precision: number,
    private readonly scale: number,
  ) {
    this.type = new Decimal(scale, precision, 128);
  }

  get bytes(): number {
    return this.length * 16;
  }

  push(value: unknown): void {
    let unscaled = toUnscaledDecimal(value, this.precision, this.scale);
    if (unscaled < 0n) unscaled += 1n << 128n;
    const i = this.length++;
    for (let w = 0; w < 4; w++) {
      this.words[4 * i + w] = Number(unscaled & 0xffffffffn);
      unscaled >>= 32n;
    }
    this.validity.set(i);
  }

  pushNull(): void {
    const i = this.length++;
    this.words.fill(0, 4 * i, 4 * i + 4);
    this.validity.nulls++;
  }

  copyDecoder(type: ChunkColumnType): CopyDecoder | undefined {
    if (type.typeName !== 'numeric') return undefined;
    const { words, validity, precision, scale } = this;
    return (d, starts, lengths, base, from, to) => {
      for (let r = from; r < to; r++) {
        const i = this.length++;
        const length = lengths[base + r];
        if (length < 0) {
          words.fill(0, 4 * i, 4 * i + 4);
          validity.nulls++;
        } else {
          putUnscaledDecimalWords(d, starts[base + r], precision, scale, words, i);
          validity.set(i);
        }
      }
    };
  }

  toData(length: number): Data {
    return makeData({ type: this.type, length, nullCount: this.validity.nulls, nullBitmap: this.validity.bits, data: this.words.subarray(0, length * 4) } as never);
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
  }
}

/** Writes the text or JSON form of a binary COPY value into the sink; false for a null value. */
type TextDecoder = (sink: ByteSink, d: Buffer, p: number, length: number) => boolean;

const copyBytes: TextDecoder = (sink, d, p, length) => {
  putBytes(sink, d, p, length);
  return true;
};

/** UTF-8 text or bytes: one growing byte buffer and the offsets into it. */
class VariableBuffer implements ColumnBuffer, ByteSink {
  data = Buffer.allocUnsafe(1 << 16);
  used = 0;
  private readonly offsets = new Int32Array(BATCH_ROWS + 1);
  private readonly validity = new Validity();
  private length = 0;

  constructor(
    private readonly type: Utf8 | Binary,
    private readonly parse: ((value: unknown) => string) | ((value: unknown) => Uint8Array),
    private readonly kind: 'string' | 'json' | 'binary',
  ) {}

  get bytes(): number {
    return this.used + this.length * 4;
  }

  push(value: unknown): void {
    const parsed = this.parse(value);
    if (typeof parsed === 'string') {
      this.reserve(parsed.length * 3);
      this.used += this.data.write(parsed, this.used, 'utf8');
    } else {
      this.reserve(parsed.length);
      this.data.set(parsed, this.used);
      this.used += parsed.length;
    }
    const i = this.length++;
    this.offsets[i + 1] = this.used;
    this.validity.set(i);
  }

  pushNull(): void {
    const i = this.length++;
    this.offsets[i + 1] = this.used;
    this.validity.nulls++;
  }

  /** Appends a value some function writes into this buffer (ended by this call). */
  pushWritten(write: (sink: ByteSink) => void, count: number): void {
    for (let k = 0; k < count; k++) {
      write(this);
      const i = this.length++;
      this.offsets[i + 1] = this.used;
      this.validity.set(i);
    }
  }

  copyDecoder(type: ChunkColumnType): CopyDecoder | undefined {
    const decode = this.textDecoder(type);
    if (!decode) return undefined;
    const { offsets, validity } = this;
    return (d, starts, lengths, base, from, to) => {
      for (let r = from; r < to; r++) {
        const i = this.length++;
        const length = lengths[base + r];
        if (length >= 0 && decode(this, d, starts[base + r], length)) validity.set(i);
        else validity.nulls++;
        offsets[i + 1] = this.used;
      }
    };
  }

  private textDecoder(type: ChunkColumnType): TextDecoder | undefined {
    const name = type.typeName;
    switch (this.kind) {
      case 'binary':
        return name === 'bytea' ? copyBytes : undefined;
      case 'json':
        return jsonValueWriter(type);
      case 'string': {
        if (isBinaryText(type)) return copyBytes;
        const write = asciiTextWriter(name);
        if (!write) return undefined;
        return (sink, d, p) => {
          write(sink, d, p);
          return true;
        };
      }
    }
  }

  toData(length: number): Data {
    return makeData({
      type: this.type,
      length,
      nullCount: this.validity.nulls,
      nullBitmap: this.validity.bits,
      valueOffsets: this.offsets.subarray(0, length + 1),
      data: this.data.subarray(0, this.used),
    } as never);
  }

  reset(): void {
    this.length = 0;
    this.used = 0;
    this.validity.reset();
    // Give back a buffer that one huge batch blew up.
    if (this.data.length > BATCH_VARIABLE_BYTES * 2) this.data = Buffer.allocUnsafe(1 << 16);
  }

  reserve(extra: number): void {
    if (this.used + extra <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.used + extra) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.data.copy(grown, 0, 0, this.used);
    this.data = grown;
  }
}

const toJsonText = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

function bufferFor(column: Column): { buffer: ColumnBuffer; field: Field } {
  const field = (type: ConstructorParameters<typeof Field>[1]) => new Field(column.name, type, true);
  switch (column.kind) {
    case 'int64': {
      const type = new Int64();
      return { buffer: new Int64Buffer(type, toInt64), field: field(type) };
    }
    case 'timestamp': {
      const type = new TimestampMicrosecond('UTC');
      return { buffer: new Int64Buffer(type, toTimestampMicros), field: field(type) };
    }
    case 'double': {
      const type = new Float64();
      return { buffer: new NumberBuffer(type, toDouble), field: field(type) };
    }
    case 'date': {
      const type = new DateDay();
      return { buffer: new NumberBuffer(type, toDateDays), field: field(type) };
    }
    case 'boolean':
      return { buffer: new BooleanBuffer(), field: field(new Bool()) };
    case 'decimal': {
      const buffer = new DecimalBuffer(column.precision ?? 38, column.scale ?? 0);
      return { buffer, field: field(new Decimal(column.scale ?? 0, column.precision ?? 38, 128)) };
    }
    case 'binary': {
      const type = new Binary();
      return { buffer: new VariableBuffer(type, toBytes, 'binary'), field: field(type) };
    }
    case 'string': {
      const type = new Utf8();
      return { buffer: new VariableBuffer(type, toText, 'string'), field: field(type) };
    }
    case 'json': {
      const type = new Utf8();
      return { buffer: new VariableBuffer(type, toJsonText, 'json'), field: field(type) };
    }
  }
}

/** Any other pairing of column and PostgreSQL type: the record value, parsed as a record's would be. */
function recordValueDecoder(buffer: ColumnBuffer, type: ChunkColumnType): CopyDecoder {
  return (d, starts, lengths, base, from, to) => {
    for (let r = from; r < to; r++) {
      const value = binaryRecordValue(type, d, starts[base + r], lengths[base + r]);
      if (value === null) buffer.pushNull();
      else buffer.push(value);
    }
  };
}

/** Random version 4 UUIDs written as text, from a pool of random bytes (as crypto.randomUUID does). */
class RawIds {
  private readonly pool = Buffer.allocUnsafe(16 * 1024);
  private next = this.pool.length;

  write(sink: ByteSink): void {
    if (this.next === this.pool.length) {
      randomFillSync(this.pool);
      this.next = 0;
    }
    const pool = this.pool;
    const at = this.next;
    pool[at + 6] = (pool[at + 6] & 0x0f) | 0x40;
    pool[at + 8] = (pool[at + 8] & 0x3f) | 0x80;
    putUuidText(sink, pool, at);
    this.next += 16;
  }
}

type RecordChunk = RecordChunkMessage['chunk'];

/** Fills one column of the batch from rows `from` to `to` of the chunk's tuples. */
type ChunkStep = (d: Buffer, index: BinaryTupleIndex, from: number, to: number) => void;

/** The steps for chunks of these fields and types (every chunk of a stream, usually). */
interface ChunkShape {
  fields: readonly string[];
  types: readonly ChunkColumnType[];
  steps: ChunkStep[] | undefined;
}

function sameShape(shape: ChunkShape, chunk: RecordChunk): boolean {
  if (shape.fields === chunk.fields && shape.types === chunk.types) return true;
  if (shape.fields.length !== chunk.fields.length) return false;
  for (let i = 0; i < shape.fields.length; i++) {
    const [a, b] = [shape.types[i], chunk.types[i]];
    if (shape.fields[i] !== chunk.fields[i] || a.typeName !== b.typeName || a.typmod !== b.typmod || a.typeKind !== b.typeKind) return false;
  }
  return true;
}

/**
 * The sink of an Arrow IPC stream writer that keeps the pieces it is given (views of the column
 * buffers and small headers) instead of joining them into a new buffer, as `tableToIPC` does: the
 * writer copies them once, into a slot shared with the encoder thread.
 */
class IpcPieces extends AsyncByteQueue {
  readonly pieces: Uint8Array[] = [];
  byteLength = 0;

  override write(value: Uint8Array): void {
    if (value.byteLength === 0) return;
    this.pieces.push(value);
    this.byteLength += value.byteLength;
  }

  /** One record batch as an IPC stream (schema, batch, end of stream). */
  static of(batch: RecordBatch): IpcPieces {
    const sink = new IpcPieces();
    const writer = new RecordBatchStreamWriter();
    writer.reset(sink);
    writer.write(batch);
    writer.finish();
    return sink;
  }

  copyTo(target: Uint8Array): void {
    let at = 0;
    for (const piece of this.pieces) {
      target.set(piece, at);
      at += piece.byteLength;
    }
  }
}

const COMPRESSIONS: readonly string[] = ['none', 'snappy', 'zstd'] satisfies EncoderProperties['compression'][];

function encoderCompression(compression: string | undefined): EncoderProperties['compression'] {
  return COMPRESSIONS.includes(compression ?? '') ? (compression as EncoderProperties['compression']) : 'snappy';
}

export class ParquetFileWriter implements RecordFileWriter {
  rows = 0;
  private batchRows = 0;
  private readonly buffers: ColumnBuffer[];
  private readonly names: string[];
  private readonly wholeRecord: boolean[];
  private readonly columns: Column[];
  private readonly schema: Schema;
  /** Plans for the chunk shapes seen (a stream has one); none when this file needs whole records. */
  private readonly chunkPlans: ChunkShape[] = [];
  private readonly tuples = new BinaryTupleIndex();
  private readonly rawIds = new RawIds();
  /** `_tributary_extracted_at` of the chunk being added, in microseconds. */
  private extractedAt = 0;
  /** The encoder thread of this file (see parquet-encoder.thread.ts), once the first batch is out. */
  private encoder?: EncoderThread;
  private wake?: () => void;
  private done?: Promise<void>;
  private sinkWrites: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly sink: ObjectSink,
    columns: Column[],
    private readonly options: FormatOptions,
    private readonly context: { stream: string; path: string },
  ) {
    const built = columns.map(bufferFor);
    this.buffers = built.map((b) => b.buffer);
    this.schema = new Schema(built.map((b) => b.field));
    this.names = columns.map((c) => c.name);
    this.wholeRecord = columns.map((c) => c.source === 'record');
    this.columns = columns;
  }

  get bytes(): number {
    return this.sink.bytes;
  }

  /**
   * Not bytes held here (batches go to the encoder as they fill) but a nudge: while the encoder has
   * BATCHES_AHEAD batches unread, the file writer's next check calls flush(), which waits for it.
   */
  get pendingBytes(): number {
    return this.encoder && this.encoder.lent >= BATCHES_AHEAD ? Number.MAX_SAFE_INTEGER : 0;
  }

  add(row: Record<string, unknown>): void {
    const buffers = this.buffers;
    for (let i = 0; i < buffers.length; i++) {
      const value = this.wholeRecord[i] ? dataOf(row) : row[this.names[i]];
      if (value === null || value === undefined) buffers[i].pushNull();
      else {
        try {
          buffers[i].push(value);
        } catch (error) {
          // The batch now holds half a row: this writer is done for (the caller aborts the file).
          this.failure = new SystemError(`Stream "${this.context.stream}", column "${this.names[i]}": ${(error as Error).message}.`, { cause: error });
          throw this.failure;
        }
      }
    }
    this.batchRows++;
    this.rows++;
    if (this.batchRows >= BATCH_ROWS || this.variableBytes() >= BATCH_VARIABLE_BYTES) this.emitBatch();
  }

  /**
   * Adds the rows of a `postgres_copy_binary` chunk, decoded column by column into the batch; false
   * when this file's columns need whole records (a schemaless stream's JSON column): the caller then
   * adds the chunk's records one by one.
   */
  addChunk(chunk: RecordChunk, syncId: string): boolean {
    this.throwIfFailed();
    const steps = this.planFor(chunk, syncId);
    if (!steps) return false;
    if (!Number.isFinite(chunk.emitted_at)) throw new SystemError(`A record chunk of stream "${chunk.stream}" has no valid emitted_at (${String(chunk.emitted_at)}).`);
    this.extractedAt = Math.trunc(chunk.emitted_at) * 1000;
    const d = Buffer.isBuffer(chunk.data) ? chunk.data : Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
    const tuples = this.tuples;
    tuples.index(d, chunk.fields.length, chunk.rows);
    const rowEnds = tuples.rowEnds;
    for (let from = 0; from < chunk.rows; ) {
      // As many rows as the batch takes, by count and by bytes (a tuple weighs about what its Arrow values do).
      let to = Math.min(chunk.rows, from + BATCH_ROWS - this.batchRows);
      const offset = from === 0 ? 0 : rowEnds[from - 1];
      const budget = Math.max(rowEnds[from] - offset, BATCH_VARIABLE_BYTES - this.variableBytes());
      if (rowEnds[to - 1] - offset > budget) {
        let low = from + 1;
        while (low < to) {
          const middle = (low + to + 1) >> 1;
          if (rowEnds[middle - 1] - offset <= budget) low = middle;
          else to = middle - 1;
        }
        to = low;
      }
      for (let i = 0; i < steps.length; i++) {
        try {
          steps[i](d, tuples, from, to);
        } catch (error) {
          // The batch now holds half a slice: this writer is done for (the caller aborts the file).
          this.failure = new SystemError(`Stream "${this.context.stream}", column "${this.names[i]}": ${(error as Error).message}.`, { cause: error });
          throw this.failure;
        }
      }
      this.batchRows += to - from;
      this.rows += to - from;
      if (this.batchRows >= BATCH_ROWS || this.variableBytes() >= BATCH_VARIABLE_BYTES) this.emitBatch();
      from = to;
    }
    return true;
  }

  private planFor(chunk: RecordChunk, syncId: string): ChunkStep[] | undefined {
    if (chunk.format !== 'postgres_copy_binary') throw new SystemError(`Stream "${this.context.stream}": record chunks in ${chunk.format} cannot be written to Parquet.`);
    for (const plan of this.chunkPlans) if (sameShape(plan, chunk)) return plan.steps;
    const steps = this.columns.some((c) => c.source === 'record') ? undefined : this.columns.map((column, i) => this.stepFor(column, this.buffers[i], chunk, syncId));
    this.chunkPlans.push({ fields: chunk.fields, types: chunk.types, steps });
    return steps;
  }

  private stepFor(column: Column, buffer: ColumnBuffer, chunk: RecordChunk, syncId: string): ChunkStep {
    if (column.name === RAW_ID_COLUMN) return (_d, _tuples, from, to) => (buffer as VariableBuffer).pushWritten((sink) => this.rawIds.write(sink), to - from);
    if (column.name === SYNC_ID_COLUMN) {
      const bytes = Buffer.from(syncId, 'utf8');
      return (_d, _tuples, from, to) => (buffer as VariableBuffer).pushWritten((sink) => putBytes(sink, bytes, 0, bytes.length), to - from);
    }
    if (column.name === EXTRACTED_AT_COLUMN) return (_d, _tuples, from, to) => (buffer as Int64Buffer).pushRepeated(this.extractedAt, to - from);
    const field = chunk.fields.indexOf(column.name);
    if (field < 0) {
      return (_d, _tuples, from, to) => {
        for (let r = from; r < to; r++) buffer.pushNull();
      };
    }
    const type = chunk.types[field];
    const decode = buffer.copyDecoder(type) ?? recordValueDecoder(buffer, type);
    return (d, tuples, from, to) => decode(d, tuples.starts, tuples.lengths, field * tuples.rows, from, to);
  }

  async flush(): Promise<void> {
    this.throwIfFailed();
    // Wait while the encoder is busy with the batches already handed over.
    while (this.encoder && this.encoder.lent >= BATCHES_AHEAD) {
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), this.done]);
      this.throwIfFailed();
    }
  }

  async finish(): Promise<void> {
    if (this.batchRows > 0) this.emitBatch();
    this.throwIfFailed();
    if (!this.encoder) throw new SystemError(`No rows to write to ${this.context.path}: an empty Parquet part is never opened.`);
    const encoder = this.encoder;
    this.send({ kind: 'end' });
    await this.done;
    this.throwIfFailed();
    releaseEncoderThread(encoder, true);
    this.encoder = undefined;
    await this.sink.close();
  }

  async abort(): Promise<void> {
    if (this.encoder) releaseEncoderThread(this.encoder, false);
    this.encoder = undefined;
    this.failure ??= new SystemError(`Writing Parquet to ${this.context.path} was aborted.`);
    this.wake?.();
    await this.sinkWrites.catch(() => undefined);
    await this.sink.abort();
  }

  private variableBytes(): number {
    let total = 0;
    for (const buffer of this.buffers) total += buffer.bytes;
    return total;
  }

  private emitBatch(): void {
    this.throwIfFailed();
    const length = this.batchRows;
    const batchBytes = this.variableBytes();
    const children = this.buffers.map((b) => b.toData(length));
    const batch = new RecordBatch(this.schema, makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children }));
    const ipc = IpcPieces.of(batch);
    if (!this.encoder) this.start(batchBytes / length);
    const { slot, bytes } = this.encoder!.lend(ipc.byteLength);
    ipc.copyTo(bytes);
    for (const b of this.buffers) b.reset();
    this.batchRows = 0;
    this.send({ kind: 'batch', slot, ipc: bytes.subarray(0, ipc.byteLength) });
  }

  private send(message: ToEncoder): void {
    this.encoder!.worker.postMessage(message);
  }

  /** Starts the encoder once the first batch tells how large a row is. */
  private start(bytesPerRow: number): void {
    const hint = this.options.rowSizeHint;
    const rowBytes = Math.max(1, hint && hint.bytesPerRow > 0 ? hint.bytesPerRow : bytesPerRow);
    if (hint) hint.bytesPerRow = bytesPerRow;
    const rowsPerGroup = Math.min(MAX_ROWS_PER_GROUP, Math.max(MIN_ROWS_PER_GROUP, Math.round(this.options.rowGroupBytes / rowBytes)));
    const encoder = takeEncoderThread();
    this.encoder = encoder;
    let settle!: (error?: unknown) => void;
    this.done = new Promise<void>((resolve) => {
      settle = (error?: unknown) => {
        if (error !== undefined) {
          this.failure ??= new SystemError(`Writing Parquet to ${this.context.path} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
          // The thread is done for: end it now, whether or not the caller gets to abort().
          if (this.encoder === encoder) {
            releaseEncoderThread(encoder, false);
            this.encoder = undefined;
          }
        }
        this.wake?.();
        resolve();
      };
    });
    encoder.worker.on('message', (message: FromEncoder) => {
      switch (message.kind) {
        case 'spent':
          encoder.giveBack(message.slot);
          this.wake?.();
          break;
        case 'bytes':
          // In order, one at a time: the encoder waits for each before it sends the next.
          this.sinkWrites = this.sinkWrites
            .then(() => this.sink.write(message.data))
            .then(
              () => {
                if (this.encoder === encoder) this.send({ kind: 'written' });
              },
              (error: unknown) => settle(error),
            );
          break;
        case 'done':
          void this.sinkWrites.then(() => settle());
          break;
        case 'error':
          settle(new Error(message.message));
          break;
      }
    });
    encoder.worker.on('error', (error) => settle(error));
    encoder.worker.on('exit', (code) => settle(new Error(`the Parquet encoder thread exited (code ${code})`)));
    this.send({
      kind: 'start',
      properties: {
        compression: encoderCompression(this.options.compression),
        rowsPerGroup,
        // A column keeps dictionary encoding while its distinct values fit in 128 KiB (1 MiB by
        // default): low-cardinality columns (statuses, enums, flags, the sync id) still get it, while
        // unique ones (ids, uuids, text) give up after a few thousand values instead of hashing most
        // of every row group for a dictionary that is then thrown away. About a quarter of the
        // encoder's CPU on the orders table, and smaller files.
        dictionaryPageBytes: DICTIONARY_PAGE_BYTES,
        plainColumns: [RAW_ID_COLUMN], // random UUIDs: never repeat
        createdBy: 'tributary',
      },
    });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
