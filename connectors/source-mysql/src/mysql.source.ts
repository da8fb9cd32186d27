// The MySQL / MariaDB source: check, discover and read. Every stream is read inside one
// REPEATABLE READ, READ ONLY transaction started WITH CONSISTENT SNAPSHOT, with queries streamed
// row by row (the driver pauses the socket while the platform is busy), so a table is never held
// in memory:
// - full refresh of a table with a primary key: consecutive key ranges of `checkpoint_rows` rows
//   (keyset paging on the clustered index), a STATE with the last key after each (resumable);
// - full refresh of a view or a table without primary key: one query, one STATE at the end;
// - incremental: ordered by the cursor, a STATE only where the cursor value changes, and the number
//   of rows at the last value kept in the state so that the next sync reads that value again when
//   rows have joined it since (nothing is missed at the boundary).
import { ConfigError, type ConnectorContext, type MessageBatch, type Source } from '@tributary/connector-sdk';
import {
  type AirbyteCatalog,
  type AirbyteStream,
  type ConfiguredAirbyteCatalog,
  type ConfiguredAirbyteStream,
  type ConnectionStatus,
  type JsonObject,
  type JsonValue,
  type ProtocolMessage,
  type StateMessage,
  type StreamDescriptor,
  streamKey,
  type StreamStatus,
} from '@tributary/protocol';
import { loadTables, type MysqlTable } from './mysql-catalog.query';
import { type MysqlSourceConfig, parseSourceConfig } from './mysql.config';
import { mysqlError } from './mysql.errors';
import { type RawRow, type RawValue, MysqlSession } from './mysql.session';
import { columnConverter, columnSchema, isKeyable, isOrderable, type MysqlColumn, type ValueConverter } from './mysql-type.mapping';
import { boundaryCountQuery, incrementalQuery, keysetQuery, selectList, tableName } from './read.sql';

/** Messages per batch handed to the platform. */
const BATCH_SIZE = 2000;
const CURSOR_NAMES = ['updated_at', 'modified_at', 'last_modified', 'updated', 'last_updated', 'changed_at', 'date_modified', 'created_at', 'id'];

/** A key value in a state: numbers and strings as they are, binary keys as base64. */
type KeyValue = string | number | { base64: string };
type FullRefreshState = { last_key?: KeyValue[]; complete?: boolean };
type IncrementalState = { cursor_field: string[]; cursor?: string; cursor_record_count?: number };

export class MysqlSource implements Source<JsonObject> {
  async check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    let parsed: MysqlSourceConfig;
    try {
      parsed = parseSourceConfig(config);
    } catch (error) {
      return { status: 'FAILED', message: (error as Error).message };
    }
    let session: MysqlSession | undefined;
    try {
      session = await MysqlSession.open(parsed, context);
      const tables = await loadTables(session, parsed.database);
      if (tables.length === 0) return { status: 'FAILED', message: `The user "${parsed.username}" can read no table or view in database "${parsed.database}": grant SELECT on the tables to sync.` };
      // information_schema lists tables with any privilege; reading needs SELECT. Probe one.
      const probe = tables.find((t) => t.kind === 'table') ?? tables[0]!;
      await session.query(`SELECT 1 FROM ${tableName(probe)} LIMIT 0`);
      return { status: 'SUCCEEDED' };
    } catch (error) {
      return { status: 'FAILED', message: mysqlError(error, 'checking the connection').message };
    } finally {
      await session?.close();
    }
  }

  async discover(config: JsonObject, context: ConnectorContext): Promise<AirbyteCatalog> {
    const parsed = parseSourceConfig(config);
    const session = await MysqlSession.open(parsed, context);
    try {
      const tables = await loadTables(session, parsed.database).catch((error: unknown) => {
        throw mysqlError(error, 'discovering tables');
      });
      return { streams: tables.map(streamOf) };
    } finally {
      await session.close();
    }
  }

  async *read(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ConnectorContext): AsyncGenerator<MessageBatch> {
    const parsed = parseSourceConfig(config);
    const session = await MysqlSession.open(parsed, context);
    // Cancelling closes the connection: a query in flight fails at once instead of running on.
    const onAbort = () => session.destroy();
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (const configured of catalog.streams) {
        context.signal.throwIfAborted();
        yield* readStream(session, parsed, configured, findState(state, configured.stream), context);
      }
    } catch (error) {
      // A cancelled read fails with the reason it was cancelled, not with the closed connection.
      if (context.signal.aborted) throw context.signal.reason;
      throw error;
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      await session.close();
    }
  }
}

