// The source's configuration: validated once where it enters (check, discover, read) against the
// spec in tributary.connector.json, defaults filled in, and turned into the driver's options.
import { join } from 'node:path';
import type { ConnectionOptions } from 'mysql2';
import { parseConfig, readPackageSpec, tlsOptions, type SslMode } from '@tributary/connector-sdk';
import type { JsonObject } from '@tributary/protocol';

export interface MysqlSourceConfig {
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  ssl_mode: SslMode;
  ssl_ca_certificate?: string;
  checkpoint_rows: number;
}

/** Sent as the `program_name` connection attribute: operators find the connections in performance_schema. */
export const PROGRAM_NAME = 'tributary-source-mysql';

export const SOURCE_SPEC = readPackageSpec(join(__dirname, '..'));

/** Throws ConfigError naming every invalid field. */
export function parseSourceConfig(config: JsonObject): MysqlSourceConfig {
  return parseConfig<MysqlSourceConfig>(SOURCE_SPEC, config, 'MySQL source');
}

/**
 * Driver options that keep every value exact: big integers and decimals as strings, dates and
 * times as the server prints them, JSON as text (parsed here), binary values as buffers.
 */
export function connectionOptions(config: MysqlSourceConfig): ConnectionOptions {
  return {
    host: config.host,
    port: config.port,
    user: config.username,
    password: config.password || undefined,
    database: config.database,
    charset: 'utf8mb4',
    connectTimeout: 30_000,
    enableKeepAlive: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    dateStrings: true,
    jsonStrings: true,
    multipleStatements: false,
    connectAttributes: { program_name: PROGRAM_NAME },
    ssl: tlsOptions(config.ssl_mode, config.ssl_ca_certificate),
  };
}
