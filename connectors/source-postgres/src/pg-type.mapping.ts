// PostgreSQL column types to stream schemas and to the converter that turns a value's text form
// (as COPY prints it under the session settings of postgres.session.ts) into a JSON value.
// Nothing is rounded: numerics are strings, bigints beyond 2^53 are strings, floats keep their
// shortest exact form, timestamps keep their microseconds. Keywords are documented in README.
import { binaryCopyDecodable } from '@tributary/connector-sdk/postgres';
import type { ChunkColumnType, JsonObject, JsonValue, RecordChunkFormat } from '@tributary/protocol';

/** A column as the catalog describes it (domains already resolved to their base type). */
export interface PgColumn {
  name: string;
  /** pg_type.typname of the base type, e.g. int4, numeric, _text (arrays start with _). */
  typeName: string;
  /** typmod of the base type (-1 when none). */
  typmod: number;
  /** 'e' for enums, 'b' base, 'c' composite, 'r' range, ... */
  typeKind: string;
  /** For arrays: the element's base type name and kind. */
  elementName?: string;
  elementKind?: string;
  enumLabels?: string[];
  notNull: boolean;
  /** format_type() text, e.g. "numeric(12,2)": used to cast cursor literals. */
  sqlType: string;
}

export type ValueConverter = (text: string) => JsonValue;

const MAX_SAFE_DIGITS = 15;

const toInteger: ValueConverter = (text) => Number(text);
const toBigInteger: ValueConverter = (text) => {
  if (text.length <= MAX_SAFE_DIGITS) return Number(text);
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
};
const toFloat: ValueConverter = (text) => {
  const value = Number(text);
  // NaN and ±Infinity have no JSON number: they travel as PostgreSQL spells them.
  return Number.isFinite(value) ? value : text;
};
const toBoolean: ValueConverter = (text) => text === 't';
const toJson: ValueConverter = (text) => JSON.parse(text) as JsonValue;
const toBase64: ValueConverter = (text) => Buffer.from(text.slice(2), 'hex').toString('base64');
const asText: ValueConverter = (text) => text;
/** `2024-01-02 03:04:05.5+00` → `2024-01-02T03:04:05.5Z` (RFC 3339); infinity and BC dates stay as printed. */
const toTimestamp: ValueConverter = (text) => {
  if (text.length < 19 || text.charCodeAt(10) !== 32 || text.endsWith(' BC')) return text;
  const iso = `${text.slice(0, 10)}T${text.slice(11)}`;
  return iso.endsWith('+00') ? `${iso.slice(0, -3)}Z` : iso;
};

interface TypeRule {
  schema: (column: { typmod: number }) => JsonObject;
  convert: ValueConverter;
}

