// The PostgreSQL source: check, discover and read. Every stream is read inside one REPEATABLE READ,
// READ ONLY transaction (one snapshot) with COPY ... TO STDOUT, a chunk at a time, so a table is
// never held in memory:
// - full refresh of a table: consecutive block (ctid) ranges, a STATE after each (resumable);
//   large tables optionally split into partitions read in parallel under an exported snapshot;
// - full refresh of a view: one COPY, one STATE at the end;
// - incremental: ordered by the cursor, a STATE only where the cursor value changes (found in the
//   raw COPY text of each row, which goes on as is when the destination takes it), and the
//   number of rows at the last value kept in the state so that the next sync re-reads that value
//   when new rows have joined it (nothing is missed at the boundary).
import type { Client } from 'pg';
import { ConfigError, type ConnectorContext, type MessageBatch, type ReadContext, type Source, type SourcePartitionPlan, SystemError } from '@tributary/connector-sdk';
import {
  type AirbyteCatalog,
  type AirbyteStream,
  type ConfiguredAirbyteCatalog,
  type ConfiguredAirbyteStream,
  type ConnectionStatus,
  type JsonObject,
  type ProtocolMessage,
  type StateMessage,
  type StreamDescriptor,
  streamKey,
  type StreamStatus,
} from '@tributary/protocol';
import { parseSourceConfig, type PostgresSourceConfig } from './postgres.config';
import { postgresError } from '@tributary/connector-sdk/postgres';
import { closeClient, copyChunks, openClient, parseCopyRows } from './postgres.session';
import { CopyTextCursorScanner, type CursorPosition } from './cursor.scanner';
import { findRelation, loadRelations, type PgRelation } from './pg-catalog.query';
import { chunkFormatFor, columnConverter, columnSchema, type PgColumn } from './pg-type.mapping';
import { readPartitioned } from './partitioned.read';
import { beginPartition, parseBlockPartition, partitionRange, planBlockPartitions, relationPages } from './partition.plan';
import { BatchBuilder, copyInto, type FullRefreshState, type IncrementalState, stateMessage, type StreamReader, BATCH_SIZE } from './stream.reader';
import { blockRangeQuery, incrementalQuery, quoteIdentifier, quoteLiteral, selectList, tableName } from './read.sql';

const CURSOR_NAMES = ['updated_at', 'modified_at', 'last_modified', 'updated', 'last_updated', 'changed_at', 'created_at', 'id'];
const CURSOR_TYPES = new Set(['int2', 'int4', 'int8', 'numeric', 'date', 'timestamp', 'timestamptz', 'float4', 'float8']);

