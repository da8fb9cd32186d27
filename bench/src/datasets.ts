// The benchmark's datasets, generated inside PostgreSQL with generate_series (no rows cross the
// wire while preparing). Every value is a hash of the row number and the seed
// (`hashint8extended(i, seed)`, `md5(seed:i)`), so one seed always gives the same table, whatever
// the server's parallelism — `random()` would not.
import type { Client } from 'pg';

export const ORDERS_TABLE = 'orders';
export const WIDE_TABLE = 'wide';

export interface DatasetInfo {
  table: string;
  rows: number;
  /** pg_table_size: heap + TOAST, what a full read has to scan. */
  tableBytes: number;
  /** Average bytes of a row as text (its composite text form, ≈ COPY text), over the first 20,000 rows. */
  avgRowBytes: number;
  prepareSeconds: number;
}

/** h(k): a deterministic bigint hash of the row number for the k-th column. */
const h = (seed: number, k: number): string => `hashint8extended(i, ${seed * 100 + k})`;
/** A deterministic 32-character hex string for the k-th text column. */
const m = (seed: number, k: number): string => `md5('${seed}:${k}:' || i)`;

/**
 * The "orders" table of ELT benchmarks, ~250 bytes a row: 12 columns of the everyday types, an
 * index on `updated_at` (the cursor of the incremental scenario, as a real table would have).
 */
export function ordersSql(rows: number, seed: number, table = ORDERS_TABLE): string {
  return `
    DROP TABLE IF EXISTS ${table};
    CREATE TABLE ${table} (
      id bigint NOT NULL,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      user_id bigint NOT NULL,
      amount numeric(12,2) NOT NULL,
      quantity integer NOT NULL,
      status text NOT NULL,
      email text NOT NULL,
      description text,
      score double precision,
      is_active boolean NOT NULL,
      ref uuid NOT NULL
    );
    INSERT INTO ${table}
    SELECT i,
           created_at,
           created_at + (abs(${h(seed, 1)}) % 86400) * interval '1 second',
           user_id,
           (abs(${h(seed, 2)}) % 10000000) / 100.0,
           1 + abs(${h(seed, 3)}) % 20,
           (ARRAY['pending','paid','shipped','delivered','cancelled','refunded'])[1 + abs(${h(seed, 4)}) % 6],
           'user' || user_id || '@example.com',
           ${m(seed, 5)} || ' ' || ${m(seed, 6)} || ' ' || ${m(seed, 7)},
           (abs(${h(seed, 8)}) % 1000000) / 1000.0,
           ${h(seed, 9)} % 2 = 0,
           ${m(seed, 10)}::uuid
    FROM (
      SELECT i,
             timestamptz '2024-01-01 00:00:00+00' + i * interval '3 second' AS created_at,
             abs(${h(seed, 0)}) % 1000000 AS user_id
      FROM generate_series(1, ${rows}) AS i
    ) AS g;
    ALTER TABLE ${table} ADD PRIMARY KEY (id);
    CREATE INDEX ${table}_updated_at_idx ON ${table} (updated_at);
  `;
}

/** One value in ten of a nullable column is NULL. */
const nullable = (seed: number, k: number, expression: string): string => `CASE WHEN abs(${h(seed, 50 + k)}) % 10 = 0 THEN NULL ELSE ${expression} END`;

/**
 * The wide table: every type the PostgreSQL source supports, a ~1 KB jsonb document, bytea, arrays,
 * an enum, and 10% NULLs in every nullable column.
 */