function streamOf(table: MysqlTable): AirbyteStream {
  const properties = Object.fromEntries(table.columns.map((c) => [c.name, columnSchema(c)]));
  const cursor = defaultCursor(table);
  return {
    name: table.name,
    namespace: table.database,
    json_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties },
    supported_sync_modes: cursor ? ['full_refresh', 'incremental'] : ['full_refresh'],
    source_defined_cursor: false,
    ...(cursor ? { default_cursor_field: [cursor] } : {}),
    ...(table.primaryKey.length ? { source_defined_primary_key: table.primaryKey.map((c) => [c]) } : {}),
    is_resumable: keysetColumns(table) !== undefined,
  };
}

/**
 * The default cursor: a column with a conventional name (updated_at, …) and an orderable type, else
 * a single-column integer primary key (append-only tables), else the first orderable date-time.
 * Any orderable column (integers, decimals, dates, datetimes, timestamps) can be chosen instead.
 */
function defaultCursor(table: MysqlTable): string | undefined {
  const orderable = table.columns.filter(isOrderable);
  for (const name of CURSOR_NAMES) {
    const column = orderable.find((c) => c.name.toLowerCase() === name);
    if (column) return column.name;
  }
  const key = table.primaryKey.length === 1 ? orderable.find((c) => c.name === table.primaryKey[0] && /int$/.test(c.dataType)) : undefined;
  return (key ?? orderable.find((c) => c.dataType === 'timestamp' || c.dataType === 'datetime'))?.name;
}

/** The primary key columns when the table can be read by key ranges. */
function keysetColumns(table: MysqlTable): MysqlColumn[] | undefined {
  if (table.kind !== 'table' || table.primaryKey.length === 0) return undefined;
  const columns = table.primaryKey.map((name) => table.columns.find((c) => c.name === name));
  return columns.every((c): c is MysqlColumn => c !== undefined && isKeyable(c)) ? columns : undefined;
}

function findState(states: StateMessage[], stream: StreamDescriptor): JsonObject | undefined {
  const key = streamKey(stream);
  for (const message of states) {
    const descriptor = message.state.stream?.stream_descriptor;
    if (descriptor && streamKey(descriptor) === key) return message.state.stream?.stream_state;
  }
  return undefined;
}

function stateMessage(stream: StreamDescriptor, streamState: JsonObject): StateMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: stream, stream_state: streamState } } };
}

function statusMessage(stream: StreamDescriptor, status: StreamStatus): ProtocolMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: stream, status } } };
}

/** One stream as it is read: its table, the selected columns (first in the select list) and extra key columns after them. */
interface StreamReader {
  descriptor: StreamDescriptor;
  table: MysqlTable;
  columns: MysqlColumn[];
  converters: ValueConverter[];
  /** Every column selected: the stream's columns, then key or cursor columns it does not include. */
  selected: MysqlColumn[];
  select: string;
  from: string;
}

async function streamReader(session: MysqlSession, configured: ConfiguredAirbyteStream, context: ConnectorContext, extraColumns: (table: MysqlTable) => string[]): Promise<StreamReader> {
  const { name, namespace } = configured.stream;
  const descriptor: StreamDescriptor = namespace ? { name, namespace } : { name };
  const key = streamKey(descriptor);
  if (!namespace) throw new ConfigError(`Stream "${key}" has no namespace (database): discover the source again.`);
  const table = (await loadTables(session, namespace, name))[0];
  if (!table) throw new ConfigError(`Table "${key}" does not exist or cannot be read by this user: discover the source again, or grant SELECT.`);
  const wanted = Object.keys((configured.stream.json_schema.properties ?? {}) as JsonObject);
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const missing = wanted.filter((c) => !byName.has(c));
  if (missing.length) context.logger.warn(`columns ${missing.map((c) => `"${c}"`).join(', ')} of "${key}" no longer exist; they are not read`);
  const columns = wanted.filter((c) => byName.has(c)).map((c) => byName.get(c)!);
  if (columns.length === 0) throw new ConfigError(`No selected column of "${key}" exists any more: discover the source again.`);
  const selected = [...columns, ...extraColumns(table).filter((c) => byName.has(c) && !wanted.includes(c)).map((c) => byName.get(c)!)];
  return { descriptor, table, columns, converters: columns.map(columnConverter), selected, select: selectList(selected), from: tableName(table) };
}

