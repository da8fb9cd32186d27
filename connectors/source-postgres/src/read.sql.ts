// The SELECTs the source wraps in COPY (which takes no parameters, hence literals quoted here).
import type { PgColumn } from './pg-type.mapping';

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

export function tableName(relation: { schema: string; name: string }): string {
  return `${quoteIdentifier(relation.schema)}.${quoteIdentifier(relation.name)}`;
}

export function selectList(columns: PgColumn[]): string {
  return columns.map((c) => quoteIdentifier(c.name)).join(', ');
}

/** Rows of blocks [from, to): a TID range scan (PostgreSQL 14+), no sort, no index needed. */
export function blockRangeQuery(reader: { select: string; table: string }, from: number, to: number): string {
  return `SELECT ${reader.select} FROM ${reader.table} WHERE ctid >= '(${from},0)'::tid AND ctid < '(${to},0)'::tid`;
}

/** Rows after (or from, when `inclusive`) the cursor value, in cursor order; NULL cursors only on the first read. */
export function incrementalQuery(reader: { select: string; table: string }, cursor: PgColumn, after?: { value: string; inclusive: boolean }): string {
  const column = quoteIdentifier(cursor.name);
  const where = after ? ` WHERE ${column} ${after.inclusive ? '>=' : '>'} ${quoteLiteral(after.value)}::${cursor.sqlType}` : '';
  // NULL cursors come first on a first read. Where there can be none (a NOT NULL column, or a
  // comparison that excludes them) the plain order is the same and matches a default index on the
  // cursor, which PostgreSQL can then read in order instead of sorting the rows.
  const nullsFirst = !after && !cursor.notNull ? ' NULLS FIRST' : '';
  return `SELECT ${reader.select} FROM ${reader.table}${where} ORDER BY ${column} ASC${nullsFirst}`;
}
