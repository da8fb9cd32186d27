// One configured stream as this destination loads it: which table (and stage), which columns with
// which types, and the rows buffered in COPY text until the next flush. Rows are encoded as they
// arrive (no per-row await); a flush hands the buffered chunks to the open COPY FROM STDIN. Rows
// that arrive as a source's COPY output (text, or binary: binary-rows.ts) only get the metadata
// columns appended.
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { ConfigError, SystemError } from '@tributary/connector-sdk';
import { binaryChunkRecords } from '@tributary/connector-sdk/postgres';
import { type ConfiguredAirbyteStream, type DestinationSyncMode, type JsonObject, type RecordChunkFormat, type RecordChunkMessage, type RecordMessage } from '@tributary/protocol';
import { type BinaryFieldTransform, binaryMetadataSuffix, binaryRowsGrowth, binaryTransforms, writeBinaryRows } from './binary-rows';
import { columnKind, columnTypeFor } from './column.type';
import { copyEncoder, type CopyEncoder, escapeCopyText } from './copy.encoder';
import { safeIdentifier, shortHash } from './identifier';
import { type ColumnDefinition, RESERVED_COLUMNS } from './table.sql';

export interface StreamPlan {
  key: string;
  mode: DestinationSyncMode;
  schema: string;
  table: string;
  /** Record fields in COPY order, and the column each lands in with the type the schema asks for. */
  fields: string[];
  columns: ColumnDefinition[];
  primaryKey: string[];
  cursor?: string;
  /** overwrite: the table built beside the final one; append_dedup: the session's temp stage. */
  stage?: string;
}

/** Derives the table layout of a stream from its schema; throws ConfigError for names that cannot be stored. */
export function planStream(configured: ConfiguredAirbyteStream, key: string, defaultSchema: string, syncId: string): StreamPlan {
  const { stream } = configured;
  const { schema, table } = streamTable(stream, defaultSchema);
  const properties = (stream.json_schema.properties ?? {}) as Record<string, JsonObject>;
  const fields = Object.keys(properties);
  const seen = new Map<string, string>();
  const columns = fields.map((field) => {
    const name = safeIdentifier(field);
    if (RESERVED_COLUMNS.has(name)) throw new ConfigError(`Stream "${key}" has a field "${field}", a name this destination reserves for its metadata columns: rename or deselect it.`);
    const other = seen.get(name);
    if (other !== undefined) throw new ConfigError(`Fields "${other}" and "${field}" of stream "${key}" map to the same column "${name}".`);
    seen.set(name, field);
    return { name, sqlType: columnTypeFor(properties[field]) };
  });
  const columnOf = (path: string[] | undefined) => (path?.length ? safeIdentifier(path[0]!) : undefined);
  const primaryKey = (configured.primary_key ?? []).map((path) => columnOf(path)!).filter(Boolean);
  const cursor = columnOf(configured.cursor_field);
  const mode = configured.destination_sync_mode;
  if (mode === 'append_dedup' && primaryKey.length === 0) throw new ConfigError(`Stream "${key}" is deduplicated but has no primary key.`);
  for (const column of [...primaryKey, ...(cursor ? [cursor] : [])]) {
    if (!seen.has(column)) throw new ConfigError(`Stream "${key}" has no field for the key or cursor column "${column}".`);
  }
  const stage =
    mode === 'overwrite'
      ? overwriteStageName(syncId, schema, table)
      : mode === 'append_dedup'
        ? `_tributary_stage_${shortHash(`${schema}\0${table}`, 20)}`
        : undefined;
  return { key, mode, schema, table, fields, columns, primaryKey, ...(cursor ? { cursor } : {}), ...(stage ? { stage } : {}) };
}

/** The table an overwrite of `schema.table` by a sync is staged in (beside the table, same schema). */
export function overwriteStageName(syncId: string, schema: string, table: string): string {
  return `_tributary_tmp_${shortHash(`${syncId}\0${schema}\0${table}`, 20)}`;
}

/** Where a stream lands: its schema (namespace, or the default) and table, as safe identifiers. */
export function streamTable(stream: { name: string; namespace?: string | null }, defaultSchema: string): { schema: string; table: string } {
  return { schema: safeIdentifier(stream.namespace || defaultSchema), table: safeIdentifier(stream.name) };
}