/** Turns raw rows into RECORD messages and hands batches out by size. */
class BatchBuilder {
  private messages: ProtocolMessage[] = [];
  constructor(private readonly reader: StreamReader) {}

  record(row: RawRow, emittedAt: number): void {
    const { columns, converters, descriptor } = this.reader;
    const data: Record<string, JsonValue> = {};
    for (let i = 0; i < columns.length; i++) {
      const value = row[i];
      data[columns[i]!.name] = value === null || value === undefined ? null : converters[i]!(value);
    }
    this.messages.push({ type: 'RECORD', record: { stream: descriptor.name, namespace: descriptor.namespace, data, emitted_at: emittedAt } });
  }

  push(message: ProtocolMessage): void {
    this.messages.push(message);
  }

  get size(): number {
    return this.messages.length;
  }

  take(): ProtocolMessage[] {
    const out = this.messages;
    this.messages = [];
    return out;
  }
}

async function* readStream(session: MysqlSession, config: MysqlSourceConfig, configured: ConfiguredAirbyteStream, state: JsonObject | undefined, context: ConnectorContext): AsyncGenerator<MessageBatch> {
  const key = streamKey(configured.stream);
  const incremental = configured.sync_mode === 'incremental';
  // The cursor (incremental) or the primary key (key ranges) is read even when not selected.
  const extra = (table: MysqlTable) => (incremental ? (configured.cursor_field ?? []).slice(0, 1) : (keysetColumns(table) ?? []).map((c) => c.name));
  let reader: StreamReader;
  try {
    reader = await streamReader(session, configured, context, extra);
  } catch (error) {
    throw mysqlError(error, `reading "${key}"`);
  }
  const keyColumns = incremental ? undefined : keysetColumns(reader.table);
  yield [
    statusMessage(reader.descriptor, 'STARTED'),
    ...(reader.table.estimatedRows > 0
      ? [{ type: 'TRACE' as const, trace: { type: 'ESTIMATE' as const, emitted_at: Date.now(), estimate: { name: reader.descriptor.name, namespace: reader.descriptor.namespace, type: 'STREAM' as const, row_estimate: reader.table.estimatedRows } } }]
      : []),
  ];
  try {
    await session.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    if (incremental) yield* readIncremental(session, config, configured, reader, state, context);
    else if (keyColumns) yield* readKeyRanges(session, config, reader, keyColumns, state as FullRefreshState | undefined, context);
    else yield* readWhole(session, reader, context);
    await session.query('COMMIT');
  } catch (error) {
    throw mysqlError(error, `reading "${key}"`);
  }
  yield [statusMessage(reader.descriptor, 'COMPLETE')];
}

/** A view, or a table without a usable primary key: one query, one STATE at the end. */
async function* readWhole(session: MysqlSession, reader: StreamReader, context: ConnectorContext): AsyncGenerator<MessageBatch> {
  const batch = new BatchBuilder(reader);
  for await (const rows of session.stream(`SELECT ${reader.select} FROM ${reader.from}`)) {
    context.signal.throwIfAborted();
    const emittedAt = Date.now();
    for (const row of rows) batch.record(row, emittedAt);
    if (batch.size >= BATCH_SIZE) yield batch.take();
  }
  batch.push(stateMessage(reader.descriptor, { complete: true }));
  yield batch.take();
}

