// Secret fields of a connector config: found through `secret: true` (or Airbyte's
// `airbyte_secret: true`) in the spec, masked in every response and never logged.
import type { JsonObject } from './messages';

export const SECRET_MASK = '**********';

type Schema = { [key: string]: unknown };

function isSecret(schema: Schema): boolean {
  return schema.secret === true || schema.airbyte_secret === true;
}

function asSchema(value: unknown): Schema | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Schema) : undefined;
}

/**
 * Replaces every value at a secret position of `config` with `replace(value)`, following
 * `properties`, `oneOf`/`anyOf`/`allOf` branches and `items`. Returns a new object.
 */
export function mapSecrets(spec: JsonObject, config: unknown, replace: (value: unknown) => unknown): unknown {
  return walk(spec, config, replace);
}

function walk(schema: Schema | undefined, value: unknown, replace: (value: unknown) => unknown): unknown {
  if (!schema || value === undefined || value === null) return value;
  if (isSecret(schema)) return replace(value);
  if (Array.isArray(value)) {
    const items = asSchema(schema.items);
    return items ? value.map((item) => walk(items, item, replace)) : value;
  }
  if (typeof value !== 'object') return value;
  let result = { ...(value as Record<string, unknown>) };
  const properties = asSchema(schema.properties);
  if (properties) {
    for (const [key, sub] of Object.entries(properties)) {
      if (key in result) result[key] = walk(asSchema(sub), result[key], replace);
    }
  }
  for (const combinator of ['oneOf', 'anyOf', 'allOf']) {
    const branches = schema[combinator];
    if (Array.isArray(branches)) {
      for (const branch of branches) result = walk(asSchema(branch), result, replace) as Record<string, unknown>;
    }
  }
  return result;
}

/** The config as it may be shown to a person: secret values replaced by a fixed mask. */
export function maskSecrets<T>(spec: JsonObject, config: T): T {
  return mapSecrets(spec, config, () => SECRET_MASK) as T;
}

/** Every secret string value in the config, for log redaction. */
export function collectSecretValues(spec: JsonObject, config: unknown): string[] {
  const values: string[] = [];
  mapSecrets(spec, config, (value) => {
    if (typeof value === 'string' && value.length > 0) values.push(value);
    return value;
  });
  return values;
}