/** Bytes of one chunk of encoded rows (a row longer than this gets a chunk of its own). */
const CHUNK_BYTES = 256 * 1024;
/**
 * Spent chunks kept for reuse, shared by every stream of every sync in the process and capped
 * (16 MB), so memory held between flushes does not grow with the number of streams.
 */
const SPARE_CHUNKS = 64;
const spareChunks: Buffer[] = [];

/** A buffer of exactly `size` bytes: a view of a spare chunk when one is big enough. */
export function allocateChunk(size: number): Buffer {
  if (size > CHUNK_BYTES) return Buffer.allocUnsafe(size);
  return (spareChunks.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES)).subarray(0, size);
}

/** Gives back chunks from `StreamBuffer.take` or `allocateChunk` once they have been sent (never while anything may still read them). */
export function releaseChunks(chunks: Buffer[]): void {
  for (const view of chunks) {
    if (spareChunks.length >= SPARE_CHUNKS) break;
    // A view of a whole standard chunk (not of a shared pool, not an oversized row).
    if (view.byteOffset === 0 && view.buffer.byteLength === CHUNK_BYTES) spareChunks.push(Buffer.from(view.buffer, 0, CHUNK_BYTES));
  }
}

interface ChunkColumns {
  key: string;
  names: string[];
  actualTypes: string[];
}

const UUID_BYTES = 37; // a tab and 36 characters
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * Each row of COPY text `data` (ending in a newline) with a tab, a fresh random UUID and `suffix`
 * (which ends in a newline) in place of its newline. Built without an allocation per row: the
 * input is copied once to the end of the output, then each row is moved forward to its place
 * (`copyWithin`, never overtaking bytes not yet moved) and followed by its UUID and the suffix.
 * Undefined when `data` does not hold exactly `expectedRows` whole rows.
 */
function appendToRows(data: Buffer, expectedRows: number, suffix: Buffer): Buffer | undefined {
  const grow = UUID_BYTES + suffix.length - 1;
  const extra = expectedRows * grow;
  const out = allocateChunk(data.length + extra);
  out.set(data, extra);
  const random = randomFor(expectedRows);
  let at = 0;
  let rows = 0;
  let start = extra;
  const end = extra + data.length;
  for (let newline = out.indexOf(10, start); newline !== -1 && newline < end && rows < expectedRows; newline = out.indexOf(10, start)) {
    out.copyWithin(at, start, newline);
    at += newline - start;
    out[at++] = 9; // tab
    at = writeUuid(out, at, random, rows * 16);
    out.set(suffix, at);
    at += suffix.length;
    start = newline + 1;
    rows++;
  }
  // Undefined unless `data` held exactly `expectedRows` whole rows (then `out` is exactly filled).
  return rows === expectedRows && start === end ? out : undefined;
}

/** Random bytes for `rows` UUIDs: refilled in place for ordinary chunks (no buffer per chunk). */
const RANDOM_ROWS = 4096;
const randomPool = Buffer.allocUnsafe(RANDOM_ROWS * 16);
function randomFor(rows: number): Buffer {
  if (rows > RANDOM_ROWS) return randomBytes(rows * 16);
  return randomFillSync(randomPool, 0, rows * 16);
}

/** A version 4 UUID from 16 random bytes, as 36 characters. */
function writeUuid(out: Buffer, at: number, random: Buffer, offset: number): number {
  for (let i = 0; i < 16; i++) {
    let byte = random[offset + i]!;
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    if (i === 4 || i === 6 || i === 8 || i === 10) out[at++] = 45; // '-'
    out[at++] = HEX[byte >> 4]!;
    out[at++] = HEX[byte & 15]!;
  }
  return at;
}

const NUMERIC_TYPES = /^(smallint|integer|bigint|real|double precision|numeric(\(\d+,\d+\))?)$/;
const STRING_TYPES = /^(text|character varying(\(\d+\))?)$/;

/**
 * Whether a column the schema wants as `planned` but which is `actual` in the table (after
 * evolution, or made by someone else) stores a source's COPY text as the same value the record
 * path would: the same type, or a numeric widening, or a string widening. A timestamp stored in a
 * text column, say, would keep PostgreSQL's spelling instead of the record path's RFC 3339.
 */
function sameTextForm(planned: string, actual: string): boolean {
  return planned === actual || (NUMERIC_TYPES.test(planned) && NUMERIC_TYPES.test(actual)) || (STRING_TYPES.test(planned) && STRING_TYPES.test(actual));
}

