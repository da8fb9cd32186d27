// The PostgreSQL destination. Rows are encoded to COPY text as they arrive (or come as a PostgreSQL
// source's raw COPY output, binary or text) and sent with COPY FROM STDIN in bounded batches; at
// each STATE message the open transaction is committed together with this sync's row in
// `_tributary_checkpoints`, so data and bookkeeping are durable at once.
//
// Exactly once, even when the platform loses a commit: every row carries the sync id and the
// sequence number of the commit that wrote it. A resumed attempt gets the sequence the platform
// recorded; if the destination committed further (the worker died between the two commits), the
// later rows are deleted first (append), the stage is cut back (overwrite) and merges simply run
// again (dedup is idempotent). See README "Exactly once" for the whole design.
import { Client } from 'pg';
import { type ConnectorContext, type Destination, type DestinationCommit, type MessageBatch, type PublishContext, SystemError, type WriteContext } from '@tributary/connector-sdk';
import { type ConfiguredAirbyteCatalog, type ConfiguredAirbyteStream, type ConnectionStatus, type JsonObject, type StateMessage, streamKey } from '@tributary/protocol';
import { BINARY_COPY_HEADER } from './binary-rows';
import { conversionExpression, widenedType } from './column.type';
import { qualifiedName, quoteIdentifier, shortHash } from './identifier';
import { clientConfig, parseDestinationConfig, type PostgresDestinationConfig } from './postgres.config';
import { postgresError } from '@tributary/connector-sdk/postgres';
import { clearTables } from './table.clear';
import { CopySession } from './copy.session';
import { planStream, releaseChunks, StreamBuffer, type StreamPlan } from './stream.target';
import {
  addColumnSql,
  addPublishedSql,
  alterColumnTypeSql,
  CHECKPOINTS_TABLE,
  type ColumnDefinition,
  copyFromSql,
  createCheckpointsTableSql,
  createTableSql,
  deleteAfterCheckpointSql,
  markStageSql,
  META_COLUMNS,
  mergeSql,
  ORDINAL_COLUMN,
  PARTITION_CHECKPOINT_BASE,
  removeDuplicateKeysSql,
  restageSql,
  swapSql,
  uniqueKeyIndexSql,
  upsertCheckpointSql,
} from './table.sql';

/** The position reported with each commit: the destination's own commit sequence for this sync. */
export type PostgresPosition = { sequence: number };

/** Serialises schema and table creation between concurrent syncs into the same database. */
const SETUP_LOCK_KEY = 0x7472_6962; // "trib"

interface Published {
  schema: string;
  table: string;
}

