// From a stream's JSON Schema to PostgreSQL column types, and how an existing column widens when
// the stream's schema changes. Types are spelled as format_type() prints them, so a wanted type
// and a catalog type compare as strings. The keywords read here (see README "Stream schemas"):
// type, format (int16|int32|int64, float|double, decimal, date, time, date-time, uuid, duration,
// json), precision/scale (decimal), maxLength (varchar), airbyte_type (timestamp/time with or
// without time zone), contentEncoding base64 (binary), items (arrays).
import type { JsonObject } from '@tributary/protocol';

export type ColumnKind = 'json' | 'bytea' | 'array' | 'scalar';

/** The PostgreSQL type for a property's schema. Anything unclear lands in jsonb or text, never lost. */
export function columnTypeFor(schema: JsonObject | undefined): string {
  if (!schema || typeof schema !== 'object') return 'jsonb';
  const types = jsonTypes(schema);
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const airbyteType = typeof schema.airbyte_type === 'string' ? schema.airbyte_type : undefined;
  if (format === 'json' || airbyteType === 'json') return 'jsonb';
  if (types.length !== 1) {
    // A decimal or big integer may be sent as a string or a number: the exact type still holds both.
    if (types.length === 2 && types.includes('string') && (types.includes('integer') || types.includes('number')) && format) return scalarType(types.includes('integer') ? 'integer' : 'number', schema, format, airbyteType);
    return 'jsonb';
  }
  const type = types[0]!;
  if (type === 'array') {
    const items = schema.items;
    if (items && typeof items === 'object' && !Array.isArray(items)) {
      const element = columnTypeFor(items as JsonObject);
      // One-dimensional arrays of scalars become PostgreSQL arrays; nested or mixed ones jsonb.
      if (element !== 'jsonb' && !element.endsWith('[]')) return `${element}[]`;
    }
    return 'jsonb';
  }
  if (type === 'object') return 'jsonb';
  return scalarType(type, schema, format, airbyteType);
}

function scalarType(type: string, schema: JsonObject, format: string | undefined, airbyteType: string | undefined): string {
  switch (type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      if (format === 'int16') return 'smallint';
      if (format === 'int32') return 'integer';
      if (format === 'decimal' || airbyteType === 'big_integer') return 'numeric';
      return 'bigint';
    case 'number':
      if (format === 'float') return 'real';
      if (format === 'decimal') return decimalType(schema);
      return 'double precision';
    case 'string':
      return stringType(schema, format, airbyteType);
    default:
      return 'jsonb';
  }
}

function stringType(schema: JsonObject, format: string | undefined, airbyteType: string | undefined): string {
  if (schema.contentEncoding === 'base64') return 'bytea';
  switch (format) {
    case 'decimal':
      return decimalType(schema);
    case 'int64':
      return 'bigint';
    case 'date':
      return 'date';
    case 'time':
      return airbyteType === 'time_with_timezone' ? 'time with time zone' : 'time without time zone';
    case 'date-time':
      return airbyteType === 'timestamp_without_timezone' ? 'timestamp without time zone' : 'timestamp with time zone';
    case 'uuid':
      return 'uuid';
    case 'duration':
      return 'interval';
    default:
      break;
  }
  const max = schema.maxLength;
  if (typeof max === 'number' && Number.isInteger(max) && max > 0 && max <= 10_485_760) return `character varying(${max})`;
  return 'text';
}

function decimalType(schema: JsonObject): string {
  const { precision, scale } = schema;
  if (typeof precision === 'number' && Number.isInteger(precision) && precision >= 1 && precision <= 1000) {
    const s = typeof scale === 'number' && Number.isInteger(scale) && scale >= 0 && scale <= precision ? scale : 0;
    return `numeric(${precision},${s})`;
  }
  return 'numeric';
}

function jsonTypes(schema: JsonObject): string[] {
  const type = schema.type;
  const list = Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : typeof type === 'string' ? [type] : [];
  return list.filter((t) => t !== 'null');
}