/**
 * Buffers one stream's rows as COPY text, encoded for the columns' actual types. Each row is
 * written as UTF-8 straight into reusable chunks: no array of row strings to join and no second
 * copy of the whole batch as one string before it is sent.
 */
export class StreamBuffer {
  private full: Buffer[] = [];
  private chunk: Buffer | undefined;
  private used = 0;
  /** Characters buffered since the last flush. */
  size = 0;
  /** Records and characters since the last commit. */
  records = 0;
  bytes = 0;
  /** Rows were copied in the open transaction (a dedup stage then needs merging). */
  copied = false;
  private readonly encoders: CopyEncoder[];
  private readonly syncIdText: string;
  private readonly syncId: string;
  private lastEmittedAt = Number.NaN;
  private extractedAt = '';
  /** Whether rows may arrive as PostgreSQL COPY text (see `takesCopyText`). */
  readonly takesCopyText: boolean;
  private chunkSuffix: { key: string; bytes: Buffer } | undefined;
  private binarySuffix: { key: string; bytes: Buffer } | undefined;
  private readonly chunkColumns = new Map<string, ChunkColumns>();
  /** Per chunk signature (fields and source types): how binary tuples go into the columns. */
  private readonly binaryPlans = new Map<string, { transforms: BinaryFieldTransform[] } | { mismatch: string }>();
  /** Why binary rows went through the record path (the first reason), and whether the destination has reported it. */
  private conversionNotice: string | undefined;
  private conversionReported = false;
  private readonly actualTypes: string[];

  constructor(
    readonly plan: StreamPlan,
    /** Actual type of each column of `plan.columns` once the table exists (after evolution). */
    actualTypes: string[],
    syncId: string,
  ) {
    this.actualTypes = actualTypes;
    this.encoders = actualTypes.map((type) => copyEncoder(columnKind(type)));
    this.syncId = syncId;
    this.syncIdText = escapeCopyText(syncId);
    this.takesCopyText = plan.columns.every((column, i) => sameTextForm(column.sqlType, actualTypes[i]!));
  }

  private setExtractedAt(emittedAt: number): void {
    if (emittedAt !== this.lastEmittedAt) {
      if (!Number.isFinite(emittedAt)) throw new SystemError(`A record of stream "${this.plan.key}" has no valid emitted_at (${String(emittedAt)}).`);
      this.extractedAt = new Date(emittedAt).toISOString();
      this.lastEmittedAt = emittedAt;
    }
  }

