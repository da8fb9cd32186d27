// MySQL / MariaDB column types to stream schemas, and the converter that turns a value as the
// driver hands it over (see connectionOptions: big integers, decimals, dates and times as the
// server prints them, JSON as text, binary as buffers) into a JSON value. Nothing is rounded:
// decimals and unsigned bigints are strings, signed bigints beyond 2^53 are strings, datetimes keep
// their microseconds, binary goes as base64. Keywords are documented in README "Types".
import type { JsonObject, JsonValue } from '@tributary/protocol';

/** A column as information_schema describes it. */
export interface MysqlColumn {
  name: string;
  /** DATA_TYPE, lower case: int, bigint, decimal, varchar, datetime, enum, … */
  dataType: string;
  /** COLUMN_TYPE, lower case: `tinyint(1)`, `bigint(20) unsigned`, `enum('a','b')`, … */
  columnType: string;
  nullable: boolean;
  /** Characters (CHARACTER_MAXIMUM_LENGTH) of char/varchar. */
  maxLength?: number;
  precision?: number;
  scale?: number;
  /** MariaDB's JSON is a LONGTEXT with a json_valid() check. */
  json: boolean;
}

export type RawValue = string | number | Buffer;
export type ValueConverter = (value: RawValue) => JsonValue;

const asText: ValueConverter = (value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value));
const toNumber: ValueConverter = (value) => Number(value);
/** Signed bigint: a number while it is exact, else the digits. */
const toBigInteger: ValueConverter = (value) => {
  const text = String(value);
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
};
const toBoolean: ValueConverter = (value) => Number(value) !== 0;
const toBase64: ValueConverter = (value) => (Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'utf8')).toString('base64');
const toJson: ValueConverter = (value) => JSON.parse(asText(value) as string) as JsonValue;
/** BIT(n) arrives as n bits big-endian: bit(1) is a boolean, wider ones an integer (digits beyond 2^53). */
const bitValue = (value: RawValue): bigint => (Buffer.isBuffer(value) ? value.reduce((n, byte) => (n << 8n) | BigInt(byte), 0n) : BigInt(value));
const toBitBoolean: ValueConverter = (value) => bitValue(value) !== 0n;
const toBitInteger: ValueConverter = (value) => {
  const n = bitValue(value);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
};
/** `2024-01-02 03:04:05.123456` → `2024-01-02T03:04:05.123456`; MySQL's zero dates have no instant: null. */
const toDateTime: ValueConverter = (value) => (isZeroDate(value) ? null : `${String(value).slice(0, 10)}T${String(value).slice(11)}`);
/** TIMESTAMP in the session's UTC → RFC 3339 with `Z`. */
const toTimestamp: ValueConverter = (value) => (isZeroDate(value) ? null : `${String(value).slice(0, 10)}T${String(value).slice(11)}Z`);
const toDate: ValueConverter = (value) => (isZeroDate(value) ? null : String(value));

function isZeroDate(value: RawValue): boolean {
  const text = String(value);
  // 0000-00-00, and dates with a zero month or day (allowed without NO_ZERO_IN_DATE).
  return text.startsWith('0000-') || text.slice(5, 7) === '00' || text.slice(8, 10) === '00';
}

interface TypeRule {
  schema: (column: MysqlColumn) => JsonObject;
  convert: (column: MysqlColumn) => ValueConverter;
  /** Orderable exactly, so usable as an incremental cursor or a key range. */
  cursor?: boolean;
  /** Values may be NULL even in a NOT NULL column (zero dates). */
  alwaysNullable?: boolean;
}

const unsigned = (column: MysqlColumn) => column.columnType.includes('unsigned');
const integer = (format: string): TypeRule => ({ schema: () => ({ type: 'integer', format }), convert: () => toNumber, cursor: true });

