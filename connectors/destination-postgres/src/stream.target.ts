// One configured stream as this destination loads it: which table (and stage), which columns with
// which types, and the rows buffered in COPY text until the next flush. Rows are encoded as they
// arrive (no per-row await); a flush sends the buffer with one COPY FROM STDIN.
import { randomUUID } from 'node:crypto';
import { ConfigError, SystemError } from '@tributary/connector-sdk';
import { type ConfiguredAirbyteStream, type DestinationSyncMode, type JsonObject, type RecordMessage } from '@tributary/protocol';
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
  private lastEmittedAt = Number.NaN;
  private extractedAt = '';

  constructor(
    readonly plan: StreamPlan,
    /** Actual type of each column of `plan.columns` once the table exists (after evolution). */
    actualTypes: string[],
    syncId: string,
  ) {
    this.encoders = actualTypes.map((type) => copyEncoder(columnKind(type)));
    this.syncIdText = escapeCopyText(syncId);
  }

  add(message: RecordMessage, checkpoint: number): void {
    const { data, emitted_at: emittedAt } = message.record;
    if (emittedAt !== this.lastEmittedAt) {
      if (!Number.isFinite(emittedAt)) throw new SystemError(`A record of stream "${this.plan.key}" has no valid emitted_at (${String(emittedAt)}).`);
      this.extractedAt = new Date(emittedAt).toISOString();
      this.lastEmittedAt = emittedAt;
    }
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
      chunk = room > CHUNK_BYTES ? Buffer.allocUnsafe(room) : (spareChunks.pop() ?? Buffer.allocUnsafe(CHUNK_BYTES));
      this.chunk = chunk;
      this.used = 0;
    }
    this.used += chunk.write(line, this.used, 'utf8');
  }

  /** Hands the buffered rows over as UTF-8 chunks (and empties the buffer); see `release`. */
  take(): Buffer[] {
    if (this.chunk !== undefined && this.used > 0) this.full.push(this.chunk.subarray(0, this.used));
    const chunks = this.full;
    this.full = [];
    this.chunk = undefined;
    this.used = 0;
    this.size = 0;
    return chunks;
  }

  /** Gives back chunks from `take` once they have been sent (never while anything may still read them). */
  release(chunks: Buffer[]): void {
    for (const view of chunks) {
      if (spareChunks.length >= SPARE_CHUNKS) break;
      // A view of a whole standard chunk (not of a shared pool, not an oversized row).
      if (view.byteOffset === 0 && view.buffer.byteLength === CHUNK_BYTES) spareChunks.push(Buffer.from(view.buffer, 0, CHUNK_BYTES));
    }
  }

  takeStats(): { records: number; bytes: number } {
    const stats = { records: this.records, bytes: this.bytes };
    this.records = 0;
    this.bytes = 0;
    return stats;
  }
}