export class PostgresSource implements Source<JsonObject> {
  async check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    let parsed: PostgresSourceConfig;
    try {
      parsed = parseSourceConfig(config);
    } catch (error) {
      return { status: 'FAILED', message: (error as Error).message };
    }
    let client: Client | undefined;
    try {
      client = await openClient(parsed, context);
      const { rows } = await client.query<{ schema: string; usable: boolean }>(
        "SELECT s AS schema, (n.oid IS NOT NULL AND has_schema_privilege(n.oid, 'USAGE')) AS usable FROM unnest($1::text[]) AS s LEFT JOIN pg_namespace n ON n.nspname = s",
        [parsed.schemas],
      );
      const unusable = rows.filter((r) => !r.usable).map((r) => r.schema);
      if (unusable.length > 0) return { status: 'FAILED', message: `The role "${parsed.username}" cannot use schema ${unusable.map((s) => `"${s}"`).join(', ')} (missing, or no USAGE privilege).` };
      const relations = await loadRelations(client, parsed.schemas);
      if (relations.length === 0) return { status: 'FAILED', message: `The role "${parsed.username}" can read no table or view in ${parsed.schemas.map((s) => `"${s}"`).join(', ')}: grant SELECT on the tables to sync.` };
      return { status: 'SUCCEEDED' };
    } catch (error) {
      return { status: 'FAILED', message: postgresError(error, 'checking the connection').message };
    } finally {
      if (client) await closeClient(client);
    }
  }

  async discover(config: JsonObject, context: ConnectorContext): Promise<AirbyteCatalog> {
    const parsed = parseSourceConfig(config);
    const client = await openClient(parsed, context);
    try {
      const relations = await loadRelations(client, parsed.schemas).catch((error: unknown) => {
        throw postgresError(error, 'discovering tables');
      });
      return { streams: relations.map(streamOf) };
    } finally {
      await closeClient(client);
    }
  }

  async *read(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ReadContext): AsyncGenerator<MessageBatch> {
    const parsed = parseSourceConfig(config);
    const client = await openClient(parsed, context);
    // Cancelling closes the connection: a COPY in flight fails at once instead of running on.
    const onAbort = () => void closeClient(client);
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      if (context.partition) {
        const configured = catalog.streams[0];
        if (!configured || catalog.streams.length !== 1) throw new SystemError('A partition is read from a catalog of one stream.');
        yield* readPartition(client, parsed, configured, findState(state, configured.stream) as FullRefreshState | undefined, context.partition, context);
        return;
      }
      for (const configured of catalog.streams) {
        context.signal.throwIfAborted();
        yield* readStream(client, parsed, configured, findState(state, configured.stream), context);
      }
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      await closeClient(client);
    }
  }

  /** Scale-out: large tables' full refreshes as block ranges under one exported snapshot (see partition.plan.ts). */
  async planPartitions(config: JsonObject, catalog: ConfiguredAirbyteCatalog, context: ConnectorContext): Promise<SourcePartitionPlan | undefined> {
    return planBlockPartitions(parseSourceConfig(config), catalog, context);
  }
}

function streamOf(relation: PgRelation): AirbyteStream {
  const properties = Object.fromEntries(relation.columns.map((c) => [c.name, columnSchema(c)]));
  const cursor = defaultCursor(relation.columns);
  return {
    name: relation.name,
    namespace: relation.schema,
    json_schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties },
    supported_sync_modes: ['full_refresh', 'incremental'],
    source_defined_cursor: false,
    ...(cursor ? { default_cursor_field: [cursor] } : {}),
    ...(relation.primaryKey.length ? { source_defined_primary_key: relation.primaryKey.map((c) => [c]) } : {}),
    is_resumable: relation.kind === 'r' || relation.kind === 'm',
  };
}

/** The first column with a conventional cursor name and an orderable type. */
function defaultCursor(columns: PgColumn[]): string | undefined {
  for (const name of CURSOR_NAMES) {
    const column = columns.find((c) => c.name === name && CURSOR_TYPES.has(c.typeName));
    if (column) return column.name;
  }
  return undefined;
}

function findState(states: StateMessage[], stream: StreamDescriptor): JsonObject | undefined {
  const key = streamKey(stream);
  for (const message of states) {
    const descriptor = message.state.stream?.stream_descriptor;
    if (descriptor && streamKey(descriptor) === key) return message.state.stream?.stream_state;
  }
  return undefined;
}

function statusMessage(stream: StreamDescriptor, status: StreamStatus): ProtocolMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: stream, status } } };
}

async function streamReader(client: Client, configured: ConfiguredAirbyteStream, context: ReadContext): Promise<StreamReader> {
  const { name, namespace } = configured.stream;
  const descriptor: StreamDescriptor = namespace ? { name, namespace } : { name };
  const key = streamKey(descriptor);
  if (!namespace) throw new ConfigError(`Stream "${key}" has no namespace (schema): discover the source again.`);
  const oid = await findRelation(client, namespace, name);
  const relation = oid === undefined ? undefined : (await loadRelations(client, [namespace], oid))[0];
  if (!relation) throw new ConfigError(`Table "${key}" does not exist or cannot be read by this role: discover the source again, or grant SELECT.`);
  const wanted = Object.keys((configured.stream.json_schema.properties ?? {}) as JsonObject);
  const byName = new Map(relation.columns.map((c) => [c.name, c]));
  const missing = wanted.filter((c) => !byName.has(c));
  if (missing.length) context.logger.warn(`columns ${missing.map((c) => `"${c}"`).join(', ')} of "${key}" no longer exist; they are not read`);
  const columns = wanted.filter((c) => byName.has(c)).map((c) => byName.get(c)!);
  if (columns.length === 0) throw new ConfigError(`No selected column of "${key}" exists any more: discover the source again.`);
  // Rows may travel as raw COPY output when the destination takes a format fit for every column.
  // Incremental reads only as text, where the cursor field of each row can be found for the states.
  const offered = context.recordChunks?.formats(key) ?? [];
  const chunkFormat = chunkFormatFor(columns, configured.sync_mode === 'full_refresh' ? offered : offered.filter((format) => format === 'postgres_copy_text'));
  return { descriptor, relation, columns, converters: columns.map(columnConverter), select: selectList(columns), table: tableName(relation), ...(chunkFormat ? { chunkFormat } : {}) };
}

