// A connector's config, validated once where it enters against the spec its package ships, with
// the spec's top-level defaults filled in. Connectors call this instead of repeating it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIssues, validateAgainstSchema, type ConnectorSpecification, type JsonObject } from '@tributary/protocol';
import { MANIFEST_FILE } from './connector-registry';
import { ConfigError } from './errors';

/** The spec in the manifest of the package at `packageDirectory` (read once, at module load). */
export function readPackageSpec(packageDirectory: string): ConnectorSpecification {
  return (JSON.parse(readFileSync(join(packageDirectory, MANIFEST_FILE), 'utf8')) as { spec: ConnectorSpecification }).spec;
}

/** The spec's top-level property defaults. */
export function specDefaults(spec: ConnectorSpecification): Record<string, unknown> {
  const properties = (spec.connectionSpecification.properties ?? {}) as Record<string, { default?: unknown }>;
  return Object.fromEntries(
    Object.entries(properties)
      .filter(([, property]) => property && typeof property === 'object' && property.default !== undefined)
      .map(([name, property]) => [name, property.default]),
  );
}

/** Throws a ConfigError naming every invalid field ("Invalid <what> configuration: port: …"). */
export function parseConfig<T>(spec: ConnectorSpecification, config: JsonObject, what: string): T {
  const issues = validateAgainstSchema(spec.connectionSpecification, config);
  if (issues.length > 0) throw new ConfigError(`Invalid ${what} configuration: ${formatIssues(issues)}.`);
  return { ...specDefaults(spec), ...config } as T;
}
