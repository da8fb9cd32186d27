// What the source asks PostgreSQL's catalog: the readable tables and views of the chosen schemas,
// their columns with base types (domains resolved, enum labels, array elements) and primary keys.
import type { Client } from 'pg';
import type { PgColumn } from './pg-type.mapping';

export interface PgRelation {
  oid: number;
  schema: string;
  name: string;
  /** r table, p partitioned table, v view, m materialized view, f foreign table. */
  kind: string;
  columns: PgColumn[];
  primaryKey: string[];
  /** pg_class.reltuples (an estimate; -1 or 0 when never analysed). */
  estimatedRows: number;
}

const COLUMNS_SQL = `
WITH rel AS (
  SELECT c.oid, n.nspname, c.relname, c.relkind, c.reltuples
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition
    AND n.nspname = ANY($1::text[]) AND ($2::oid IS NULL OR c.oid = $2::oid)
    AND has_table_privilege(c.oid, 'SELECT')
), col AS (
  SELECT rel.oid AS relid, a.attnum, a.attname, a.attnotnull,
    CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END AS type_oid,
    CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
    format_type(a.atttypid, a.atttypmod) AS sql_type
  FROM rel JOIN pg_attribute a ON a.attrelid = rel.oid AND a.attnum > 0 AND NOT a.attisdropped
  JOIN pg_type t ON t.oid = a.atttypid
)
SELECT rel.oid::int AS oid, rel.nspname AS schema, rel.relname AS name, rel.relkind AS kind, rel.reltuples::float8 AS estimated_rows,
  col.attname AS column, col.attnotnull AS not_null, col.typmod, col.sql_type,
  bt.typname AS type_name, bt.typtype AS type_kind,
  COALESCE(eb.typname, et.typname) AS element_name, COALESCE(eb.typtype, et.typtype) AS element_kind,
  (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_enum e
     WHERE e.enumtypid = CASE WHEN bt.typtype = 'e' THEN bt.oid ELSE COALESCE(eb.oid, et.oid) END) AS enum_labels,
  COALESCE((SELECT array_position(i.indkey::int2[], col.attnum) FROM pg_index i WHERE i.indrelid = rel.oid AND i.indisprimary), -1) AS pk_position
FROM rel JOIN col ON col.relid = rel.oid
JOIN pg_type bt ON bt.oid = col.type_oid
LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
LEFT JOIN pg_type eb ON et.typtype = 'd' AND eb.oid = et.typbasetype
ORDER BY rel.nspname, rel.relname, col.attnum`;

interface Row {
  oid: number;
  schema: string;
  name: string;
  kind: string;
  estimated_rows: number;
  column: string;
  not_null: boolean;
  typmod: number;
  sql_type: string;
  type_name: string;
  type_kind: string;
  element_name: string | null;
  element_kind: string | null;
  enum_labels: string[] | null;
  pk_position: number | null;
}

/** Relations of `schemas` (or only relation `oid`), with their columns in table order. */
export async function loadRelations(client: Client, schemas: string[], oid?: number): Promise<PgRelation[]> {
  const { rows } = await client.query<Row>(COLUMNS_SQL, [schemas, oid ?? null]);
  const relations = new Map<number, PgRelation & { keyed: [number, string][] }>();
  for (const row of rows) {
    let relation = relations.get(row.oid);
    if (!relation) {
      relation = { oid: row.oid, schema: row.schema, name: row.name, kind: row.kind, columns: [], primaryKey: [], estimatedRows: row.estimated_rows, keyed: [] };
      relations.set(row.oid, relation);
    }
    relation.columns.push({
      name: row.column,
      typeName: row.type_name,
      typmod: row.typmod,
      typeKind: row.type_kind,
      ...(row.element_name ? { elementName: row.element_name, elementKind: row.element_kind ?? 'b' } : {}),
      ...(row.enum_labels ? { enumLabels: row.enum_labels } : {}),
      notNull: row.not_null,
      sqlType: row.sql_type,
    });
    if (row.pk_position !== null && row.pk_position >= 0) relation.keyed.push([row.pk_position, row.column]);
  }
  return [...relations.values()].map(({ keyed, ...relation }) => ({ ...relation, primaryKey: keyed.sort((a, b) => a[0] - b[0]).map(([, name]) => name) }));
}

/** The oid of `schema.name` when it exists and is readable. */
export async function findRelation(client: Client, schema: string, name: string): Promise<number | undefined> {
  const { rows } = await client.query<{ oid: number | null }>(
    "SELECT c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r','p','v','m','f')",
    [schema, name],
  );
  return rows[0]?.oid ?? undefined;
}
