// Parquet through Apache Arrow: rows are parsed into typed column buffers (fixed arrays reused
// batch after batch, no object per value), each full batch is handed as Arrow IPC to the Rust
// Parquet writer of parquet-wasm, whose output is streamed into the sink as row groups complete.
// Memory stays bounded by one row group plus one batch, whatever the file size.
//
// Row groups are bounded in bytes: the writer cuts a row group every N rows, with N the configured
// row-group size divided by the average Arrow size of a row, measured on the first batch of each
// file (so the bound follows the data: wide rows give fewer rows per group).
import { Binary, Bool, type Data, DateDay, Decimal, Field, Float64, Int64, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, TimestampMicrosecond, Utf8 } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import { SystemError } from '../errors';
import { dataOf } from './csv-file.writer';
import type { Column } from './column-plan';
import type { ObjectSink } from './object-store';
import type { FormatOptions, RecordFileWriter } from './record-file.writer';
import { toBoolean, toBytes, toDateDays, toDouble, toInt64, toTimestampMicros, toUnscaledDecimal, toText } from './typed-values';

const BATCH_ROWS = 16_384;
const BATCH_VARIABLE_BYTES = 8 << 20;
const MIN_ROWS_PER_GROUP = 1_024;
const MAX_ROWS_PER_GROUP = 10_000_000;

const TWO_32 = 4_294_967_296;

/** A typed buffer for one column of one batch. */
interface ColumnBuffer {
  push(value: unknown): void;
  pushNull(): void;
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
    this.big[i] = 0n;
    this.validity.nulls++;
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

  toData(length: number): Data {
    return makeData({ type: this.type, length, nullCount: this.validity.nulls, nullBitmap: this.validity.bits, data: this.words.subarray(0, length * 4) } as never);
  }

  reset(): void {
    this.length = 0;
    this.validity.reset();
  }
}

/** UTF-8 text or bytes: one growing byte buffer and the offsets into it. */
class VariableBuffer implements ColumnBuffer {
  private data = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private readonly offsets = new Int32Array(BATCH_ROWS + 1);
  private readonly validity = new Validity();
  private length = 0;

  constructor(
    private readonly type: Utf8 | Binary,
    private readonly parse: ((value: unknown) => string) | ((value: unknown) => Uint8Array),
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

  private reserve(extra: number): void {
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
      return { buffer: new VariableBuffer(type, toBytes), field: field(type) };
    }
    case 'string': {
      const type = new Utf8();
      return { buffer: new VariableBuffer(type, toText), field: field(type) };
    }
    case 'json': {
      const type = new Utf8();
      return { buffer: new VariableBuffer(type, toJsonText), field: field(type) };
    }
  }
}

const COMPRESSION: Record<string, parquet.Compression> = {
  none: parquet.Compression.UNCOMPRESSED,
  snappy: parquet.Compression.SNAPPY,
  zstd: parquet.Compression.ZSTD,
};

export class ParquetFileWriter implements RecordFileWriter {
  rows = 0;
  private batchRows = 0;
  private readonly buffers: ColumnBuffer[];
  private readonly names: string[];
  private readonly wholeRecord: boolean[];
  private readonly schema: Schema;
  private input?: ReadableStreamDefaultController<parquet.RecordBatch>;
  private pulled?: () => void;
  private pump?: Promise<void>;
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
  }

  get bytes(): number {
    return this.sink.bytes;
  }

  get pendingBytes(): number {
    return 0;
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

  async flush(): Promise<void> {
    this.throwIfFailed();
    // Wait while the Parquet writer is busy with the batches already handed over.
    while (this.input && (this.input.desiredSize ?? 1) <= 0) {
      await Promise.race([new Promise<void>((resolve) => (this.pulled = resolve)), this.pump]);
      this.throwIfFailed();
    }
  }

  async finish(): Promise<void> {
    if (this.batchRows > 0) this.emitBatch();
    if (!this.input) throw new SystemError(`No rows to write to ${this.context.path}: an empty Parquet part is never opened.`);
    this.input.close();
    await this.pump;
    this.throwIfFailed();
    await this.sink.close();
  }

  async abort(): Promise<void> {
    try {
      this.input?.error(new Error('aborted'));
    } catch {
      // already closed or errored
    }
    await this.pump?.catch(() => undefined);
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
    const ipc = tableToIPC(new Table(this.schema, [batch]), 'stream');
    for (const b of this.buffers) b.reset();
    this.batchRows = 0;
    if (!this.input) this.start(batchBytes / length);
    const table = parquet.Table.fromIPCStream(ipc);
    try {
      for (const recordBatch of table.recordBatches()) this.input!.enqueue(recordBatch);
    } finally {
      table.free();
    }
  }

  /** Starts the Parquet writer once the first batch tells how large a row is. */
  private start(bytesPerRow: number): void {
    const hint = this.options.rowSizeHint;
    const rowBytes = Math.max(1, hint && hint.bytesPerRow > 0 ? hint.bytesPerRow : bytesPerRow);
    if (hint) hint.bytesPerRow = bytesPerRow;
    const rowsPerGroup = Math.min(MAX_ROWS_PER_GROUP, Math.max(MIN_ROWS_PER_GROUP, Math.round(this.options.rowGroupBytes / rowBytes)));
    const properties = new parquet.WriterPropertiesBuilder()
      .setCompression(COMPRESSION[this.options.compression] ?? parquet.Compression.SNAPPY)
      .setMaxRowGroupSize(rowsPerGroup)
      .setCreatedBy('tributary')
      .build();
    const input = new ReadableStream<parquet.RecordBatch>(
      {
        start: (controller) => {
          this.input = controller;
        },
        pull: () => {
          this.pulled?.();
        },
      },
      { highWaterMark: 2 },
    );
    this.pump = (async () => {
      const output = await parquet.transformParquetStream(input, properties);
      const reader = (output as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        await this.sink.write(value);
      }
    })().catch((error: unknown) => {
      this.failure ??= new SystemError(`Writing Parquet to ${this.context.path} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