  /**
   * Rows of a source's COPY output, ready to send: each row gets the metadata columns appended (a
   * fresh raw id, extracted_at, sync id, checkpoint). Values are not looked at: the text forms of
   * the source's types are what these columns' types read (see `takesCopyText`), and binary values
   * go to columns of their own type (see binary-rows.ts). Undefined when the rows went into the
   * buffer as records instead: binary values some column would read differently.
   */
  addChunk(message: RecordChunkMessage, checkpoint: number): { columns: string[]; data: Buffer; format: RecordChunkFormat } | undefined {
    const { chunk } = message;
    this.setExtractedAt(chunk.emitted_at);
    const columns = this.columnsOf(chunk.fields);
    const data = Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength);
    let out: Buffer | undefined;
    if (chunk.format === 'postgres_copy_binary') {
      const plan = this.binaryPlan(message, columns);
      if ('mismatch' in plan) {
        this.conversionNotice ??= plan.mismatch;
        const { stream, namespace } = chunk;
        for (const values of binaryChunkRecords(chunk.fields, chunk.types, data, chunk.rows)) {
          this.add({ type: 'RECORD', record: { stream, ...(namespace ? { namespace } : {}), data: values, emitted_at: chunk.emitted_at } }, checkpoint);
        }
        return undefined;
      }
      const suffixKey = `${chunk.emitted_at}\0${checkpoint}`;
      if (this.binarySuffix?.key !== suffixKey) this.binarySuffix = { key: suffixKey, bytes: binaryMetadataSuffix(chunk.emitted_at, this.syncId, checkpoint) };
      const suffix = this.binarySuffix.bytes;
      const buffer = allocateChunk(data.length + binaryRowsGrowth(chunk.rows, plan.transforms, suffix.length));
      const written = writeBinaryRows(data, chunk.rows, plan.transforms, suffix, randomFor(chunk.rows), buffer);
      out = written === undefined ? undefined : buffer.subarray(0, written);
    } else if (chunk.format === 'postgres_copy_text') {
      const suffixKey = `${this.extractedAt}\0${checkpoint}`;
      if (this.chunkSuffix?.key !== suffixKey) this.chunkSuffix = { key: suffixKey, bytes: Buffer.from(`\t${this.extractedAt}\t${this.syncIdText}\t${checkpoint}\n`, 'utf8') };
      out = appendToRows(data, chunk.rows, this.chunkSuffix.bytes);
    } else {
      throw new SystemError(`Stream "${this.plan.key}" received rows as ${String(chunk.format)}, which this destination does not take.`);
    }
    if (!out) throw new SystemError(`A chunk of stream "${this.plan.key}" announced ${chunk.rows} rows but does not hold exactly that many whole rows.`);
    this.records += chunk.rows;
    this.bytes += out.length;
    return { columns: columns.names, data: out, format: chunk.format };
  }

  /** Why binary rows of this stream go through the record path: given once, for the destination to report. */
  takeConversionNotice(): string | undefined {
    if (this.conversionReported || this.conversionNotice === undefined) return undefined;
    this.conversionReported = true;
    return this.conversionNotice;
  }

  private binaryPlan(message: RecordChunkMessage, columns: ChunkColumns): { transforms: BinaryFieldTransform[] } | { mismatch: string } {
    const { fields, types } = message.chunk;
    const key = `${columns.key}\u0001${types.map((t) => `${t.typeName}:${t.typeKind}`).join(',')}`;
    let plan = this.binaryPlans.get(key);
    if (!plan) {
      if (types.length !== fields.length) throw new SystemError(`A binary chunk of stream "${this.plan.key}" describes ${types.length} column types for ${fields.length} fields.`);
      plan = binaryTransforms(types, columns.actualTypes);
      this.binaryPlans.set(key, plan);
    }
    return plan;
  }

  /** The columns chunk fields land in, with their actual types (cached: every chunk of a stream has the same fields). */
  private columnsOf(fields: string[]): ChunkColumns {
    const key = fields.join('\0');
    let columns = this.chunkColumns.get(key);
    if (!columns) {
      const indexes = fields.map((field) => {
        const index = this.plan.fields.indexOf(field);
        if (index < 0) throw new SystemError(`A chunk of stream "${this.plan.key}" has a field "${field}" that is not in the stream's schema.`);
        return index;
      });
      columns = { key, names: indexes.map((i) => this.plan.columns[i]!.name), actualTypes: indexes.map((i) => this.actualTypes[i]!) };
      this.chunkColumns.set(key, columns);
    }
    return columns;
  }

  add(message: RecordMessage, checkpoint: number): void {
    const { data, emitted_at: emittedAt } = message.record;
    this.setExtractedAt(emittedAt);
    const { fields } = this.plan;
    let line = '';
    for (let i = 0; i < fields.length; i++) line += `${this.encoders[i]!(data[fields[i]!])}\t`;
    line += `${randomUUID()}\t${this.extractedAt}\t${this.syncIdText}\t${checkpoint}\n`;
    this.append(line);
    this.size += line.length;
    this.records++;
    this.bytes += line.length;
  }

  private append(line: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const room = line.length * 3;
    let chunk = this.chunk;
    if (chunk === undefined || this.used + room > chunk.length) {
      if (chunk !== undefined && this.used > 0) this.full.push(chunk.subarray(0, this.used));
      chunk = room > CHUNK_BYTES ? Buffer.allocUnsafe(room) : allocateChunk(CHUNK_BYTES);
      this.chunk = chunk;
      this.used = 0;
    }
    this.used += chunk.write(line, this.used, 'utf8');
  }

  /** Hands the buffered rows over as UTF-8 chunks (and empties the buffer); see `releaseChunks`. */
  take(): Buffer[] {
    if (this.chunk !== undefined && this.used > 0) this.full.push(this.chunk.subarray(0, this.used));
    const chunks = this.full;
    this.full = [];
    this.chunk = undefined;
    this.used = 0;
    this.size = 0;
    return chunks;
  }

  takeStats(): { records: number; bytes: number } {
    const stats = { records: this.records, bytes: this.bytes };
    this.records = 0;
    this.bytes = 0;
    return stats;
  }
}
