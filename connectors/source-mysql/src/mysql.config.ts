// The source's configuration: validated once where it enters (check, discover, read) against the
// spec in tributary.connector.json, defaults filled in, and turned into the driver's options.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConnectionOptions } from 'mysql2';
import { ConfigError, MANIFEST_FILE } from '@tributary/connector-sdk';
import { type ConnectorSpecification, formatIssues, type JsonObject, validateAgainstSchema } from '@tributary/protocol';

export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

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

export const SOURCE_SPEC = (JSON.parse(readFileSync(join(__dirname, '..', MANIFEST_FILE), 'utf8')) as { spec: ConnectorSpecification }).spec;

const DEFAULTS = Object.fromEntries(
  Object.entries(SOURCE_SPEC.connectionSpecification.properties as Record<string, { default?: unknown }>)
    .filter(([, property]) => property.default !== undefined)
    .map(([name, property]) => [name, property.default]),
) as unknown as MysqlSourceConfig;

/** Throws ConfigError naming every invalid field. */
export function parseSourceConfig(config: JsonObject): MysqlSourceConfig {
  const issues = validateAgainstSchema(SOURCE_SPEC.connectionSpecification, config);
  if (issues.length > 0) throw new ConfigError(`Invalid MySQL source configuration: ${formatIssues(issues)}.`);
  return { ...DEFAULTS, ...(config as Partial<MysqlSourceConfig>) } as MysqlSourceConfig;
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
    ssl: sslOptions(config.ssl_mode, config.ssl_ca_certificate),
  };
}

function sslOptions(mode: SslMode, ca: string | undefined): ConnectionOptions['ssl'] {
  switch (mode) {
    case 'disable':
      return undefined;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The chain must lead to the CA; the host name is not compared.
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}), checkServerIdentity: () => undefined } as ConnectionOptions['ssl'];
    case 'verify-full':
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
  }
}