async function* readStream(client: Client, config: PostgresSourceConfig, configured: ConfiguredAirbyteStream, state: JsonObject | undefined, context: ReadContext): AsyncGenerator<MessageBatch> {
  const reader = await streamReader(client, configured, context);
  const key = streamKey(reader.descriptor);
  if (reader.chunkFormat) context.logger.info(`reading "${key}" as raw COPY output (${reader.chunkFormat}): the destination loads it without per-row records`);
  yield [
    statusMessage(reader.descriptor, 'STARTED'),
    ...(reader.relation.estimatedRows > 0
      ? [{ type: 'TRACE' as const, trace: { type: 'ESTIMATE' as const, emitted_at: Date.now(), estimate: { name: reader.descriptor.name, namespace: reader.descriptor.namespace, type: 'STREAM' as const, row_estimate: Math.round(reader.relation.estimatedRows) } } }]
      : []),
  ];
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    if (configured.sync_mode === 'incremental') {
      yield* readIncremental(client, config, configured, reader, state);
    } else if (reader.relation.kind === 'r' || reader.relation.kind === 'm') {
      yield* readBlocks(client, config, reader, state as FullRefreshState | undefined, context);
    } else {
      const batch = new BatchBuilder(reader);
      yield* copyInto(client, `SELECT ${reader.select} FROM ${reader.table}`, `reading "${key}"`, reader, batch);
      batch.push(stateMessage(reader.descriptor, { complete: true }));
      yield batch.take();
    }
    await client.query('COMMIT');
  } catch (error) {
    throw postgresError(error, `reading "${key}"`);
  }
  yield [statusMessage(reader.descriptor, 'COMPLETE')];
}

/** Full refresh of a table by block ranges: each range is one COPY followed by a STATE. */
async function* readBlocks(client: Client, config: PostgresSourceConfig, reader: StreamReader, state: FullRefreshState | undefined, context: ReadContext): AsyncGenerator<MessageBatch> {
  if (state?.complete) {
    yield [stateMessage(reader.descriptor, { complete: true })];
    return;
  }
  const { pages, bytes } = await relationPages(client, reader.relation.oid);
  const chunkPages = chunkPagesOf(config, reader, pages);
  if (config.max_partitions > 1 && (bytes >= config.partition_min_mb * 1024 * 1024 || state?.partitions)) {
    yield* readPartitioned(client, config, reader, state, pages, chunkPages, context);
    return;
  }
  yield* readBlockRange(client, reader, state?.next_block ?? 0, pages, chunkPages);
  yield [stateMessage(reader.descriptor, { complete: true })];
}

/** Blocks per COPY: about `checkpoint_rows` rows. */
function chunkPagesOf(config: PostgresSourceConfig, reader: StreamReader, pages: number): number {
  const rowsPerPage = reader.relation.estimatedRows > 0 && pages > 0 ? Math.max(1, reader.relation.estimatedRows / pages) : 50;
  return Math.max(1, Math.floor(config.checkpoint_rows / rowsPerPage));
}

