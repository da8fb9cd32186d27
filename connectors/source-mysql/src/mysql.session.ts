// Connections of the source: session settings that make every value's text form canonical (UTC
// for TIMESTAMP, long write timeouts so a slow destination does not make the server drop a
// streaming read), one consistent snapshot per stream, and queries streamed row by row with
// backpressure (the driver pauses the socket while the consumer is busy): never a whole result in
// memory. Whoever opens a connection closes it in a finally block.
import type { Readable } from 'node:stream';
import { type Connection, createConnection } from 'mysql2';
import type { ConnectorContext } from '@tributary/connector-sdk';
import { connectionOptions, type MysqlSourceConfig } from './mysql.config';
import { mysqlError } from './mysql.errors';

export type RawValue = string | number | Buffer | null;
export type RawRow = RawValue[];

const SESSION_SETTINGS = [
  "SET time_zone = '+00:00'",
  'SET SESSION net_write_timeout = 3600',
  'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ',
];

/** Rows handed on at once: a streamed query yields arrays of at most this many rows. */
const CHUNK_ROWS = 1000;

export class MysqlSession {
  /** Closed by us (close or destroy): later connection events are expected, not failures. */
  closed = false;
  /** A result was left unread: the connection cannot be ended politely, only destroyed. */
  private unread = false;
  /** The result being streamed: destroying the session must fail it, or its reader would wait forever. */
  private active: Readable | undefined;

  private constructor(private readonly connection: Connection) {}

  static async open(config: MysqlSourceConfig, context: ConnectorContext): Promise<MysqlSession> {
    const connection = createConnection(connectionOptions(config));
    const session = new MysqlSession(connection);
    // A connection that dies (killed, server gone) fails the result being streamed and every later
    // query: the driver reports it only as an event when the command has no callback.
    connection.on('error', (error: Error) => {
      if (!session.closed) context.logger.warn('MySQL connection error', { error: error.message });
      session.fail(error);
    });
    connection.on('end', () => session.fail(Object.assign(new Error('Connection lost: the server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' })));
    try {
      await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
      for (const sql of SESSION_SETTINGS) await session.query(sql);
      return session;
    } catch (error) {
      session.destroy();
      throw mysqlError(error, `connecting to ${config.host}:${config.port}/${config.database}`);
    }
  }

  /** Why the connection can serve no more queries, once it has died under us. */
  private failure: Error | undefined;

  private fail(error: Error): void {
    if (this.closed || this.failure) return;
    this.failure = error;
    this.active?.destroy(error);
  }

  /** A small query whose whole result is wanted (catalog, counts): rows as objects. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.connection.query(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[])));
    });
  }

  /** Rows of a query as arrays in select-list order, in chunks as they arrive. */
  async *stream(sql: string, params: unknown[] = []): AsyncGenerator<RawRow[]> {
    if (this.failure) throw this.failure;
    const query = this.connection.query({ sql, values: params, rowsAsArray: true });
    const rows = query.stream({ objectMode: true, highWaterMark: CHUNK_ROWS });
    if (this.closed) rows.destroy(new Error('the connection is closed'));
    this.active = rows;
    let chunk: RawRow[] = [];
    let finished = false;
    try {
      for await (const row of rows as AsyncIterable<RawRow>) {
        chunk.push(row);
        if (chunk.length >= CHUNK_ROWS) {
          yield chunk;
          chunk = [];
        }
      }
      finished = true;
      if (chunk.length > 0) yield chunk;
    } finally {
      this.active = undefined;
      if (!finished) this.unread = true;
      // Stopped early (an abort, a failure downstream): the rest of the result would still arrive,
      // so the connection cannot serve another query; its owner closes it.
      if (!rows.destroyed) rows.destroy();
    }
  }

  /** Ends the connection politely (COM_QUIT), or destroys it when that fails; never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.unread || this.failure) return this.destroy();
    this.closed = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.connection.destroy();
        resolve();
      }, 2000);
      this.connection.end(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Closes the socket at once (cancellation, mid-query); never throws. */
  destroy(): void {
    this.closed = true;
    this.connection.destroy();
    this.active?.destroy(new Error('the connection was closed (the read was cancelled or failed)'));
  }
}
