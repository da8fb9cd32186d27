// The SQL this destination runs, built from already-safe identifiers: table creation with the
// metadata columns (DESIGN §4), schema evolution, the dedup merge, the overwrite swap and the
// checkpoint bookkeeping table. Pure functions, so every statement is unit-tested as text.
import { qualifiedName, quoteIdentifier, quoteLiteral } from './identifier';

/** Metadata columns every table carries, in COPY order after the data columns (deleted_at is left NULL). */
export const META_COLUMNS = {
  rawId: '_tributary_raw_id',
  extractedAt: '_tributary_extracted_at',
  syncId: '_tributary_sync_id',
  checkpoint: '_tributary_checkpoint',
  deletedAt: '_tributary_deleted_at',
} as const;

const META_DEFINITIONS = [
  `${META_COLUMNS.rawId} uuid NOT NULL`,
  `${META_COLUMNS.extractedAt} timestamp with time zone NOT NULL`,
  `${META_COLUMNS.syncId} text NOT NULL`,
  // Which commit of the sync wrote the row: lets a resumed attempt cut back to the committed position.
  `${META_COLUMNS.checkpoint} bigint NOT NULL`,
  `${META_COLUMNS.deletedAt} timestamp with time zone`,
];

export const RESERVED_COLUMNS: ReadonlySet<string> = new Set(Object.values(META_COLUMNS));

/** The bookkeeping table, in the configured default schema: one row per sync. */
export const CHECKPOINTS_TABLE = '_tributary_checkpoints';

export interface ColumnDefinition {
  /** Identifier (already shortened). */
  name: string;
  sqlType: string;
}

export function createTableSql(schema: string, table: string, columns: ColumnDefinition[]): string {
  const definitions = [...columns.map((c) => `${quoteIdentifier(c.name)} ${c.sqlType}`), ...META_DEFINITIONS];
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, table)} (${definitions.join(', ')})`;
}

export function addColumnSql(schema: string, table: string, column: ColumnDefinition): string {
  return `ALTER TABLE ${qualifiedName(schema, table)} ADD COLUMN IF NOT EXISTS ${quoteIdentifier(column.name)} ${column.sqlType}`;
}

export function alterColumnTypeSql(schema: string, table: string, column: string, to: string, using: string): string {
  return `ALTER TABLE ${qualifiedName(schema, table)} ALTER COLUMN ${quoteIdentifier(column)} TYPE ${to} USING ${using}`;
}

/** The column list of COPY FROM: data columns then the metadata the loader writes. */
/** COPY of `columns` and the metadata columns (raw id, extracted_at, sync id, checkpoint), as text or binary. */
export function copyFromSql(target: string, columns: string[], binary = false): string {
  const list = [...columns, META_COLUMNS.rawId, META_COLUMNS.extractedAt, META_COLUMNS.syncId, META_COLUMNS.checkpoint].map(quoteIdentifier).join(', ');
  return `COPY ${target} (${list}) FROM STDIN${binary ? ' (FORMAT binary)' : ''}`;
}

export function createCheckpointsTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${qualifiedName(schema, CHECKPOINTS_TABLE)} (sync_id text PRIMARY KEY, sequence bigint NOT NULL, published jsonb NOT NULL DEFAULT '[]', updated_at timestamp with time zone NOT NULL DEFAULT now())`;
}

export function upsertCheckpointSql(schema: string): string {
  return `INSERT INTO ${qualifiedName(schema, CHECKPOINTS_TABLE)} (sync_id, sequence, published, updated_at) VALUES ($1, $2, $3, now())
    ON CONFLICT (sync_id) DO UPDATE SET sequence = EXCLUDED.sequence, published = EXCLUDED.published, updated_at = now()`;
}

/**
 * Adds tables ($2, `[{schema, table}]`) to what a sync ($1) published, keeping its sequence and
 * the tables it published already (a sync's partitions publish beside the streams it wrote whole).
 */
export function addPublishedSql(schema: string): string {
  return `INSERT INTO ${qualifiedName(schema, CHECKPOINTS_TABLE)} AS c (sync_id, sequence, published, updated_at) VALUES ($1, 0, $2, now())
    ON CONFLICT (sync_id) DO UPDATE SET published = (SELECT jsonb_agg(DISTINCT t) FROM jsonb_array_elements(c.published || EXCLUDED.published) AS t), updated_at = now()`;
}

export interface MergeSpec {
  schema: string;
  table: string;
  /** A temp table with the final table's columns plus `_tributary_ordinal` (arrival order). */
  stage: string;
  /** Every column of the final table that the stage fills (data and metadata). */
  columns: string[];
  primaryKey: string[];
  cursor?: string;
}

export const ORDINAL_COLUMN = '_tributary_ordinal';

/**
 * Keeps, per primary key, the latest version by cursor (ties: the last to arrive) from the stage and
 * the final table. A NULL cursor counts as newest: without an order, arrival decides.
 */
