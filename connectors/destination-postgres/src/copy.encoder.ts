// Values to PostgreSQL COPY text format (tab-separated, \N for NULL, backslash escapes). This is
// the hot path of the destination: one function per column chosen once, plain string building.
import type { ColumnKind } from './column.type';

export const COPY_NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escapeChar = (c: string) => ESCAPES[c]!;
// PostgreSQL cannot store NUL in text or jsonb: it is dropped (documented) rather than failing the sync.
const NUL = /\0|\\u0000/g;

export function escapeCopyText(text: string): string {
  const clean = text.includes('\0') ? text.replace(/\0/g, '') : text;
  return SPECIAL.test(clean) ? clean.replace(SPECIAL_ALL, escapeChar) : clean;
}

export type CopyEncoder = (value: unknown) => string;

export function copyEncoder(kind: ColumnKind): CopyEncoder {
  switch (kind) {
    case 'json':
      return (value) => (value === null || value === undefined ? COPY_NULL : escapeCopyText(JSON.stringify(value).replace(NUL, '')));
    case 'bytea':
      return (value) => {
        if (value === null || value === undefined) return COPY_NULL;
        if (typeof value === 'string') return `\\\\x${Buffer.from(value, 'base64').toString('hex')}`;
        return escapeCopyText(JSON.stringify(value));
      };
    case 'array':
      return (value) => {
        if (value === null || value === undefined) return COPY_NULL;
        return escapeCopyText(Array.isArray(value) ? arrayLiteral(value) : String(value));
      };
    case 'scalar':
      return encodeScalar;
  }
}

export function encodeScalar(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return escapeCopyText(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 't' : 'f';
    case 'undefined':
      return COPY_NULL;
    default:
      return value === null ? COPY_NULL : escapeCopyText(JSON.stringify(value));
  }
}

/** A PostgreSQL array literal: every element double-quoted, NULL unquoted, nested arrays nested. */
export function arrayLiteral(values: unknown[]): string {
  const parts = values.map((element) => {
    if (element === null || element === undefined) return 'NULL';
    if (Array.isArray(element)) return arrayLiteral(element);
    const text = typeof element === 'object' ? JSON.stringify(element) : String(element);
    return `"${text.replace(/\0/g, '').replace(/["\\]/g, '\\$&')}"`;
  });
  return `{${parts.join(',')}}`;
}