export class PostgresDestination implements Destination<JsonObject> {
  async check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    let parsed: PostgresDestinationConfig;
    try {
      parsed = parseDestinationConfig(config);
    } catch (error) {
      return { status: 'FAILED', message: (error as Error).message };
    }
    const client = new Client(clientConfig(parsed));
    try {
      await connect(client, context);
      await client.query('BEGIN');
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(parsed.schema)}`);
      const probe = qualifiedName(parsed.schema, `_tributary_check_${shortHash(String(Math.random()))}`);
      await client.query(`CREATE TABLE ${probe} (id integer)`);
      await client.query(`INSERT INTO ${probe} VALUES (1)`);
      await client.query('ROLLBACK');
      return { status: 'SUCCEEDED' };
    } catch (error) {
      return { status: 'FAILED', message: postgresError(error, `checking that tables can be created in schema "${parsed.schema}"`).message };
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async *write(config: JsonObject, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, context: WriteContext): AsyncGenerator<DestinationCommit> {
    const parsed = parseDestinationConfig(config);
    const flushAt = parsed.batch_size_mb * 1024 * 1024;
    const plans = catalog.streams.map((configured) => {
      const key = streamKey(configured.stream);
      return planStream(configured, key, parsed.schema, context.syncId);
    });
    const resumeAt = resumeSequence(context.resumePosition);
    const writer = writerOf(context.syncId, context.partition?.index);
    const client = new Client(clientConfig(parsed));
    // Cancelling ends the connection: a COPY or commit in flight fails at once instead of finishing.
    const onAbort = () => void client.end().catch(() => undefined);
    context.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await connect(client, context);
      const buffers = await withErrors('preparing the tables', () => prepare(client, parsed.schema, plans, context, writer, resumeAt));
      // Streams whose table columns read a PostgreSQL source's COPY output as is take it without
      // records: binary first (PostgreSQL loads it with far less work), text for the types a source
      // cannot send in binary.
      for (const buffer of buffers.values()) if (buffer.takesCopyText) context.acceptRecordChunks?.(buffer.plan.key, ['postgres_copy_binary', 'postgres_copy_text']);
      let sequence = resumeAt;
      let inTransaction = false;
      let buffered = 0;
      const copy = new CopySession(client, (doing, error) => postgresError(error, doing));
      const begin = async () => {
        if (!inTransaction) {
          await client.query('BEGIN');
          inTransaction = true;
        }
      };

      const flush = async (buffer: StreamBuffer) => {
        if (buffer.size === 0) return;
        await begin();
        buffered -= buffer.size;
        const chunks = buffer.take();
        const sql = copyFromSql(loadTarget(buffer.plan), buffer.plan.columns.map((c) => c.name));
        // Once out of the process, the chunks can hold the next rows.
        for (const chunk of chunks) await copy.write(sql, chunk, `loading stream "${buffer.plan.key}"`, () => releaseChunks([chunk]));
        buffer.copied = true;
      };

      const commit = async (states: StateMessage[], last: boolean): Promise<DestinationCommit> => {
        for (const buffer of buffers.values()) await flush(buffer);
        await copy.end();
        if (!inTransaction) await client.query('BEGIN');
        inTransaction = true;
        const published: Published[] = [];
        await withErrors('committing a checkpoint', async () => {
          for (const buffer of buffers.values()) {
            if (buffer.copied && buffer.plan.mode === 'append_dedup') await mergeStage(client, buffer.plan);
            buffer.copied = false;
          }
          // A partition leaves the swap to publishPartitions, once every partition is loaded.
          if (last && !context.partition) {
            for (const { plan } of buffers.values()) {
              if (plan.mode !== 'overwrite') continue;
              for (const sql of swapSql(plan.schema, plan.stage!, plan.table)) await client.query(sql);
              published.push({ schema: plan.schema, table: plan.table });
            }
          }
          sequence++;
          await client.query(upsertCheckpointSql(parsed.schema), [writer.key, sequence, JSON.stringify(published)]);
          await client.query('COMMIT');
        });
        inTransaction = false;
        const stats: DestinationCommit['stats'] = {};
        for (const buffer of buffers.values()) {
          const s = buffer.takeStats();
          if (s.records > 0) stats[buffer.plan.key] = s;
        }
        const position: PostgresPosition = { sequence };
        return { states, position, stats };
      };

      // The previous record's stream and buffer: consecutive records are nearly always of one stream.
      let lastStream: string | undefined;
      let lastNamespace: string | undefined;
      let lastBuffer: StreamBuffer | undefined;
      for await (const batch of input) {
        context.signal.throwIfAborted();
        for (const message of batch) {
          if (message.type === 'RECORD') {
            const { stream, namespace } = message.record;
            let buffer = lastBuffer;
            if (buffer === undefined || stream !== lastStream || namespace !== lastNamespace) {
              const key = namespace ? `${namespace}.${stream}` : stream;
              buffer = buffers.get(key);
              if (!buffer) throw new SystemError(`Received a record of stream "${key}", which is not in the configured catalog.`);
              lastStream = stream;
              lastNamespace = namespace;
              lastBuffer = buffer;
            }
            const before = buffer.size;
            buffer.add(message, writer.base + sequence + 1);
            buffered += buffer.size - before;
            if (buffer.size >= flushAt) await flush(buffer);
            else if (buffered >= 4 * flushAt) for (const other of buffers.values()) await flush(other);
          } else if (message.type === 'RECORD_CHUNK') {
            const { stream, namespace } = message.chunk;
            const key = namespace ? `${namespace}.${stream}` : stream;
            const buffer = buffers.get(key);
            if (!buffer) throw new SystemError(`Received rows of stream "${key}", which is not in the configured catalog.`);
            const before = buffer.size;
            const added = buffer.addChunk(message, writer.base + sequence + 1);
            if (!added) {
              // Converted to records (binary values a column reads differently): buffered like records.
              const notice = buffer.takeConversionNotice();
              if (notice) context.logger.info(`stream "${key}": ${notice}, which binary COPY would store differently; its rows are loaded as records (slower)`);
              buffered += buffer.size - before;
              if (buffer.size >= flushAt) await flush(buffer);
              continue;
            }
            const { columns, data, format } = added;
            const binary = format === 'postgres_copy_binary';
            await begin();
            await copy.write(copyFromSql(loadTarget(buffer.plan), columns, binary), data, `loading stream "${key}"`, () => releaseChunks([data]), binary ? BINARY_COPY_HEADER : undefined);
            buffer.copied = true;
          } else if (message.type === 'STATE') {
            yield await commit([message], false);
          }
        }
      }
      context.signal.throwIfAborted();
      yield await commit([], true);
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      await client.end().catch(() => undefined);
    }
  }

  writesPartitions(): boolean {
    return true;
  }

  /**
   * Scale-out: every partition has loaded the shared overwrite stage (or appended, or merged);
   * the stages now replace their tables in one transaction, and the partitions' bookkeeping rows
   * give way to the sync's, which adds these tables to those it published (its streams written
   * whole). A stage that is gone was swapped by an earlier run of this publish.
   */
  async publishPartitions(config: JsonObject, catalog: ConfiguredAirbyteCatalog, context: PublishContext): Promise<void> {
    const parsed = parseDestinationConfig(config);
    const plans = catalog.streams.map((configured) => planStream(configured, streamKey(configured.stream), parsed.schema, context.syncId));
    await underSetupLock(parsed, context, 'publishing the partitions', async (client) => {
      await client.query(createCheckpointsTableSql(parsed.schema));
      const published: Published[] = [];
      for (const plan of plans) {
        if (plan.mode !== 'overwrite') continue;
        if (await tableExists(client, plan.schema, plan.stage!)) {
          for (const sql of swapSql(plan.schema, plan.stage!, plan.table)) await client.query(sql);
          context.logger.info(`"${plan.schema}"."${plan.table}" replaced by the ${context.partitions.length} partitions' stage`);
        }
        published.push({ schema: plan.schema, table: plan.table });
      }
      const partitionKeys = context.partitions.map((p) => writerOf(context.syncId, p.index).key);
      await client.query(`DELETE FROM ${qualifiedName(parsed.schema, CHECKPOINTS_TABLE)} WHERE sync_id = ANY($1::text[])`, [partitionKeys]);
      await client.query(addPublishedSql(parsed.schema), [context.syncId, JSON.stringify(published)]);
    });
  }

  /**
   * Drops each stream's table, its overwrite stages and the bookkeeping rows of the syncs that
   * wrote it, in one transaction under the setup lock. Views that depend on a table make it fail
   * with a config error rather than be dropped along.
   */
  async clear(config: JsonObject, streams: ConfiguredAirbyteStream[], context: ConnectorContext): Promise<void> {
    const parsed = parseDestinationConfig(config);
    await underSetupLock(parsed, context, 'clearing streams', (client) => clearTables(client, parsed.schema, streams, context));
  }
}

