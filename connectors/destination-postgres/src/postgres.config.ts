// The destination's configuration: validated once where it enters (check, write) against the spec
// in tributary.connector.json, defaults filled in; connection handling is shared by every
// PostgreSQL connector (@tributary/connector-sdk/postgres).
import { join } from 'node:path';
import type { ClientConfig } from 'pg';
import { parseConfig, readPackageSpec } from '@tributary/connector-sdk';
import { postgresClientConfig, type PostgresConnectionConfig } from '@tributary/connector-sdk/postgres';
import type { JsonObject } from '@tributary/protocol';

export interface PostgresDestinationConfig extends PostgresConnectionConfig {
  schema: string;
  batch_size_mb: number;
}

/** `application_name` of every connection: lets operators (and tests) find them in pg_stat_activity. */
export const APPLICATION_NAME = 'tributary-destination-postgres';

export const DESTINATION_SPEC = readPackageSpec(join(__dirname, '..'));

/** Throws ConfigError naming every invalid field. */
export function parseDestinationConfig(config: JsonObject): PostgresDestinationConfig {
  return parseConfig<PostgresDestinationConfig>(DESTINATION_SPEC, config, 'PostgreSQL destination');
}

export function clientConfig(config: PostgresDestinationConfig): ClientConfig {
  return postgresClientConfig(config, APPLICATION_NAME);
}
