// Reading Parquet for the file source: one row group at a time (parquet-wasm decodes it into Arrow,
// apache-arrow walks the rows), so memory is bounded by a row group, whatever the file size. Values
// become JSON the rest of the platform understands — the inverse of the writer's column plan:
// INT64 → number (text beyond ±2^53), DECIMAL → text, TIMESTAMP → ISO 8601 UTC, DATE → YYYY-MM-DD,
// BINARY → base64, nested → JSON values. The file's schema becomes a stream's JSON Schema.
import { openAsBlob } from 'node:fs';
import { type DataType, type Field, tableFromIPC, Type } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { JsonObject } from '@tributary/protocol';

export interface ParquetRows {
  /** The JSON Schema of the rows (from the file's Arrow schema). */
  schema: JsonObject;
  /** Rows in file order, a row group at a time. */
  rows: AsyncGenerator<Record<string, unknown>>;
}

/** Opens a local Parquet file (fails with the library's error when it is not Parquet). */
export async function readParquetFile(path: string): Promise<ParquetRows> {
  const file = await parquet.ParquetFile.fromFile(await openAsBlob(path));
  const metadata = file.metadata();
  const groups = metadata.numRowGroups();
  metadata.free();
  let schema: JsonObject | undefined;
  let fields: Field[] = [];
  if (groups === 0) {
    const table = tableFromIPC((await file.read()).intoIPCStream());
    fields = table.schema.fields;
    schema = schemaOfFields(fields);
  }
  const first = groups > 0 ? tableFromIPC((await file.read({ rowGroups: [0] })).intoIPCStream()) : undefined;
  if (first) {
    fields = first.schema.fields;
    schema = schemaOfFields(fields);
  }
  async function* rows(): AsyncGenerator<Record<string, unknown>> {
    try {
      for (let group = 0; group < groups; group++) {
        const table = group === 0 && first ? first : tableFromIPC((await file.read({ rowGroups: [group] })).intoIPCStream());
        const columns = fields.map((field) => ({ name: field.name, type: field.type, vector: table.getChild(field.name) }));
        for (let index = 0; index < table.numRows; index++) {
          const row: Record<string, unknown> = {};
          for (const column of columns) row[column.name] = jsonValue(column.vector?.get(index), column.type);
          yield row;
        }
      }
    } finally {
      file.free();
    }
  }
  return { schema: schema ?? { type: 'object', properties: {} }, rows: rows() };
}

function schemaOfFields(fields: Field[]): JsonObject {
  return { type: 'object', properties: Object.fromEntries(fields.map((field) => [field.name, propertyOf(field.type)])) };
}

function propertyOf(type: DataType): JsonObject {
  const nullable = (t: string) => [t, 'null'];
  switch (type.typeId) {
    case Type.Int:
      return { type: nullable('integer') };
    case Type.Float:
      return { type: nullable('number') };
    case Type.Decimal:
      return { type: nullable('string'), precision: (type as unknown as { precision: number }).precision, scale: (type as unknown as { scale: number }).scale };
    case Type.Bool:
      return { type: nullable('boolean') };
    case Type.Timestamp:
      return { type: nullable('string'), format: 'date-time' };
    case Type.Date:
      return { type: nullable('string'), format: 'date' };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return { type: nullable('string'), contentEncoding: 'base64' };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { type: nullable('string') };
    case Type.List:
    case Type.FixedSizeList:
      return { type: nullable('array') };
    case Type.Struct:
    case Type.Map:
      return { type: nullable('object') };
    default:
      return {};
  }
}

const DAY_MS = 86_400_000;

function jsonValue(value: unknown, type: DataType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.typeId) {
    case Type.Int:
      return typeof value === 'bigint' ? (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString()) : value;
    case Type.Decimal:
      return decimalText(value, (type as unknown as { scale: number }).scale);
    case Type.Timestamp:
      return timestampText(value, (type as unknown as { unit: number }).unit);
    case Type.Date: {
      const ms = value instanceof Date ? value.getTime() : Number(value);
      return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
    }
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return Buffer.from(value as Uint8Array).toString('base64');
    case Type.Float:
    case Type.Bool:
    case Type.Utf8:
    case Type.LargeUtf8:
      return value;
    default:
      return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as unknown;
  }
}

/** Arrow JS gives a decimal as an object whose toString/valueOf is the unscaled integer. */
function decimalText(value: unknown, scale: number): string {
  let digits = typeof value === 'bigint' ? value.toString() : String(value);
  if (!/^-?\d+$/.test(digits)) return digits;
  if (scale <= 0) return digits;
  const negative = digits.startsWith('-');
  if (negative) digits = digits.slice(1);
  digits = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** Arrow JS gives timestamps as milliseconds (a float keeps the micro/nanoseconds). */
function timestampText(value: unknown, _unit: number): string {
  const ms = typeof value === 'bigint' ? Number(value) : Number(value);
  const whole = Math.floor(ms);
  const micros = Math.round((ms - whole) * 1000);
  const iso = new Date(whole).toISOString(); // …T12:34:56.789Z
  return micros > 0 ? `${iso.slice(0, -1)}${String(micros).padStart(3, '0')}Z` : iso;
}