const RULES: Record<string, TypeRule> = {
  int2: { schema: () => ({ type: 'integer', format: 'int16' }), convert: toInteger },
  int4: { schema: () => ({ type: 'integer', format: 'int32' }), convert: toInteger },
  oid: { schema: () => ({ type: 'integer', format: 'int64' }), convert: toInteger },
  int8: { schema: () => ({ type: ['integer', 'string'], format: 'int64' }), convert: toBigInteger },
  numeric: { schema: ({ typmod }) => ({ type: 'string', format: 'decimal', ...numericPrecision(typmod) }), convert: asText },
  float4: { schema: () => ({ type: 'number', format: 'float' }), convert: toFloat },
  float8: { schema: () => ({ type: 'number', format: 'double' }), convert: toFloat },
  bool: { schema: () => ({ type: 'boolean' }), convert: toBoolean },
  uuid: { schema: () => ({ type: 'string', format: 'uuid' }), convert: asText },
  date: { schema: () => ({ type: 'string', format: 'date' }), convert: asText },
  time: { schema: () => ({ type: 'string', format: 'time', airbyte_type: 'time_without_timezone' }), convert: asText },
  timetz: { schema: () => ({ type: 'string', format: 'time', airbyte_type: 'time_with_timezone' }), convert: asText },
  timestamp: { schema: () => ({ type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' }), convert: toTimestamp },
  timestamptz: { schema: () => ({ type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' }), convert: toTimestamp },
  interval: { schema: () => ({ type: 'string', format: 'duration' }), convert: asText },
  json: { schema: () => ({ format: 'json' }), convert: toJson },
  jsonb: { schema: () => ({ format: 'json' }), convert: toJson },
  bytea: { schema: () => ({ type: 'string', contentEncoding: 'base64' }), convert: toBase64 },
  varchar: { schema: ({ typmod }) => ({ type: 'string', ...(typmod > 4 ? { maxLength: typmod - 4 } : {}) }), convert: asText },
  bpchar: { schema: ({ typmod }) => ({ type: 'string', ...(typmod > 4 ? { maxLength: typmod - 4 } : {}) }), convert: asText },
};

const TEXT_RULE: TypeRule = { schema: () => ({ type: 'string' }), convert: asText };

function numericPrecision(typmod: number): JsonObject {
  if (typmod < 4) return {};
  const packed = typmod - 4;
  const scale = packed & 0x7ff;
  // Scales are 11-bit signed since PostgreSQL 15 (negative scale rounds left of the point).
  const signedScale = scale > 1023 ? scale - 2048 : scale;
  return { precision: (packed >> 16) & 0xffff, scale: Math.max(0, signedScale) };
}

function ruleFor(name: string, kind: string | undefined, labels: string[] | undefined): TypeRule {
  if (kind === 'e') return { schema: () => ({ type: 'string', ...(labels ? { enum: labels } : {}) }), convert: asText };
  return RULES[name] ?? TEXT_RULE;
}

/** The stream schema of a column: `type` gets "null" unless the column is NOT NULL. */
export function columnSchema(column: PgColumn): JsonObject {
  let schema: JsonObject;
  if (column.typeName.startsWith('_') && column.elementName) {
    const element = ruleFor(column.elementName, column.elementKind, column.enumLabels).schema({ typmod: column.typmod });
    schema = { type: 'array', items: nullable(element) };
  } else {
    schema = ruleFor(column.typeName, column.typeKind, column.enumLabels).schema({ typmod: column.typmod });
  }
  return column.notNull ? schema : nullable(schema);
}

function nullable(schema: JsonObject): JsonObject {
  if (schema.type === undefined) return schema; // any JSON value, null included
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  return { ...schema, type: [...types, 'null'] };
}

export function columnConverter(column: PgColumn): ValueConverter {
  if (column.typeName.startsWith('_') && column.elementName) {
    const element = ruleFor(column.elementName, column.elementKind, column.enumLabels).convert;
    return (text) => parseArray(text, element);
  }
  return ruleFor(column.typeName, column.typeKind, column.enumLabels).convert;
}

/**
 * Parses a PostgreSQL array literal (`{1,NULL,"a b",{2,3}}`, optionally with `[1:2]=` bounds)
 * into nested arrays, converting each element with `convert`.
 */
export function parseArray(text: string, convert: ValueConverter): JsonValue {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0;
  const parseLevel = (): JsonValue[] => {
    const out: JsonValue[] = [];
    i++; // '{'
    while (i < text.length) {
      const c = text[i];
      if (c === '}') {
        i++;
        return out;
      }
      if (c === ',') {
        i++;
        continue;
      }
      if (c === '{') {
        out.push(parseLevel());
        continue;
      }
      if (c === '"') {
        let value = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          value += text[i];
          i++;
        }
        i++;
        out.push(convert(value));
        continue;
      }
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
      const raw = text.slice(i, end);
      out.push(raw === 'NULL' ? null : convert(raw));
      i = end;
    }
    return out;
  };
  return parseLevel();
}

/**
 * Types whose COPY text (under the session settings of postgres.session.ts) a PostgreSQL
 * destination loads, into the column type the stream schema gives it, as the same value the
 * record path stores. Left out: json (may hold \u0000, which the record path drops and jsonb
 * refuses) and arrays of json, jsonb or bytea (the record path stores those differently).
 */
function textChunkSafe(column: PgColumn): boolean {
  if (column.typeName.startsWith('_') && column.elementName) return !['json', 'jsonb', 'bytea'].includes(column.elementName);
  return column.typeName !== 'json';
}

/** The first of the offered bulk formats that carries every column faithfully, if any. */
export function chunkFormatFor(columns: PgColumn[], offered: readonly RecordChunkFormat[]): RecordChunkFormat | undefined {
  return offered.find((format) =>
    format === 'postgres_copy_text'
      ? columns.every(textChunkSafe)
      : columns.every((c) => binaryCopyDecodable(chunkColumnType(c))),
  );
}

/** A column's type as chunks describe it to the destination. */
export function chunkColumnType(column: PgColumn): ChunkColumnType {
  return { typeName: column.typeName, typmod: column.typmod, typeKind: column.typeKind };
}