/**
 * Who writes: the sync, or one partition of it. Each has its own bookkeeping row (`key`) and
 * checkpoint range in `_tributary_checkpoint` (from `base`), so partitions writing one table at
 * once never cut back each other's rows.
 */
function writerOf(syncId: string, index = 0): { key: string; base: number; end: number } {
  if (!Number.isSafeInteger(index) || index < 0 || index >= 2 ** 20) throw new SystemError(`The partition index ${index} is out of range.`);
  return { key: index ? `${syncId}#${index}` : syncId, base: index * PARTITION_CHECKPOINT_BASE, end: (index + 1) * PARTITION_CHECKPOINT_BASE };
}

/** Runs `work` in one transaction under the setup lock, on a connection of its own that a cancel ends. */
async function underSetupLock(config: PostgresDestinationConfig, context: ConnectorContext, doing: string, work: (client: Client) => Promise<void>): Promise<void> {
  const client = new Client(clientConfig(config));
  const onAbort = () => void client.end().catch(() => undefined);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await connect(client, context);
    context.signal.throwIfAborted();
    await withErrors(doing, async () => {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY]);
      await work(client);
      await client.query('COMMIT');
    });
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }
}

function resumeSequence(position: JsonObject | undefined): number {
  if (!position) return 0;
  const sequence = position.sequence;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
    throw new SystemError(`The resume position is not { sequence }: ${JSON.stringify(position)}.`);
  }
  return sequence;
}

