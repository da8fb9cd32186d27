// Clearing streams (a clear job): each stream's table goes, with the overwrite stages of syncs
// that never finished, and the bookkeeping rows of the syncs that wrote or published it, so the
// next sync starts from nothing. Runs inside the caller's transaction: all streams or none.
import type { Client } from 'pg';
import type { ConnectorContext } from '@tributary/connector-sdk';
import { type ConfiguredAirbyteStream, streamKey } from '@tributary/protocol';
import { qualifiedName } from './identifier';
import { overwriteStageName, streamTable } from './stream.target';
import { CHECKPOINTS_TABLE, deleteCheckpointsSql, FIND_STAGES_SQL, META_COLUMNS, stageMark } from './table.sql';

export async function clearTables(client: Client, defaultSchema: string, streams: ConfiguredAirbyteStream[], context: ConnectorContext): Promise<void> {
  const checkpoints = qualifiedName(defaultSchema, CHECKPOINTS_TABLE);
  const hasCheckpoints = await exists(client, checkpoints);
  // Syncs this destination knows of: their stages may still lie around unmarked.
  const knownSyncs = hasCheckpoints ? (await client.query<{ sync_id: string }>(`SELECT sync_id FROM ${checkpoints}`)).rows.map((r) => r.sync_id) : [];
  for (const configured of streams) {
    context.signal.throwIfAborted();
    const { schema, table } = streamTable(configured.stream, defaultSchema);
    const target = qualifiedName(schema, table);
    const writers = (await exists(client, target)) ? await syncsIn(client, target) : [];
    const candidates = [...new Set([...knownSyncs, ...writers])].map((syncId) => overwriteStageName(syncId, schema, table));
    const stages = (await client.query<{ name: string }>(FIND_STAGES_SQL, [schema, stageMark(schema, table), candidates])).rows.map((r) => r.name);
    for (const stage of stages) {
      writers.push(...(await syncsIn(client, qualifiedName(schema, stage))));
      await client.query(`DROP TABLE IF EXISTS ${qualifiedName(schema, stage)}`);
    }
    await client.query(`DROP TABLE IF EXISTS ${target}`);
    if (hasCheckpoints) await client.query(deleteCheckpointsSql(defaultSchema), [writers, JSON.stringify([{ schema, table }])]);
    context.logger.info(`cleared stream "${streamKey(configured.stream)}": dropped ${target}${stages.length ? ` and ${stages.length} unfinished overwrite stage(s)` : ''}`);
  }
}

/** The syncs that wrote rows into a table. */
async function syncsIn(client: Client, table: string): Promise<string[]> {
  return (await client.query<{ sync_id: string }>(`SELECT DISTINCT ${META_COLUMNS.syncId} AS sync_id FROM ${table}`)).rows.map((r) => r.sync_id);
}

async function exists(client: Client, name: string): Promise<boolean> {
  const result = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  return result.rows[0]!.exists;
}
