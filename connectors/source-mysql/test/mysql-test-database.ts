// A throwaway database on the test MariaDB/MySQL server (127.0.0.1:3306 as root, or
// TRIBUTARY_TEST_MYSQL_URL), for the integration tests and the conformance fixture.
import { randomBytes } from 'node:crypto';
import { type Connection, createConnection } from 'mysql2/promise';
import type { JsonObject } from '@tributary/protocol';

export const MYSQL_URL_VARIABLE = 'TRIBUTARY_TEST_MYSQL_URL';

export interface MysqlTestDatabase {
  name: string;
  /** The source config for this database (host, port, database, username, password). */
  config: JsonObject;
  /** An admin connection with this database as default, multiple statements allowed, session in UTC. */
  admin: Connection;
  /** Drops the database and closes the admin connection. */
  drop(): Promise<void>;
}

export function mysqlTestUrl(env: NodeJS.ProcessEnv = process.env): URL {
  return new URL(env[MYSQL_URL_VARIABLE] || 'mysql://root@127.0.0.1:3306');
}

export async function createMysqlTestDatabase(prefix = 'tributary_test'): Promise<MysqlTestDatabase> {
  const url = mysqlTestUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const credentials = { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username || 'root'), password: decodeURIComponent(url.password) || undefined };
  const admin = await createConnection({ ...credentials, multipleStatements: true, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, charset: 'utf8mb4' });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.query(`USE \`${name}\``);
    await admin.query("SET time_zone = '+00:00'");
  } catch (error) {
    await admin.end();
    throw error;
  }
  return {
    name,
    admin,
    config: { host: credentials.host, port: credentials.port, database: name, username: credentials.user, ...(credentials.password ? { password: credentials.password } : {}) },
    drop: async () => {
      try {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.end();
      }
    },
  };
}