async function connect(client: Client, context: ConnectorContext): Promise<void> {
  // A connection error after connect (server gone) must not crash the process: it surfaces through the next query.
  client.on('error', (error) => context.logger.warn('PostgreSQL connection error', { error: error.message }));
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET statement_timeout = 0");
  } catch (error) {
    throw postgresError(error, 'connecting');
  }
}

async function withErrors<T>(doing: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw postgresError(error, doing);
  }
}

function loadTarget(plan: StreamPlan): string {
  switch (plan.mode) {
    case 'overwrite':
      return qualifiedName(plan.schema, plan.stage!);
    case 'append_dedup':
      return quoteIdentifier(plan.stage!);
    case 'append':
      return qualifiedName(plan.schema, plan.table);
  }
}

/**
 * Creates schemas, tables and stages, evolves existing tables to the streams' schemas, and cuts
 * back whatever this sync committed after the resume position. One transaction, under a lock.
 */
async function prepare(client: Client, defaultSchema: string, plans: StreamPlan[], context: WriteContext, writer: ReturnType<typeof writerOf>, resumeAt: number): Promise<Map<string, StreamBuffer>> {
  await client.query('BEGIN');
  await client.query('SELECT pg_advisory_xact_lock($1)', [SETUP_LOCK_KEY]);
  for (const schema of new Set([defaultSchema, ...plans.map((p) => p.schema)])) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  await client.query(createCheckpointsTableSql(defaultSchema));
  const row = (await client.query<{ sequence: string; published: Published[] }>(`SELECT sequence, published FROM ${qualifiedName(defaultSchema, CHECKPOINTS_TABLE)} WHERE sync_id = $1 FOR UPDATE`, [writer.key])).rows[0];
  const committed = row ? Number(row.sequence) : 0;
  if (committed < resumeAt) {
    throw new SystemError(`The platform resumes this sync after commit ${resumeAt}, but the destination database only has commits up to ${committed}: was it restored from a backup?`);
  }
  const rewind = committed > resumeAt;
  if (rewind) context.logger.info(`the destination had committed up to checkpoint ${committed}; cutting back to checkpoint ${resumeAt}, where this attempt resumes`);
  const published = row?.published ?? [];

  const buffers = new Map<string, StreamBuffer>();
  for (const plan of plans) {
    let types: string[];
    if (plan.mode === 'overwrite') {
      const wasPublished = published.some((p) => p.schema === plan.schema && p.table === plan.table);
      if (rewind && wasPublished && !(await tableExists(client, plan.schema, plan.stage!))) {
        // The swap was committed but not recorded: rebuild the stage from the swapped table.
        for (const sql of restageSql(plan.schema, plan.stage!, plan.table)) await client.query(sql, sql.startsWith('INSERT') ? [context.syncId, resumeAt] : []);
      }
      types = await ensureTable(client, plan.schema, plan.stage!, plan.columns);
      await client.query(markStageSql(plan.schema, plan.stage!, plan.table));
      if (rewind) await client.query(deleteAfterCheckpointSql(plan.schema, plan.stage!), [context.syncId, writer.base + resumeAt, writer.end]);
      // The stage is the sync's own; partitions share it, so only a sync written whole starts it afresh.
      else if (resumeAt === 0 && !context.partition) await client.query(`TRUNCATE ${qualifiedName(plan.schema, plan.stage!)}`);
    } else {
      types = await ensureTable(client, plan.schema, plan.table, plan.columns);
      if (plan.mode === 'append' && rewind) await client.query(deleteAfterCheckpointSql(plan.schema, plan.table), [context.syncId, writer.base + resumeAt, writer.end]);
      if (plan.mode === 'append_dedup') await prepareDedup(client, plan);
    }
    buffers.set(plan.key, new StreamBuffer(plan, types, context.syncId));
  }
  if (rewind || row) await client.query(upsertCheckpointSql(defaultSchema), [writer.key, resumeAt, '[]']);
  await client.query('COMMIT');
  return buffers;
}

