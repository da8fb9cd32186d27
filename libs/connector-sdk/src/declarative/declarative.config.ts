// What source-declarative is configured with: the manifest (YAML text or an object) and the user's
// config for it. A definition registered from a manifest binds the manifest and takes only the
// user's config (see ConnectorRegistry.registerDeclarative). The user's config is validated against
// the manifest's spec, with the spec's top-level defaults filled in.
import { formatIssues, type JsonObject, validateAgainstSchema } from '@tributary/protocol';
import { ConfigError } from '../errors';
import { parseManifest } from './manifest.parser';
import type { DeclarativeManifest } from './manifest.types';

export interface DeclarativeSourceConfig {
  manifest: string | JsonObject;
  config?: JsonObject;
}

export interface ResolvedDeclarativeConfig {
  manifest: DeclarativeManifest;
  config: Record<string, unknown>;
}

export function resolveDeclarativeConfig(raw: JsonObject): ResolvedDeclarativeConfig {
  if (raw.manifest === undefined || raw.manifest === null) throw new ConfigError('manifest: is required (the YAML manifest of the API, or an object)');
  const manifest = parseManifest(raw.manifest);
  const given = raw.config ?? {};
  if (typeof given !== 'object' || Array.isArray(given)) throw new ConfigError('config: must be an object');
  const config = withDefaults(manifest.spec.connection_specification, given);
  const issues = validateAgainstSchema(manifest.spec.connection_specification, config);
  if (issues.length) throw new ConfigError(`config: ${formatIssues(issues)}`);
  return { manifest, config };
}

/** The config with the spec's top-level `default`s filled in where a field is absent. */
export function withDefaults(spec: JsonObject, config: JsonObject): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  const properties = (spec.properties ?? {}) as Record<string, { default?: unknown }>;
  for (const [key, property] of Object.entries(properties)) {
    if (out[key] === undefined && property && typeof property === 'object' && property.default !== undefined) out[key] = property.default;
  }
  return out;
}
