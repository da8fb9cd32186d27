// What the source asks information_schema: the tables and views of the database the user can
// read (information_schema lists only those), their columns with exact types, primary keys in key
// order, MariaDB's JSON columns (a LONGTEXT with a json_valid() check), and row estimates.
import type { MysqlColumn } from './mysql-type.mapping';
import type { MysqlSession } from './mysql.session';

export interface MysqlTable {
  database: string;
  name: string;
  /** BASE TABLE, SYSTEM VERSIONED (MariaDB) or VIEW. */
  kind: 'table' | 'view';
  columns: MysqlColumn[];
  primaryKey: string[];
  /** information_schema.TABLES.TABLE_ROWS: an estimate for InnoDB; 0 for views. */
  estimatedRows: number;
}

interface ColumnRow {
  table_name: string;
  table_type: string;
  table_rows: number | string | null;
  column_name: string;
  data_type: string;
  column_type: string;
  is_nullable: string;
  max_length: number | string | null;
  numeric_precision: number | string | null;
  numeric_scale: number | string | null;
}

const COLUMNS_SQL = `
SELECT t.TABLE_NAME AS table_name, t.TABLE_TYPE AS table_type, t.TABLE_ROWS AS table_rows,
  c.COLUMN_NAME AS column_name, LOWER(c.DATA_TYPE) AS data_type, LOWER(c.COLUMN_TYPE) AS column_type, c.IS_NULLABLE AS is_nullable,
  c.CHARACTER_MAXIMUM_LENGTH AS max_length, c.NUMERIC_PRECISION AS numeric_precision, c.NUMERIC_SCALE AS numeric_scale
FROM information_schema.TABLES t
JOIN information_schema.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME
WHERE t.TABLE_SCHEMA = ? AND t.TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED', 'VIEW') AND (? IS NULL OR t.TABLE_NAME = ?)
ORDER BY t.TABLE_NAME, c.ORDINAL_POSITION`;

const PRIMARY_KEYS_SQL = `
SELECT TABLE_NAME AS table_name, COLUMN_NAME AS column_name FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = ? AND CONSTRAINT_NAME = 'PRIMARY' AND (? IS NULL OR TABLE_NAME = ?)
ORDER BY TABLE_NAME, ORDINAL_POSITION`;

/** MariaDB names the table of a check constraint; MySQL (whose JSON is a type of its own) does not. */
const JSON_CHECKS_SQL = `
SELECT TABLE_NAME AS table_name, CHECK_CLAUSE AS check_clause FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = ? AND CHECK_CLAUSE LIKE 'json\\\\_valid(%' AND (? IS NULL OR TABLE_NAME = ?)`;

const toNumber = (value: number | string | null): number | undefined => (value === null || value === undefined ? undefined : Number(value));

/** The readable tables and views of `database` (or just `table`), sorted by name. */
export async function loadTables(session: MysqlSession, database: string, table?: string): Promise<MysqlTable[]> {
  const only = table ?? null;
  const rows = await session.query<ColumnRow>(COLUMNS_SQL, [database, only, only]);
  const keys = await session.query<{ table_name: string; column_name: string }>(PRIMARY_KEYS_SQL, [database, only, only]);
  const jsonColumns = new Set(
    (await session.query<{ table_name: string; check_clause: string }>(JSON_CHECKS_SQL, [database, only, only]).catch(() => []))
      .map((r) => ({ table: r.table_name, column: /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(r.check_clause)?.[1]?.replace(/``/g, '`') }))
      .filter((r) => r.column !== undefined)
      .map((r) => `${r.table}\0${r.column}`),
  );
  const tables = new Map<string, MysqlTable>();
  for (const row of rows) {
    let entry = tables.get(row.table_name);
    if (!entry) {
      entry = { database, name: row.table_name, kind: row.table_type === 'VIEW' ? 'view' : 'table', columns: [], primaryKey: [], estimatedRows: toNumber(row.table_rows) ?? 0 };
      tables.set(row.table_name, entry);
    }
    entry.columns.push({
      name: row.column_name,
      dataType: row.data_type,
      columnType: row.column_type,
      nullable: row.is_nullable === 'YES',
      maxLength: toNumber(row.max_length),
      precision: toNumber(row.numeric_precision),
      scale: toNumber(row.numeric_scale),
      json: row.data_type === 'json' || jsonColumns.has(`${row.table_name}\0${row.column_name}`),
    });
  }
  for (const key of keys) tables.get(key.table_name)?.primaryKey.push(key.column_name);
  return [...tables.values()];
}