const RULES: Record<string, TypeRule> = {
  tinyint: {
    schema: (c): JsonObject => (isBooleanColumn(c) ? { type: 'boolean' } : { type: 'integer', format: 'int16' }),
    convert: (c) => (isBooleanColumn(c) ? toBoolean : toNumber),
    cursor: true,
  },
  smallint: { schema: (c) => ({ type: 'integer', format: unsigned(c) ? 'int32' : 'int16' }), convert: () => toNumber, cursor: true },
  mediumint: integer('int32'),
  int: { schema: (c) => ({ type: 'integer', format: unsigned(c) ? 'int64' : 'int32' }), convert: () => toNumber, cursor: true },
  integer: { schema: (c) => ({ type: 'integer', format: unsigned(c) ? 'int64' : 'int32' }), convert: () => toNumber, cursor: true },
  bigint: {
    // Unsigned bigints reach 2^64 - 1, beyond int64: exact digits, a numeric(20,0) in a database.
    schema: (c): JsonObject => (unsigned(c) ? { type: 'string', format: 'decimal', precision: 20, scale: 0 } : { type: ['integer', 'string'], format: 'int64' }),
    convert: (c) => (unsigned(c) ? asText : toBigInteger),
    cursor: true,
  },
  year: { schema: () => ({ type: 'integer', format: 'int16' }), convert: () => toNumber, cursor: true },
  decimal: {
    schema: (c) => ({ type: 'string', format: 'decimal', ...(c.precision !== undefined ? { precision: c.precision, scale: c.scale ?? 0 } : {}) }),
    convert: () => asText,
    cursor: true,
  },
  float: { schema: () => ({ type: 'number', format: 'float' }), convert: () => toNumber },
  double: { schema: () => ({ type: 'number', format: 'double' }), convert: () => toNumber },
  bit: {
    schema: (c): JsonObject => (bitWidth(c) === 1 ? { type: 'boolean' } : bitWidth(c) <= 53 ? { type: 'integer', format: 'int64' } : { type: ['integer', 'string'], format: 'int64' }),
    convert: (c) => (bitWidth(c) === 1 ? toBitBoolean : toBitInteger),
  },
  date: { schema: () => ({ type: 'string', format: 'date' }), convert: () => toDate, cursor: true, alwaysNullable: true },
  datetime: {
    schema: () => ({ type: 'string', format: 'date-time', airbyte_type: 'timestamp_without_timezone' }),
    convert: () => toDateTime,
    cursor: true,
    alwaysNullable: true,
  },
  timestamp: {
    schema: () => ({ type: 'string', format: 'date-time', airbyte_type: 'timestamp_with_timezone' }),
    convert: () => toTimestamp,
    cursor: true,
    alwaysNullable: true,
  },
  // TIME is a time of day or a duration (-838:59:59 to 838:59:59): kept as the server prints it.
  time: { schema: () => ({ type: 'string', format: 'time', airbyte_type: 'time_without_timezone' }), convert: () => asText },
  char: { schema: (c) => ({ type: 'string', ...(c.maxLength ? { maxLength: c.maxLength } : {}) }), convert: () => asText },
  varchar: { schema: (c) => ({ type: 'string', ...(c.maxLength ? { maxLength: c.maxLength } : {}) }), convert: () => asText },
  binary: { schema: () => ({ type: 'string', contentEncoding: 'base64' }), convert: () => toBase64 },
  varbinary: { schema: () => ({ type: 'string', contentEncoding: 'base64' }), convert: () => toBase64 },
  tinyblob: { schema: () => ({ type: 'string', contentEncoding: 'base64' }), convert: () => toBase64 },
  blob: { schema: () => ({ type: 'string', contentEncoding: 'base64' }), convert: () => toBase64 },
  mediumblob: { schema: () => ({ type: 'string', contentEncoding: 'base64' }), convert: () => toBase64 },
  longblob: { schema: () => ({ type: 'string', contentEncoding: 'base64' }), convert: () => toBase64 },
  json: { schema: () => ({ format: 'json' }), convert: () => toJson },
  enum: { schema: (c) => ({ type: 'string', enum: enumLabels(c.columnType) }), convert: () => asText },
  // A SET value is its members joined by commas, as MySQL prints it.
  set: { schema: () => ({ type: 'string' }), convert: () => asText },
  uuid: { schema: () => ({ type: 'string', format: 'uuid' }), convert: () => asText },
};

const TEXT_RULE: TypeRule = { schema: () => ({ type: 'string' }), convert: () => asText };
const GEOMETRY_TYPES = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

function ruleOf(column: MysqlColumn): TypeRule {
  if (column.json) return RULES.json!;
  return RULES[column.dataType] ?? TEXT_RULE;
}

/** MySQL's BOOLEAN is tinyint(1); so is any column declared that way. */
function isBooleanColumn(column: MysqlColumn): boolean {
  return /^tinyint\(1\)/.test(column.columnType);
}

function bitWidth(column: MysqlColumn): number {
  const match = /^bit\((\d+)\)/.exec(column.columnType);
  return match ? Number(match[1]) : 1;
}

/** The labels of `enum('a','it''s','x,y')`, quotes undoubled. */
export function enumLabels(columnType: string): string[] {
  const body = columnType.slice(columnType.indexOf('(') + 1, columnType.lastIndexOf(')'));
  return [...body.matchAll(/'((?:[^'\\]|''|\\.)*)'/g)].map((m) => m[1]!.replace(/''/g, "'").replace(/\\(.)/g, '$1'));
}

/** The property schema of a column; nullable columns (and date types, for zero dates) add "null". */
export function columnSchema(column: MysqlColumn): JsonObject {
  const rule = ruleOf(column);
  const schema = rule.schema(column);
  if (!(column.nullable || rule.alwaysNullable) || schema.type === undefined) return schema;
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  const withNull: JsonObject = { ...schema, type: [...types, 'null'] };
  if (Array.isArray(schema.enum)) withNull.enum = [...(schema.enum as JsonValue[]), null];
  return withNull;
}

export function columnConverter(column: MysqlColumn): ValueConverter {
  return ruleOf(column).convert(column);
}

/** Whether values order exactly (integers, decimals, dates and times of day): a cursor or key range can use it. */
export function isOrderable(column: MysqlColumn): boolean {
  return !column.json && ruleOf(column).cursor === true;
}

/** Text and binary columns may be primary keys too: keyset paging only needs a total order. */
export function isKeyable(column: MysqlColumn): boolean {
  return isOrderable(column) || ['char', 'varchar', 'binary', 'varbinary', 'enum', 'uuid'].includes(column.dataType);
}

/** How a column is selected: geometries as WKT text, everything else as stored. */
export function selectExpression(column: MysqlColumn, quoted: string): string {
  return GEOMETRY_TYPES.has(column.dataType) ? `ST_AsText(${quoted}) AS ${quoted}` : quoted;
}

/**
 * A parameter compared with the column, cast to the column's type: MySQL compares an integer
 * column with a string as doubles, which rounds big values.
 */
export function castParameter(column: MysqlColumn): string {
  switch (column.dataType) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'bigint':
    case 'year':
      return unsigned(column) ? 'CAST(? AS UNSIGNED)' : 'CAST(? AS SIGNED)';
    case 'decimal':
      return `CAST(? AS DECIMAL(${column.precision ?? 65},${column.scale ?? 0}))`;
    case 'date':
      return 'CAST(? AS DATE)';
    case 'datetime':
    case 'timestamp':
      return 'CAST(? AS DATETIME(6))';
    default:
      return '?';
  }
}
