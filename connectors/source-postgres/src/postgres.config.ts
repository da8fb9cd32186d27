// The source's configuration: validated once where it enters (check, read) against the spec in
// tributary.connector.json, defaults filled in; connection handling is shared by every PostgreSQL
// connector (@tributary/connector-sdk/postgres).
import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { parseConfig, readPackageSpec } from '@tributary/connector-sdk';
import { postgresClientConfig, type PostgresConnectionConfig } from '@tributary/connector-sdk/postgres';
import type { JsonObject } from '@tributary/protocol';

export interface PostgresSourceConfig extends PostgresConnectionConfig {
  schemas: string[];
  checkpoint_rows: number;
  max_partitions: number;
  partition_min_mb: number;
}

/** `application_name` of every connection: lets operators (and tests) find them in pg_stat_activity. */
export const APPLICATION_NAME = 'tributary-source-postgres';

export const SOURCE_SPEC = readPackageSpec(join(__dirname, '..'));

/** Throws ConfigError naming every invalid field. */
export function parseSourceConfig(config: JsonObject): PostgresSourceConfig {
  return parseConfig<PostgresSourceConfig>(SOURCE_SPEC, config, 'PostgreSQL source');
}

export function clientConfig(config: PostgresSourceConfig): ClientConfig {
  return postgresClientConfig(config, APPLICATION_NAME);
}
