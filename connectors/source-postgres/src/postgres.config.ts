// The source's configuration: validated once where it enters (check, write) against the
// spec in tributary.connector.json, defaults filled in, and turned into the driver's client config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { ConfigError, MANIFEST_FILE } from '@tributary/connector-sdk';
import { type ConnectorSpecification, formatIssues, type JsonObject, validateAgainstSchema } from '@tributary/protocol';

export type SslMode = 'disable' | 'require' | 'verify-ca' | 'verify-full';

export interface PostgresSourceConfig {
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  schemas: string[];
  ssl_mode: SslMode;
  ssl_ca_certificate?: string;
  checkpoint_rows: number;
  max_partitions: number;
  partition_min_mb: number;
}

/** `application_name` of every connection: lets operators (and tests) find them in pg_stat_activity. */
export const APPLICATION_NAME = 'tributary-source-postgres';

export const SOURCE_SPEC = (JSON.parse(readFileSync(join(__dirname, '..', MANIFEST_FILE), 'utf8')) as { spec: ConnectorSpecification }).spec;

const DEFAULTS = Object.fromEntries(
  Object.entries(SOURCE_SPEC.connectionSpecification.properties as Record<string, { default?: unknown }>)
    .filter(([, property]) => property.default !== undefined)
    .map(([name, property]) => [name, property.default]),
) as unknown as PostgresSourceConfig;

/** Throws ConfigError naming every invalid field. */
export function parseSourceConfig(config: JsonObject): PostgresSourceConfig {
  const issues = validateAgainstSchema(SOURCE_SPEC.connectionSpecification, config);
  if (issues.length > 0) throw new ConfigError(`Invalid PostgreSQL source configuration: ${formatIssues(issues)}.`);
  return { ...DEFAULTS, ...(config as Partial<PostgresSourceConfig>) } as PostgresSourceConfig;
}

export function clientConfig(config: PostgresSourceConfig): ClientConfig {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password || undefined,
    application_name: APPLICATION_NAME,
    connectionTimeoutMillis: 30_000,
    keepAlive: true,
    ssl: sslOptions(config.ssl_mode, config.ssl_ca_certificate),
  };
}

function sslOptions(mode: SslMode, ca: string | undefined): ClientConfig['ssl'] {
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      // The chain must lead to the CA; the host name is not compared.
      return { rejectUnauthorized: true, ca: ca || undefined, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { rejectUnauthorized: true, ca: ca || undefined };
  }
}
