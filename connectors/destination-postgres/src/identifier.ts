// PostgreSQL identifiers from arbitrary stream and field names. Names are kept as they are (case,
// unicode, punctuation) and always double-quoted, so nothing a source sends is ever interpreted as
// SQL. PostgreSQL silently truncates identifiers past 63 bytes, which would make two long names
// collide; longer names are shortened deterministically instead: a prefix cut on a character
// boundary plus a hash of the whole name, so the same name always maps to the same identifier.
import { createHash } from 'node:crypto';

export const MAX_IDENTIFIER_BYTES = 63;
const HASH_CHARS = 10;

/** The identifier a name is stored under: the name itself if it fits, else `<prefix>_<hash>`. */
export function safeIdentifier(name: string): string {
  // NUL cannot appear in an identifier; everything else can once quoted.
  const clean = name.replace(/\0/g, '');
  if (clean.length > 0 && Buffer.byteLength(clean, 'utf8') <= MAX_IDENTIFIER_BYTES && clean === name) return clean;
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, HASH_CHARS);
  return `${truncateUtf8(clean, MAX_IDENTIFIER_BYTES - HASH_CHARS - 1)}_${hash}`;
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Double-quotes an identifier (inner quotes doubled): safe for any name. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."table"`. */
export function qualifiedName(schema: string, table: string): string {
  return `${quoteIdentifier(schema)}.${quoteIdentifier(table)}`;
}

/** A string literal for SQL text (standard_conforming_strings is on since PostgreSQL 9.1). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/\0/g, '').replace(/'/g, "''")}'`;
}

/** A short, stable hash for derived names (staging tables, indexes). */
export function shortHash(text: string, chars = 12): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, chars);
}