export function mergeSql(spec: MergeSpec): string {
  const cols = spec.columns.map(quoteIdentifier);
  const pk = spec.primaryKey.map(quoteIdentifier);
  const cursor = spec.cursor ? quoteIdentifier(spec.cursor) : undefined;
  const order = [...pk, ...(cursor ? [`${cursor} DESC NULLS FIRST`] : []), `${quoteIdentifier(ORDINAL_COLUMN)} DESC`].join(', ');
  const updates = cols.filter((c) => !pk.includes(c)).map((c) => `${c} = EXCLUDED.${c}`);
  // The target is aliased so the conflict clause can name it whatever the table is called.
  const existing = quoteIdentifier('_tributary_existing');
  const newer = cursor ? ` WHERE EXCLUDED.${cursor} IS NULL OR ${existing}.${cursor} IS NULL OR EXCLUDED.${cursor} >= ${existing}.${cursor}` : '';
  return (
    `INSERT INTO ${qualifiedName(spec.schema, spec.table)} AS ${existing} (${cols.join(', ')}) ` +
    `SELECT ${cols.join(', ')} FROM (SELECT DISTINCT ON (${pk.join(', ')}) * FROM ${quoteIdentifier(spec.stage)} ORDER BY ${order}) AS s ` +
    `ON CONFLICT (${pk.join(', ')}) DO UPDATE SET ${updates.join(', ')}${newer}`
  );
}

/** The unique index dedup merges on; NULLS NOT DISTINCT (PostgreSQL 15+) so a NULL key still has one row. */
export function uniqueKeyIndexSql(schema: string, table: string, index: string, primaryKey: string[]): string {
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdentifier(index)} ON ${qualifiedName(schema, table)} (${primaryKey.map(quoteIdentifier).join(', ')}) NULLS NOT DISTINCT`;
}

/** Removes duplicate keys from a table that was loaded in another mode before, keeping the latest. */
export function removeDuplicateKeysSql(schema: string, table: string, primaryKey: string[], cursor: string | undefined): string {
  const target = qualifiedName(schema, table);
  const pk = primaryKey.map(quoteIdentifier).join(', ');
  const order = [...(cursor ? [`${quoteIdentifier(cursor)} DESC NULLS FIRST`] : []), `${META_COLUMNS.extractedAt} DESC`, 'ctid DESC'].join(', ');
  return `DELETE FROM ${target} WHERE ctid IN (SELECT ctid FROM (SELECT ctid, row_number() OVER (PARTITION BY ${pk} ORDER BY ${order}) AS rn FROM ${target}) AS d WHERE d.rn > 1)`;
}

/**
 * `_tributary_checkpoint` of the rows a partition of a scaled-out sync writes: the partition's
 * index in the high bits, its commit sequence in the low 32 (a sync that is not partitioned has
 * index 0), so each partition cuts back only its own rows.
 */
export const PARTITION_CHECKPOINT_BASE = 2 ** 32;

/**
 * Drops rows a resumed attempt will write again: those of commits after the resume position ($2),
 * below the end of the writer's checkpoint range ($3; see PARTITION_CHECKPOINT_BASE).
 */
export function deleteAfterCheckpointSql(schema: string, table: string): string {
  return `DELETE FROM ${qualifiedName(schema, table)} WHERE ${META_COLUMNS.syncId} = $1 AND ${META_COLUMNS.checkpoint} > $2 AND ${META_COLUMNS.checkpoint} < $3`;
}

/** Rebuilds an overwrite stage from the table it was swapped into, up to the resume position. */
export function restageSql(schema: string, stage: string, table: string): string[] {
  return [
    `CREATE TABLE ${qualifiedName(schema, stage)} (LIKE ${qualifiedName(schema, table)} INCLUDING DEFAULTS)`,
    `INSERT INTO ${qualifiedName(schema, stage)} SELECT * FROM ${qualifiedName(schema, table)} WHERE ${META_COLUMNS.syncId} = $1 AND ${META_COLUMNS.checkpoint} <= $2`,
  ];
}

/** The atomic overwrite: in the commit's transaction, the old table goes and the stage takes its name (and loses its stage mark). */
export function swapSql(schema: string, stage: string, table: string): string[] {
  return [
    `DROP TABLE IF EXISTS ${qualifiedName(schema, table)}`,
    `ALTER TABLE ${qualifiedName(schema, stage)} RENAME TO ${quoteIdentifier(table)}`,
    `COMMENT ON TABLE ${qualifiedName(schema, table)} IS NULL`,
  ];
}

/**
 * What an overwrite stage's comment says: which table it will replace. Stage names are hashes of
 * the sync, schema and table, so the comment is how `clear` finds the stages of a table.
 */
export function stageMark(schema: string, table: string): string {
  return JSON.stringify({ tributary_stage_of: { schema, table } });
}

export function markStageSql(schema: string, stage: string, table: string): string {
  return `COMMENT ON TABLE ${qualifiedName(schema, stage)} IS ${quoteLiteral(stageMark(schema, table))}`;
}

/**
 * Overwrite stages of a table in its schema: those marked as its stage, and those named after the
 * given sync ids (stages made before stages were marked). Parameters: $1 schema, $2 mark, $3 names.
 */
export const FIND_STAGES_SQL = `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relname LIKE '\\_tributary\\_tmp\\_%'
    AND (obj_description(c.oid, 'pg_class') = $2 OR c.relname = ANY($3::text[]))`;

/**
 * Bookkeeping rows of the syncs that wrote a cleared table (their partitions' rows, `<sync id>#<n>`,
 * too), or that published it. $1 sync ids, $2 `[{schema, table}]`.
 */
export function deleteCheckpointsSql(schema: string): string {
  return `DELETE FROM ${qualifiedName(schema, CHECKPOINTS_TABLE)} WHERE split_part(sync_id, '#', 1) = ANY($1::text[]) OR published @> $2::jsonb`;
}
