// Connections of the source: settings that make every value's text form canonical (UTC, ISO
// dates and intervals, hex bytea), an application_name for pg_stat_activity, and COPY TO streams
// parsed into rows. Whoever opens a connection closes it in a finally block.
import { Client } from 'pg';
import type { ConnectorContext } from '@tributary/connector-sdk';
import { copyOut } from './copy-out.stream';
import { BinaryTupleSplitter, parseCopyRow, TextRowSplitter } from './copy-text.parser';
import { clientConfig, type PostgresSourceConfig } from './postgres.config';
import { postgresError } from '@tributary/connector-sdk/postgres';

const SESSION_SETTINGS = "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET bytea_output = 'hex'; SET extra_float_digits = 1; SET statement_timeout = 0";

export async function openClient(config: PostgresSourceConfig, context: ConnectorContext): Promise<Client> {
  const client = new Client(clientConfig(config));
  // Errors of an idle connection (server restarted, backend terminated) surface through the next query.
  client.on('error', (error) => context.logger.warn('PostgreSQL connection error', { error: error.message }));
  try {
    await client.connect();
    await client.query(SESSION_SETTINGS);
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw postgresError(error, `connecting to ${config.host}:${config.port}/${config.database}`);
  }
}

/**
 * Exports the snapshot of the client's open transaction (REPEATABLE READ), for other connections
 * to import; it stays valid while that transaction is open.
 */
export async function exportSnapshot(client: Client): Promise<string> {
  const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
  return rows[0]!.snapshot;
}

/** Begins a read-only REPEATABLE READ transaction that sees exactly what `snapshot` saw; fails when it is gone. */
export async function beginUnderSnapshot(client: Client, snapshot: string): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.replace(/'/g, "''")}'`);
}

/** Closes a client whatever state it is in (even mid-COPY); never throws. */
export async function closeClient(client: Client): Promise<void> {
  await client.end().catch(() => undefined);
}

/** Whole rows of a COPY output in its own encoding, and how many. */
export interface CopyChunk {
  data: Buffer;
  rows: number;
}

/**
 * Whole rows of `COPY (<query>) TO STDOUT` in text or binary format, as they arrive from the
 * socket, never parsed into values. Binary output comes without its file header and trailer, so
 * chunks of several COPYs can be concatenated.
 */
export async function* copyChunks(client: Client, query: string, format: 'text' | 'binary', doing: string): AsyncGenerator<CopyChunk> {
  const stream = client.query(copyOut(`COPY (${query}) TO STDOUT${format === 'binary' ? ' (FORMAT binary)' : ''}`));
  const splitter = format === 'binary' ? new BinaryTupleSplitter() : new TextRowSplitter();
  try {
    for await (const received of stream as AsyncIterable<Buffer>) yield* splitter.push(received);
    splitter.end();
  } catch (error) {
    throw postgresError(error, doing);
  } finally {
    if (!stream.destroyed) stream.destroy();
  }
}

/** Rows of `COPY (<query>) TO STDOUT`, parsed into fields (text or null) as whole rows arrive. */
export async function* copyRows(client: Client, query: string, doing: string): AsyncGenerator<(string | null)[][]> {
  for await (const chunk of copyChunks(client, query, 'text', doing)) yield parseCopyRows(chunk.data);
}

/** Whole rows of COPY text output (each ending with a newline), parsed into fields. */
export function parseCopyRows(data: Buffer): (string | null)[][] {
  return data.toString('utf8', 0, data.length - 1).split('\n').map(parseCopyRow);
}
