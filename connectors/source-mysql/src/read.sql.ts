// The SELECTs of a read, built from quoted identifiers and `?` parameters cast to the column's
// type: keyset ranges over the primary key for full refreshes, cursor order for incremental reads.
import { castParameter, type MysqlColumn, selectExpression } from './mysql-type.mapping';

export function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

export function tableName(table: { database: string; name: string }): string {
  return `${quoteIdentifier(table.database)}.${quoteIdentifier(table.name)}`;
}

export function selectList(columns: MysqlColumn[]): string {
  return columns.map((c) => selectExpression(c, quoteIdentifier(c.name))).join(', ');
}

export interface Query {
  sql: string;
  params: unknown[];
}

/**
 * The next `limit` rows in primary-key order after `after` (the key of the last row read), e.g. for
 * (a, b): `a > ? OR (a = ? AND b > ?)` — a form every MySQL and MariaDB version turns into a range
 * scan of the clustered index.
 */
export function keysetQuery(from: { select: string; from: string }, key: MysqlColumn[], after: unknown[] | undefined, limit: number): Query {
  const order = key.map((c) => quoteIdentifier(c.name)).join(', ');
  if (!after) return { sql: `SELECT ${from.select} FROM ${from.from} ORDER BY ${order} LIMIT ${limit}`, params: [] };
  const branches: string[] = [];
  const params: unknown[] = [];
  for (let i = 0; i < key.length; i++) {
    const terms = key.slice(0, i + 1).map((c, j) => `${quoteIdentifier(c.name)} ${j === i ? '>' : '='} ${castParameter(c)}`);
    params.push(...after.slice(0, i + 1));
    branches.push(terms.length === 1 ? terms[0]! : `(${terms.join(' AND ')})`);
  }
  return { sql: `SELECT ${from.select} FROM ${from.from} WHERE ${branches.join(' OR ')} ORDER BY ${order} LIMIT ${limit}`, params };
}

/** Rows after (or from, when `inclusive`) the cursor value, in cursor order; NULL cursors (first in order) only on the first read. */
export function incrementalQuery(from: { select: string; from: string }, cursor: MysqlColumn, after?: { value: string; inclusive: boolean }): Query {
  const column = quoteIdentifier(cursor.name);
  if (!after) return { sql: `SELECT ${from.select} FROM ${from.from} ORDER BY ${column}`, params: [] };
  return { sql: `SELECT ${from.select} FROM ${from.from} WHERE ${column} ${after.inclusive ? '>=' : '>'} ${castParameter(cursor)} ORDER BY ${column}`, params: [after.value] };
}

/** How many rows hold the cursor value: tells whether rows joined the last value read. */
export function boundaryCountQuery(table: string, cursor: MysqlColumn, value: string): Query {
  return { sql: `SELECT COUNT(*) AS n FROM ${table} WHERE ${quoteIdentifier(cursor.name)} = ${castParameter(cursor)}`, params: [value] };
}
