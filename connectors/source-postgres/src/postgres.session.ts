// Connections of the source: settings that make every value's text form canonical (UTC, ISO
// dates and intervals, hex bytea), an application_name for pg_stat_activity, and COPY TO streams
// parsed into rows. Whoever opens a connection closes it in a finally block.
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ConnectorContext } from '@tributary/connector-sdk';
import { CopyLineSplitter, parseCopyRow } from './copy-text.parser';
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

/** Closes a client whatever state it is in (even mid-COPY); never throws. */
export async function closeClient(client: Client): Promise<void> {
  await client.end().catch(() => undefined);
}

/** Rows of `COPY (<query>) TO STDOUT`, in chunks as they arrive; fields are text or null. */
export async function* copyRows(client: Client, query: string, doing: string): AsyncGenerator<(string | null)[][]> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`));
  const splitter = new CopyLineSplitter();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const lines = splitter.push(chunk);
      if (lines.length > 0) yield lines.map(parseCopyRow);
    }
  } catch (error) {
    throw postgresError(error, doing);
  } finally {
    // Stopped early (an abort or a failure downstream): the connection is then closed by its owner.
    if (!stream.destroyed) stream.destroy();
  }
}