async function tableExists(client: Client, schema: string, table: string): Promise<boolean> {
  const result = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [qualifiedName(schema, table)]);
  return result.rows[0]!.exists;
}

/** Creates the table, or adds missing columns and widens types; returns each column's actual type. */
async function ensureTable(client: Client, schema: string, table: string, columns: ColumnDefinition[]): Promise<string[]> {
  const existing = new Map(
    (
      await client.query<{ name: string; type: string }>(
        'SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped',
        [qualifiedName(schema, table)],
      )
    ).rows.map((r) => [r.name, r.type]),
  );
  if (existing.size === 0) {
    await client.query(createTableSql(schema, table, columns));
    return columns.map((c) => c.sqlType);
  }
  // One statement at a time: a client runs queries in order anyway, and ALTERs take locks.
  const types: string[] = [];
  for (const column of columns) {
    const current = existing.get(column.name);
    if (current === undefined) {
      await client.query(addColumnSql(schema, table, column));
      types.push(column.sqlType);
      continue;
    }
    const widened = widenedType(current, column.sqlType);
    if (widened) await client.query(alterColumnTypeSql(schema, table, column.name, widened, conversionExpression(quoteIdentifier(column.name), current, widened)));
    types.push(widened ?? current);
  }
  return types;
}

/** The unique key merges rely on (deduplicating first a table loaded in another mode) and the session's stage. */
async function prepareDedup(client: Client, plan: StreamPlan): Promise<void> {
  const index = `_tributary_pk_${shortHash(`${plan.schema}\0${plan.table}\0${plan.primaryKey.join('\0')}`, 20)}`;
  if (!(await tableExists(client, plan.schema, index))) {
    await client.query(removeDuplicateKeysSql(plan.schema, plan.table, plan.primaryKey, plan.cursor));
    await client.query(uniqueKeyIndexSql(plan.schema, plan.table, index, plan.primaryKey));
  }
  await client.query(`DROP TABLE IF EXISTS pg_temp.${quoteIdentifier(plan.stage!)}`);
  await client.query(`CREATE TEMP TABLE ${quoteIdentifier(plan.stage!)} (LIKE ${qualifiedName(plan.schema, plan.table)} INCLUDING DEFAULTS)`);
  await client.query(`ALTER TABLE ${quoteIdentifier(plan.stage!)} ADD COLUMN ${ORDINAL_COLUMN} bigint GENERATED ALWAYS AS IDENTITY`);
}

async function mergeStage(client: Client, plan: StreamPlan): Promise<void> {
  const columns = [...plan.columns.map((c) => c.name), META_COLUMNS.rawId, META_COLUMNS.extractedAt, META_COLUMNS.syncId, META_COLUMNS.checkpoint];
  await client.query(mergeSql({ schema: plan.schema, table: plan.table, stage: plan.stage!, columns, primaryKey: plan.primaryKey, ...(plan.cursor ? { cursor: plan.cursor } : {}) }));
  await client.query(`TRUNCATE ${quoteIdentifier(plan.stage!)}`);
}