export function wideSql(rows: number, seed: number, table = WIDE_TABLE): string {
  const item = (k: number): string =>
    `'{"sku":"' || ${m(seed, 20 + k)} || '","qty":' || (abs(${h(seed, 20 + k)}) % 50) || ',"price":' || ((abs(${h(seed, 30 + k)}) % 100000) / 100.0) || ',"note":"' || ${m(seed, 40 + k)} || ${m(seed, 41 + k)} || '"}'`;
  const doc = `('{"id":' || i || ',"customer":{"name":"' || ${m(seed, 11)} || '","tier":' || (abs(${h(seed, 11)}) % 5) || '},"items":[' || ${[0, 1, 2, 3, 4, 5, 6].map(item).join(" || ',' || ")} || ']}')::jsonb`;
  return `
    DROP TABLE IF EXISTS ${table};
    DROP TYPE IF EXISTS ${table}_mood;
    CREATE TYPE ${table}_mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic');
    CREATE TABLE ${table} (
      id bigint NOT NULL,
      updated_at timestamptz NOT NULL,
      n_small smallint,
      n_int integer,
      n_big bigint,
      n_numeric numeric(18,6),
      n_real real,
      n_double double precision,
      flag boolean,
      label varchar(64),
      body text,
      day date,
      at_time time,
      at_timetz timetz,
      ts timestamp,
      tstz timestamptz,
      dur interval,
      ref uuid,
      doc jsonb,
      blob bytea,
      tags text[],
      nums integer[],
      mood ${table}_mood
    );
    INSERT INTO ${table}
    SELECT i,
           timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second',
           ${nullable(seed, 1, `(${h(seed, 1)} % 32000)::smallint`)},
           ${nullable(seed, 2, `(${h(seed, 2)} % 2000000000)::integer`)},
           ${nullable(seed, 3, h(seed, 3))},
           ${nullable(seed, 4, `(${h(seed, 4)} % 1000000000000) / 1000000.0`)},
           ${nullable(seed, 5, `((${h(seed, 5)} % 100000) / 7.0)::real`)},
           ${nullable(seed, 6, `${h(seed, 6)} / 3.0e9`)},
           ${nullable(seed, 7, `${h(seed, 7)} % 2 = 0`)},
           ${nullable(seed, 8, `'label-' || ${m(seed, 8)}`)},
           ${nullable(seed, 9, `${m(seed, 9)} || ${m(seed, 10)} || ${m(seed, 12)}`)},
           ${nullable(seed, 10, `date '2000-01-01' + (abs(${h(seed, 10)}) % 10000)::integer`)},
           ${nullable(seed, 11, `time '00:00' + (abs(${h(seed, 12)}) % 86400000000) * interval '1 microsecond'`)},
           ${nullable(seed, 12, `(time '00:00' + (abs(${h(seed, 13)}) % 86400) * interval '1 second')::timetz`)},
           ${nullable(seed, 13, `timestamp '2020-01-01' + (abs(${h(seed, 14)}) % 157680000000000) * interval '1 microsecond'`)},
           ${nullable(seed, 14, `timestamptz '2020-01-01 00:00:00+00' + (abs(${h(seed, 15)}) % 157680000) * interval '1 second'`)},
           ${nullable(seed, 15, `make_interval(days => (abs(${h(seed, 16)}) % 400)::integer, secs => (abs(${h(seed, 17)}) % 86400)::integer)`)},
           ${nullable(seed, 16, `${m(seed, 16)}::uuid`)},
           ${nullable(seed, 17, doc)},
           ${nullable(seed, 18, `decode(${m(seed, 18)} || ${m(seed, 19)} || ${m(seed, 13)} || ${m(seed, 14)}, 'hex')`)},
           ${nullable(seed, 19, `ARRAY[substr(${m(seed, 15)}, 1, 8), substr(${m(seed, 15)}, 9, 8), substr(${m(seed, 15)}, 17, 8)]`)},
           ${nullable(seed, 20, `ARRAY[(${h(seed, 18)} % 1000)::integer, (${h(seed, 19)} % 1000)::integer, (${h(seed, 20)} % 1000)::integer, (${h(seed, 21)} % 1000)::integer]`)},
           ${nullable(seed, 21, `(ARRAY['sad','ok','happy','ecstatic']::${table}_mood[])[1 + abs(${h(seed, 22)}) % 4]`)}
    FROM generate_series(1, ${rows}) AS i;
    ALTER TABLE ${table} ADD PRIMARY KEY (id);
  `;
}

/** Creates the table and measures what it holds. */
export async function prepareDataset(client: Client, table: string, sql: string): Promise<DatasetInfo> {
  const started = process.hrtime.bigint();
  await client.query(sql);
  // VACUUM cannot run inside the implicit transaction of a multi-statement query.
  await client.query(`VACUUM ANALYZE ${table}`);
  const prepareSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...(await describeTable(client, table)), prepareSeconds };
}

export async function describeTable(client: Client, table: string): Promise<Omit<DatasetInfo, 'prepareSeconds'>> {
  const { rows } = await client.query<{ rows: string; bytes: string; avg: string | null }>(
    `SELECT (SELECT count(*) FROM ${table})::text AS rows,
            pg_table_size('${table}')::text AS bytes,
            (SELECT avg(octet_length(t::text)) FROM (SELECT * FROM ${table} LIMIT 20000) AS t)::text AS avg`,
  );
  const row = rows[0]!;
  return { table, rows: Number(row.rows), tableBytes: Number(row.bytes), avgRowBytes: Math.round(Number(row.avg ?? 0)) };
}

/**
 * The change of the incremental scenario: `fraction` of the rows (spread over the table) get a new
 * amount and status and an `updated_at` later than any before.
 */
export function touchRowsSql(table: string, fraction: number): string {
  const every = Math.max(1, Math.round(1 / fraction));
  // Later than every value so far, so that each scenario that changes rows sees its own change.
  return `UPDATE ${table} SET amount = amount + 1, status = 'refunded', updated_at = (SELECT max(updated_at) FROM ${table}) + interval '1 day' + id * interval '1 millisecond' WHERE id % ${every} = 0`;
}
