// Airbyte connectors publish draft-07 schemas; Tributary validates with draft 2020-12. For the
// keywords connector schemas use (type, properties, required, enum, items, oneOf, format, ...)
// the two agree, so the dialect marker is rewritten rather than a second validator kept around.
import type { AirbyteCatalog, ConnectorSpecification, JsonObject, JsonValue } from '@tributary/protocol';

const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

export function toDraft202012(schema: JsonObject): JsonObject {
  return rewrite(schema) as JsonObject;
}

export function normalizeSpec(spec: ConnectorSpecification): ConnectorSpecification {
  return { ...spec, connectionSpecification: toDraft202012(spec.connectionSpecification) };
}

export function normalizeCatalog(catalog: AirbyteCatalog): AirbyteCatalog {
  return { ...catalog, streams: catalog.streams.map((stream) => ({ ...stream, json_schema: toDraft202012(stream.json_schema) })) };
}

function rewrite(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(rewrite);
  if (!value || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$schema') out[key] = DRAFT_2020_12;
    else out[key] = rewrite(item);
  }
  return out;
}
