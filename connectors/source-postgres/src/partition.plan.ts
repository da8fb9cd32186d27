// Scale-out: a large table's full refresh split into block (ctid) ranges that separate read() calls
// read, one range each, in any worker process. The plan is made on one connection that exports its
// snapshot and keeps the transaction open until the plan is released, so every partition imports
// the same snapshot and together they read one consistent table. A partition that starts after the
// release (a retry after the holder's worker died) reads under a snapshot of its own, as a resumed
// read always does, and the last partition then also takes the pages added since the plan.
import type { Client } from 'pg';
import { type ConnectorContext, type ReadContext, type SourcePartitionPlan, SystemError } from '@tributary/connector-sdk';
import { type ConfiguredAirbyteCatalog, type JsonObject, streamKey } from '@tributary/protocol';
import { postgresError } from '@tributary/connector-sdk/postgres';
import { type PostgresSourceConfig } from './postgres.config';
import { beginUnderSnapshot, closeClient, exportSnapshot, openClient } from './postgres.session';
import { findRelation, loadRelations } from './pg-catalog.query';
import { splitBlocks } from './partitioned.read';
import { type FullRefreshState, type StreamReader } from './stream.reader';

/** One partition as it travels: blocks [from, to) of the table, read under `snapshot`. */
export type BlockPartition = { from: number; to: number; last: boolean; snapshot: string; pages: number };

export async function planBlockPartitions(config: PostgresSourceConfig, catalog: ConfiguredAirbyteCatalog, context: ConnectorContext): Promise<SourcePartitionPlan | undefined> {
  if (config.max_partitions <= 1) return undefined;
  const client = await openClient(config, context);
  let holding = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = await exportSnapshot(client);
    const streams: Record<string, JsonObject[]> = {};
    for (const configured of catalog.streams) {
      const { name, namespace } = configured.stream;
      if (configured.sync_mode !== 'full_refresh' || !namespace) continue;
      const oid = await findRelation(client, namespace, name);
      const relation = oid === undefined ? undefined : (await loadRelations(client, [namespace], oid))[0];
      if (!relation || (relation.kind !== 'r' && relation.kind !== 'm')) continue;
      const size = await relationPages(client, relation.oid);
      if (size.bytes < config.partition_min_mb * 1024 * 1024) continue;
      const ranges = splitBlocks(0, size.pages, config.max_partitions);
      if (ranges.length < 2) continue;
      streams[streamKey(configured.stream)] = ranges.map((range, i) => ({ from: range.from, to: range.to, last: i === ranges.length - 1, snapshot, pages: size.pages }) satisfies BlockPartition);
    }
    if (Object.keys(streams).length === 0) return undefined;
    for (const [key, partitions] of Object.entries(streams)) context.logger.info(`"${key}" is split into ${partitions.length} partitions of about ${Math.ceil((partitions[0] as BlockPartition).pages / partitions.length)} blocks, read under snapshot ${snapshot}`);
    holding = true;
    return { streams, release: () => closeClient(client) };
  } catch (error) {
    throw postgresError(error, 'planning partitions');
  } finally {
    if (!holding) await closeClient(client);
  }
}

export async function relationPages(client: Client, oid: number): Promise<{ pages: number; bytes: number }> {
  const { rows } = await client.query<{ pages: string; bytes: string }>(
    "SELECT (pg_relation_size($1::oid) / current_setting('block_size')::int)::bigint AS pages, pg_relation_size($1::oid) AS bytes",
    [oid],
  );
  return { pages: Number(rows[0]!.pages), bytes: Number(rows[0]!.bytes) };
}

export function parseBlockPartition(value: JsonObject): BlockPartition {
  const { from, to, last, snapshot, pages } = value as Partial<BlockPartition>;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!whole(from) || !whole(to) || !whole(pages) || typeof last !== 'boolean' || typeof snapshot !== 'string' || !/^[0-9A-F-]+$/i.test(snapshot)) {
    throw new SystemError(`The partition to read is not { from, to, last, snapshot, pages }: ${JSON.stringify(value)}.`);
  }
  return { from, to, last, snapshot, pages };
}

/**
 * Opens the partition's transaction: REPEATABLE READ under the plan's snapshot, or under a fresh
 * one when the plan's is gone (its holder ended), with a warning.
 */
export async function beginPartition(client: Client, partition: BlockPartition, key: string, context: ReadContext): Promise<void> {
  try {
    await beginUnderSnapshot(client, partition.snapshot);
  } catch (error) {
    await client.query('ROLLBACK');
    context.logger.warn(`partition of "${key}" at blocks ${partition.from}–${partition.to} reads under a snapshot of its own: the plan's snapshot is gone (${(error as Error).message})`);
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }
}

/** Where a partition's read starts and ends, given its committed progress. */
export async function partitionRange(client: Client, reader: StreamReader, partition: BlockPartition, state: FullRefreshState | undefined): Promise<{ from: number; to: number }> {
  // Rows the table gained after the plan's snapshot belong to the last partition when it reads under another one.
  const to = partition.last ? Math.max(partition.to, (await relationPages(client, reader.relation.oid)).pages) : partition.to;
  return { from: Math.max(partition.from, state?.next_block ?? partition.from), to };
}