/** How values of a column are encoded for COPY: what the column is, not what the record says. */
export function columnKind(sqlType: string): ColumnKind {
  if (sqlType === 'jsonb' || sqlType === 'json') return 'json';
  if (sqlType === 'bytea') return 'bytea';
  if (sqlType.endsWith('[]')) return 'array';
  return 'scalar';
}

const INTEGER_RANK = ['smallint', 'integer', 'bigint'];
const FLOAT_RANK = ['real', 'double precision'];
const TIME_RANK = ['date', 'timestamp without time zone', 'timestamp with time zone'];

const isNumeric = (t: string) => t === 'numeric' || t.startsWith('numeric(');
const varcharLength = (t: string) => (t.startsWith('character varying(') ? Number(t.slice(18, -1)) : undefined);

/**
 * The type an existing column must be altered to so that values of `wanted` fit without loss, or
 * undefined when the existing column already holds them. Never narrows: integer → bigint →
 * numeric, real → double precision, varchar(n) → varchar(m > n) → text, date → timestamp →
 * timestamptz; mixed families widen to numeric (numbers) or text (anything), jsonb stays jsonb.
 */
export function widenedType(existing: string, wanted: string): string | undefined {
  if (existing === wanted) return undefined;
  if (existing === 'text' || existing === 'jsonb') return undefined;
  const ei = INTEGER_RANK.indexOf(existing);
  const wi = INTEGER_RANK.indexOf(wanted);
  if (ei >= 0 && wi >= 0) return wi > ei ? wanted : undefined;
  const ef = FLOAT_RANK.indexOf(existing);
  const wf = FLOAT_RANK.indexOf(wanted);
  if (ef >= 0 && wf >= 0) return wf > ef ? wanted : undefined;
  const numberLike = (t: string) => INTEGER_RANK.includes(t) || FLOAT_RANK.includes(t) || isNumeric(t);
  if (numberLike(existing) && numberLike(wanted)) {
    if (existing === 'numeric') return undefined;
    if (isNumeric(existing) && isNumeric(wanted)) return widerDecimal(existing, wanted);
    // Integers into float, floats into integers or a bounded numeric: only unconstrained numeric holds both.
    if (existing === 'double precision' && INTEGER_RANK.slice(0, 2).includes(wanted)) return undefined;
    return 'numeric';
  }
  const ev = varcharLength(existing);
  const wv = varcharLength(wanted);
  if (ev !== undefined && wv !== undefined) return wv > ev ? wanted : undefined;
  const et = TIME_RANK.indexOf(existing);
  const wt = TIME_RANK.indexOf(wanted);
  if (et >= 0 && wt >= 0) return wt > et ? wanted : undefined;
  if (wanted === 'jsonb' && existing.endsWith('[]')) return 'jsonb';
  return 'text';
}

function widerDecimal(a: string, b: string): string | undefined {
  const parse = (t: string) => {
    const m = /^numeric\((\d+),(\d+)\)$/.exec(t);
    return m ? { p: Number(m[1]), s: Number(m[2]) } : undefined;
  };
  const x = parse(a);
  const y = parse(b);
  if (!x) return undefined; // unconstrained numeric holds everything
  if (!y) return 'numeric';
  const scale = Math.max(x.s, y.s);
  const digits = Math.max(x.p - x.s, y.p - y.s);
  const precision = Math.min(digits + scale, 1000);
  const result = `numeric(${precision},${scale})`;
  return result === a ? undefined : result;
}

/** The USING expression of an ALTER COLUMN ... TYPE that converts the old values. */
export function conversionExpression(column: string, from: string, to: string): string {
  if (to === 'jsonb') return from.endsWith('[]') ? `to_jsonb(${column})` : `to_jsonb(${column})`;
  if (to === 'text' && from === 'jsonb') return `${column} #>> '{}'`;
  return `${column}::${to}`;
}
