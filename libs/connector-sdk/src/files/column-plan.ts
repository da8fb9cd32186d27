// How a stream's JSON Schema becomes typed columns for the columnar and tabular formats (Parquet,
// CSV). The mapping, by the keywords of each property:
//
//   type integer, or integer|string + format int64   → int64 (big integers sent as text)
//   type number                                      → double
//   type number|string + precision (1-38) [+ scale]  → decimal(precision, scale); `format: decimal`
//                                                      is accepted too; scale defaults to 0
//   type string + format date-time                   → timestamp, microseconds, UTC
//   type string + format date                        → date (days)
//   type string + contentEncoding base64             → binary (values are base64 text or bytes)
//   type boolean                                     → boolean
//   type string (any other format)                   → string
//   object, array, several types, or no type         → JSON text
//
// `null` among the types only makes the column nullable; every column is nullable anyway. The
// record's own fields come in schema order, followed by the metadata columns every destination
// table carries (DESIGN §4). A schema without properties gives one JSON column `_tributary_data`.
import type { JsonObject } from '@tributary/protocol';

export type ColumnKind = 'int64' | 'double' | 'decimal' | 'timestamp' | 'date' | 'string' | 'binary' | 'boolean' | 'json';

export interface Column {
  name: string;
  kind: ColumnKind;
  precision?: number;
  scale?: number;
  /** Where the value comes from: the record field of that name, or the whole record as JSON. */
  source: 'field' | 'record';
}

export const RAW_ID_COLUMN = '_tributary_raw_id';
export const EXTRACTED_AT_COLUMN = '_tributary_extracted_at';
export const SYNC_ID_COLUMN = '_tributary_sync_id';
export const DATA_COLUMN = '_tributary_data';
export const METADATA_COLUMNS: Column[] = [
  { name: RAW_ID_COLUMN, kind: 'string', source: 'field' },
  { name: EXTRACTED_AT_COLUMN, kind: 'timestamp', source: 'field' },
  { name: SYNC_ID_COLUMN, kind: 'string', source: 'field' },
];
const METADATA_NAMES = new Set(METADATA_COLUMNS.map((c) => c.name));

const MAX_DECIMAL_PRECISION = 38;

export function columnsOf(jsonSchema: JsonObject): Column[] {
  const properties = jsonSchema.properties;
  if (!properties || typeof properties !== 'object' || Array.isArray(properties) || Object.keys(properties).length === 0) {
    return [{ name: DATA_COLUMN, kind: 'json', source: 'record' }, ...METADATA_COLUMNS];
  }
  const columns: Column[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (METADATA_NAMES.has(name)) continue; // the metadata value replaces a field of the same name
    columns.push({ name, source: 'field', ...kindOf(property && typeof property === 'object' && !Array.isArray(property) ? (property as JsonObject) : {}) });
  }
  return [...columns, ...METADATA_COLUMNS];
}

function kindOf(property: JsonObject): Pick<Column, 'kind' | 'precision' | 'scale'> {
  const declared = property.type;
  const types = (Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]).filter((t) => t !== 'null');
  const precision = property.precision;
  if (typeof precision === 'number' && Number.isInteger(precision) && precision >= 1 && precision <= MAX_DECIMAL_PRECISION && types.every((t) => t === 'number' || t === 'string' || t === 'integer')) {
    const scale = typeof property.scale === 'number' && Number.isInteger(property.scale) && property.scale >= 0 && property.scale <= precision ? property.scale : 0;
    return { kind: 'decimal', precision, scale };
  }
  // A 64-bit integer that sources send as text when it exceeds 2^53 (e.g. PostgreSQL bigint).
  if (types.length === 2 && types.includes('integer') && types.includes('string') && property.format === 'int64') return { kind: 'int64' };
  if (types.length !== 1) return { kind: 'json' };
  switch (types[0]) {
    case 'integer':
      return { kind: 'int64' };
    case 'number':
      return { kind: 'double' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'string':
      if (property.format === 'date-time') return { kind: 'timestamp' };
      if (property.format === 'date') return { kind: 'date' };
      if (property.contentEncoding === 'base64') return { kind: 'binary' };
      return { kind: 'string' };
    default:
      return { kind: 'json' };
  }
}
