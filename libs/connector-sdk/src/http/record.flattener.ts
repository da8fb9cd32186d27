// Optional flattening of nested JSON for destinations that want flat rows:
// `{ "address": { "city": "Oslo" } }` becomes `{ "address_city": "Oslo" }`. Arrays are kept as
// values (flattening them would make the column set depend on the data).
export interface FlattenOptions {
  /** Joins the names of nested fields (default `_`). */
  separator?: string;
  /** Objects deeper than this stay as values (default 10). */
  maxDepth?: number;
}

export function flattenRecord(record: Record<string, unknown>, options: FlattenOptions = {}): Record<string, unknown> {
  const separator = options.separator ?? '_';
  const maxDepth = options.maxDepth ?? 10;
  const out: Record<string, unknown> = {};
  const visit = (value: Record<string, unknown>, prefix: string, depth: number) => {
    for (const [key, item] of Object.entries(value)) {
      const name = prefix ? `${prefix}${separator}${key}` : key;
      if (isPlainObject(item) && depth < maxDepth && Object.keys(item).length > 0) visit(item, name, depth + 1);
      else out[name] = item;
    }
  };
  visit(record, '', 0);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