/** Full refresh by primary-key ranges of `checkpoint_rows` rows, a STATE with the last key after each. */
async function* readKeyRanges(session: MysqlSession, config: MysqlSourceConfig, reader: StreamReader, keyColumns: MysqlColumn[], state: FullRefreshState | undefined, context: ConnectorContext): AsyncGenerator<MessageBatch> {
  if (state?.complete) {
    yield [stateMessage(reader.descriptor, { complete: true })];
    return;
  }
  const keyIndexes = keyColumns.map((c) => reader.selected.indexOf(c));
  let after: RawValue[] | undefined = Array.isArray(state?.last_key) ? state.last_key.map(decodeKey) : undefined;
  const batch = new BatchBuilder(reader);
  for (;;) {
    const query = keysetQuery(reader, keyColumns, after, config.checkpoint_rows);
    let count = 0;
    let last: RawRow | undefined;
    for await (const rows of session.stream(query.sql, query.params)) {
      context.signal.throwIfAborted();
      const emittedAt = Date.now();
      for (const row of rows) batch.record(row, emittedAt);
      count += rows.length;
      last = rows[rows.length - 1];
      if (batch.size >= BATCH_SIZE) yield batch.take();
    }
    if (count < config.checkpoint_rows || !last) break;
    after = keyIndexes.map((i) => last![i] ?? null);
    batch.push(stateMessage(reader.descriptor, { last_key: after.map(encodeKey) }));
    yield batch.take();
  }
  batch.push(stateMessage(reader.descriptor, { complete: true }));
  yield batch.take();
}

async function* readIncremental(session: MysqlSession, config: MysqlSourceConfig, configured: ConfiguredAirbyteStream, reader: StreamReader, state: JsonObject | undefined, context: ConnectorContext): AsyncGenerator<MessageBatch> {
  const key = streamKey(reader.descriptor);
  const cursorName = configured.cursor_field?.[0];
  const cursorIndex = reader.selected.findIndex((c) => c.name === cursorName);
  if (!cursorName || cursorIndex < 0) throw new ConfigError(`The cursor field of "${key}" (${cursorName ?? 'none'}) is not a column of the table.`);
  const cursorColumn = reader.selected[cursorIndex]!;
  if (!isOrderable(cursorColumn)) throw new ConfigError(`The cursor field "${cursorName}" of "${key}" is a ${cursorColumn.columnType}, which does not order exactly: choose an integer, decimal, date, datetime or timestamp column.`);
  const prior = state && Array.isArray(state.cursor_field) && state.cursor_field[0] === cursorName && typeof state.cursor === 'string' ? (state as unknown as Required<IncrementalState>) : undefined;
  let inclusive = false;
  if (prior) {
    // Rows may have joined the last value since it was read: then read that value again.
    const count = boundaryCountQuery(reader.from, cursorColumn, prior.cursor);
    const [row] = await session.query<{ n: number | string }>(count.sql, count.params);
    inclusive = Number(row?.n ?? 0) !== prior.cursor_record_count;
  }
  const query = incrementalQuery(reader, cursorColumn, prior ? { value: prior.cursor, inclusive } : undefined);
  const batch = new BatchBuilder(reader);
  let last: string | null = null;
  let lastCount = 0;
  let sinceCheckpoint = 0;
  for await (const rows of session.stream(query.sql, query.params)) {
    context.signal.throwIfAborted();
    const emittedAt = Date.now();
    for (const row of rows) {
      const raw = row[cursorIndex];
      const value = raw === null || raw === undefined ? null : String(raw);
      if (value !== last) {
        if (last !== null && sinceCheckpoint >= config.checkpoint_rows) {
          batch.push(stateMessage(reader.descriptor, { cursor_field: [cursorName], cursor: last, cursor_record_count: lastCount }));
          sinceCheckpoint = 0;
        }
        last = value;
        lastCount = 0;
      }
      lastCount++;
      sinceCheckpoint++;
      batch.record(row, emittedAt);
    }
    if (batch.size >= BATCH_SIZE) yield batch.take();
  }
  const final: JsonObject = last !== null ? { cursor_field: [cursorName], cursor: last, cursor_record_count: lastCount } : ((prior as unknown as JsonObject | undefined) ?? { cursor_field: [cursorName] });
  batch.push(stateMessage(reader.descriptor, final));
  yield batch.take();
}

function encodeKey(value: RawValue): KeyValue {
  if (Buffer.isBuffer(value)) return { base64: value.toString('base64') };
  return value as string | number;
}

function decodeKey(value: unknown): RawValue {
  if (value && typeof value === 'object' && typeof (value as { base64?: unknown }).base64 === 'string') return Buffer.from((value as { base64: string }).base64, 'base64');
  if (typeof value === 'string' || typeof value === 'number') return value;
  return null;
}

