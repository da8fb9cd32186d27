// What the binary COPY tests share: a connection under the record path's session settings, the
// tuples of `COPY ... (FORMAT binary)` as a source sends them in a chunk (header and trailer cut off),
// and source-postgres's own text-to-value converters, the reference every decoded value must equal.
import { join } from 'node:path';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ChunkColumnType, JsonValue } from '@tributary/protocol';

/** The settings source-postgres reads under (postgres.session.ts): the text forms the record path sees. */
export const SESSION_SETTINGS = "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601'; SET bytea_output = 'hex'; SET extra_float_digits = 1";

export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query(SESSION_SETTINGS);
  return client;
}

export interface BinaryCopy {
  data: Buffer;
  rows: number;
  fields: number;
}

const HEADER_BYTES = 19;

/** The whole tuples of `COPY (<query>) TO STDOUT (FORMAT binary)`, without header and trailer. */
export async function copyBinary(client: Client, query: string): Promise<BinaryCopy> {
  const parts: Buffer[] = [];
  for await (const part of client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`)) as AsyncIterable<Buffer>) parts.push(part);
  const all = Buffer.concat(parts);
  const start = HEADER_BYTES + all.readUInt32BE(15); // header extension area
  const data = all.subarray(start, all.length - 2);
  if (all.readInt16BE(all.length - 2) !== -1) throw new Error('no COPY trailer');
  let rows = 0;
  let fields = 0;
  for (let p = 0; p < data.length; rows++) {
    fields = data.readInt16BE(p);
    p += 2;
    for (let f = 0; f < fields; f++) {
      const length = data.readInt32BE(p);
      p += 4 + Math.max(0, length);
    }
  }
  return { data, rows, fields };
}

export interface ColumnInfo {
  name: string;
  type: ChunkColumnType;
  /** What source-postgres's catalog query gives (for its converters). */
  elementName?: string;
  elementKind?: string;
}

/** The columns of a query as the source describes them: base type names, typmods, kinds. */
export async function columnsOf(client: Client, query: string): Promise<ColumnInfo[]> {
  const { fields } = await client.query(`SELECT * FROM (${query}) AS q LIMIT 0`);
  const columns: ColumnInfo[] = [];
  for (const field of fields) {
    const { rows } = await client.query<{ typname: string; typtype: string; element_name: string | null; element_kind: string | null }>(
      `SELECT t.typname, t.typtype, e.typname AS element_name, e.typtype AS element_kind FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typname LIKE '\\_%' WHERE t.oid = $1`,
      [field.dataTypeID],
    );
    const row = rows[0];
    columns.push({
      name: field.name,
      type: { typeName: row.typname, typmod: field.dataTypeModifier, typeKind: row.typtype },
      ...(row.element_name ? { elementName: row.element_name, elementKind: row.element_kind ?? 'b' } : {}),
    });
  }
  return columns;
}

/** Every value of a query as its text form (null for NULL), row by row: what the record path converts. */
export async function textValues(client: Client, query: string): Promise<(string | null)[][]> {
  const result = await client.query({ text: query, rowMode: 'array', types: { getTypeParser: () => (text: string) => text } });
  return result.rows as (string | null)[][];
}

type ValueConverter = (text: string) => JsonValue;
interface RecordPath {
  columnConverter(column: { name: string; typeName: string; typmod: number; typeKind: string; elementName?: string; elementKind?: string; notNull: boolean; sqlType: string }): ValueConverter;
}

/**
 * source-postgres's converters, loaded at run time: connectors may not import one another, but
 * the record path is what the binary decoders must reproduce, so it is the reference here.
 */
export async function recordPath(): Promise<RecordPath> {
  const modulePath = join(__dirname, '../../../connectors/source-postgres/src/pg-type.mapping');
  return (await import(modulePath)) as RecordPath;
}

/** The record path's value of a text form of this column. */
export function recordValue(path: RecordPath, column: ColumnInfo, text: string | null): JsonValue {
  if (text === null) return null;
  return path.columnConverter({ name: column.name, ...column.type, elementName: column.elementName, elementKind: column.elementKind, notNull: false, sqlType: column.type.typeName })(text);
}
