// The faker's configuration. It is validated once, where it enters (check, discover, read), against
// the spec in tributary.connector.json (the same schema the console renders and the API
// validates), and the spec's defaults are filled in, so the rest of the connector trusts it.
import { join } from 'node:path';
import { ConfigError, readPackageSpec } from '@tributary/connector-sdk';
import { formatIssues, type JsonObject, validateAgainstSchema } from '@tributary/protocol';

export interface FakerConfig {
  /** Number of users. */
  count: number;
  seed: number;
  /** A STATE message follows at most this many records of a stream. */
  state_checkpoint_interval: number;
  /** 0 means unlimited. */
  max_records_per_second: number;
}

/** Read from the manifest, which sits beside both src/ and dist/, so the spec is written once. */
export const FAKER_SPEC = readPackageSpec(join(__dirname, '..'));

const DEFAULTS = Object.fromEntries(
  Object.entries(FAKER_SPEC.connectionSpecification.properties as Record<string, { default?: number }>)
    .filter(([, property]) => property.default !== undefined)
    .map(([name, property]) => [name, property.default]),
) as unknown as FakerConfig;

/** Throws ConfigError naming every invalid field. */
export function parseFakerConfig(config: JsonObject): FakerConfig {
  const issues = validateAgainstSchema(FAKER_SPEC.connectionSpecification, config);
  if (issues.length > 0) throw new ConfigError(`Invalid faker configuration: ${formatIssues(issues)}.`);
  return { ...DEFAULTS, ...(config as Partial<FakerConfig>) };
}
