// A JSON Schema inferred from sampled records, for streams that declare none. Deliberately
// permissive — every field may be null, numbers are `number`, objects stay open — since a sample
// never shows everything an API can send; it names the fields and their shapes for the catalog.
import type { JsonObject } from '@tributary/protocol';

type Shape = { types: Set<string>; properties?: Map<string, Shape>; items?: Shape };

export class SchemaInferrer {
  private readonly root: Shape = { types: new Set(['object']), properties: new Map() };

  add(record: Record<string, unknown>): void {
    merge(this.root, record);
  }

  /** The schema of everything added; `required` fields are always present as properties. */
  schema(ensure: string[] = []): JsonObject {
    const schema = toSchema(this.root, true);
    const properties = (schema.properties ?? {}) as JsonObject;
    for (const field of ensure) if (!(field in properties)) properties[field] = {};
    return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema, properties };
  }
}

/** Infers a schema from a list of records. */
export function inferSchema(records: Iterable<Record<string, unknown>>, ensure: string[] = []): JsonObject {
  const inferrer = new SchemaInferrer();
  for (const record of records) inferrer.add(record);
  return inferrer.schema(ensure);
}

function typeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'number';
  return typeof value;
}

function merge(shape: Shape, value: unknown): void {
  const type = typeOf(value);
  shape.types.add(type);
  if (type === 'object') {
    shape.properties ??= new Map();
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      let child = shape.properties.get(key);
      if (!child) shape.properties.set(key, (child = { types: new Set() }));
      merge(child, item);
    }
  } else if (type === 'array') {
    shape.items ??= { types: new Set() };
    for (const item of value as unknown[]) merge(shape.items, item);
  }
}

function toSchema(shape: Shape, root = false): JsonObject {
  const types = [...shape.types].filter((t) => t !== 'null' && t !== 'undefined').sort();
  if (types.length === 0) return {};
  const schema: JsonObject = { type: root ? 'object' : [...types, 'null'] };
  if (shape.types.has('object') && shape.properties) {
    schema.properties = Object.fromEntries([...shape.properties].map(([key, child]) => [key, toSchema(child)]));
  }
  if (shape.types.has('array') && shape.items && shape.items.types.size) schema.items = toSchema(shape.items);
  return schema;
}
