// The schema of a stream: inferred from a sample of rows, overridable per column, and applied to
// every row. Text values (CSV) are typed by what they look like — integer, number, boolean, date,
// date-time, else string; an empty field is null — and JSON values by their JSON type. Applying
// the schema converts text to the column's type and reports a value that does not fit as the
// reason the row is malformed.
import type { JsonObject } from '@tributary/protocol';

type Kind = 'integer' | 'number' | 'boolean' | 'date' | 'date-time' | 'string' | 'object' | 'array';

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;

function kindOfText(value: string): Kind {
  if (INTEGER.test(value) && Number.isSafeInteger(Number(value))) return 'integer';
  if (NUMBER.test(value)) return 'number';
  if (value === 'true' || value === 'false') return 'boolean';
  if (DATE.test(value)) return 'date';
  if (DATE_TIME.test(value)) return 'date-time';
  return 'string';
}

function kindOfJson(value: unknown): Kind {
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value === 'string' ? kindOfText(value) === 'date-time' ? 'date-time' : kindOfText(value) === 'date' ? 'date' : 'string' : 'string';
}

function merge(a: Kind | undefined, b: Kind): Kind {
  if (!a || a === b) return b;
  if ((a === 'integer' && b === 'number') || (a === 'number' && b === 'integer')) return 'number';
  if ((a === 'date' && b === 'date-time') || (a === 'date-time' && b === 'date')) return 'date-time';
  return 'string';
}

function property(kind: Kind | undefined): JsonObject {
  switch (kind) {
    case undefined:
      return { type: ['string', 'null'] };
    case 'date':
    case 'date-time':
      return { type: ['string', 'null'], format: kind };
    default:
      return { type: [kind, 'null'] };
  }
}

/** JSON Schema properties from sample rows; columns in order of first appearance. */
export function inferProperties(rows: Record<string, unknown>[], textValues: boolean): JsonObject {
  const kinds = new Map<string, Kind | undefined>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (!kinds.has(name)) kinds.set(name, undefined);
      if (value === null || value === undefined || (textValues && value === '')) continue;
      kinds.set(name, merge(kinds.get(name), textValues && typeof value === 'string' ? kindOfText(value) : kindOfJson(value)));
    }
  }
  return Object.fromEntries([...kinds].map(([name, kind]) => [name, property(kind)]));
}

function typesOf(schema: JsonObject): string[] {
  const declared = schema.type;
  return (Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]).filter((t): t is string => typeof t === 'string' && t !== 'null');
}

/** Converts one value to its column's type; throws a TypeError whose message is the reason. */
function coerce(value: unknown, schema: JsonObject, textValues: boolean): unknown {
  if (value === null || value === undefined || (textValues && value === '')) return null;
  const types = typesOf(schema);
  if (types.length !== 1) return value;
  const [type] = types;
  const text = typeof value === 'string' ? value.trim() : undefined;
  switch (type) {
    case 'integer':
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      if (text !== undefined && INTEGER.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : text;
      throw new TypeError(`expected an integer, got ${describe(value)}`);
    case 'number':
      if (typeof value === 'number') return value;
      if (text !== undefined && NUMBER.test(text)) return schema.precision !== undefined ? text : Number(text);
      throw new TypeError(`expected a number, got ${describe(value)}`);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (text !== undefined && /^(true|false)$/i.test(text)) return text.toLowerCase() === 'true';
      throw new TypeError(`expected a boolean, got ${describe(value)}`);
    case 'string':
      if (schema.format === 'date-time' && !(typeof value === 'string' && DATE_TIME.test(value.trim()))) throw new TypeError(`expected a date-time, got ${describe(value)}`);
      if (schema.format === 'date' && !(typeof value === 'string' && DATE.test(value.trim()))) throw new TypeError(`expected a date (YYYY-MM-DD), got ${describe(value)}`);
      if (schema.precision !== undefined && !(typeof value === 'number' || (text !== undefined && NUMBER.test(text)))) throw new TypeError(`expected a decimal, got ${describe(value)}`);
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    case 'object':
    case 'array':
      if (text !== undefined && textValues) {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          throw new TypeError(`expected JSON ${type === 'array' ? 'array' : 'object'}, got ${describe(value)}`);
        }
      }
      return value;
    default:
      return value;
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** The row typed by the schema's properties, or the reason it does not fit. Unknown columns pass as they are. */
export function applySchema(row: Record<string, unknown>, properties: Record<string, JsonObject>, textValues: boolean): { data: Record<string, unknown> } | { reason: string } {
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    const schema = properties[name];
    if (!schema) {
      data[name] = value;
      continue;
    }
    try {
      data[name] = coerce(value, schema, textValues);
    } catch (error) {
      return { reason: `column "${name}": ${(error as Error).message}` };
    }
  }
  return { data };
}