/** Blocks [from, to), a COPY of `chunkPages` blocks at a time, each followed by a STATE with the next block. */
async function* readBlockRange(client: Client, reader: StreamReader, from: number, to: number, chunkPages: number): AsyncGenerator<MessageBatch> {
  const key = streamKey(reader.descriptor);
  const batch = new BatchBuilder(reader);
  for (let start = from; start < to; start += chunkPages) {
    const end = Math.min(start + chunkPages, to);
    yield* copyInto(client, blockRangeQuery(reader, start, end), `reading "${key}"`, reader, batch);
    batch.push(stateMessage(reader.descriptor, { next_block: end }));
    yield batch.take();
  }
}

/** Scale-out: one partition (block range) of a table, in its own transaction under the plan's snapshot. */
async function* readPartition(client: Client, config: PostgresSourceConfig, configured: ConfiguredAirbyteStream, state: FullRefreshState | undefined, descriptor: JsonObject, context: ReadContext): AsyncGenerator<MessageBatch> {
  const partition = parseBlockPartition(descriptor);
  if (configured.sync_mode !== 'full_refresh') throw new SystemError('Only full refreshes are read in partitions.');
  const reader = await streamReader(client, configured, context);
  const key = streamKey(reader.descriptor);
  try {
    await beginPartition(client, partition, key, context);
    const { from, to } = await partitionRange(client, reader, partition, state);
    context.logger.info(`reading blocks ${from}–${to} of "${key}"${reader.chunkFormat ? ` as raw COPY output (${reader.chunkFormat})` : ''}`);
    yield* readBlockRange(client, reader, from, to, chunkPagesOf(config, reader, partition.pages));
    await client.query('COMMIT');
  } catch (error) {
    throw postgresError(error, `reading "${key}"`);
  }
}

async function* readIncremental(client: Client, config: PostgresSourceConfig, configured: ConfiguredAirbyteStream, reader: StreamReader, state: JsonObject | undefined): AsyncGenerator<MessageBatch> {
  const key = streamKey(reader.descriptor);
  const cursorName = configured.cursor_field?.[0];
  const cursorIndex = reader.columns.findIndex((c) => c.name === cursorName);
  if (!cursorName || cursorIndex < 0) throw new ConfigError(`The cursor field of "${key}" (${cursorName ?? 'none'}) is not a column of the table.`);
  const cursorColumn = reader.columns[cursorIndex]!;
  const prior = state && Array.isArray(state.cursor_field) && state.cursor_field[0] === cursorName && typeof state.cursor === 'string' ? (state as unknown as IncrementalState) : undefined;
  let inclusive = false;
  if (prior) {
    // Rows may have joined the last value since it was read: then read that value again.
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${reader.table} WHERE ${quoteIdentifier(cursorName)} = ${quoteLiteral(prior.cursor)}::${cursorColumn.sqlType}`);
    inclusive = Number(rows[0]!.n) !== prior.cursor_record_count;
  }
  const query = incrementalQuery(reader, cursorColumn, prior ? { value: prior.cursor, inclusive } : undefined);
  const batch = new BatchBuilder(reader);
  const cursorState = (position: CursorPosition): JsonObject => ({ cursor_field: [cursorName], cursor: position.cursor, cursor_record_count: position.count });
  // Rows go on as bulk rows when the destination takes them, else as records parsed from the same text.
  const bulk = reader.chunkFormat === 'postgres_copy_text';
  const scanner = new CopyTextCursorScanner(cursorIndex, config.checkpoint_rows);
  for await (const chunk of copyChunks(client, query, 'text', `reading "${key}"`)) {
    for (const piece of scanner.scan(chunk.data)) {
      if (piece.rows > 0) {
        if (bulk) batch.chunk(piece.data, piece.rows);
        else batch.records(parseCopyRows(piece.data));
      }
      if (piece.checkpoint) batch.push(stateMessage(reader.descriptor, cursorState(piece.checkpoint)));
    }
    if (bulk ? batch.size > 0 : batch.size >= BATCH_SIZE) yield batch.take();
  }
  const position = scanner.position();
  const final = position ? cursorState(position) : (prior as unknown as JsonObject | undefined);
  if (final) batch.push(stateMessage(reader.descriptor, final));
  if (batch.size > 0) yield batch.take();
}
