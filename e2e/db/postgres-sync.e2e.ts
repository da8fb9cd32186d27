// PostgreSQL → PostgreSQL through the whole platform (API, Temporal, a real worker): repeated
// syncs stay equal to the source (overwrite and dedup), a SIGKILLed worker resumes exactly, a
// terminated source backend is retried as transient, and 50 syncs leave no connection behind.
import { Client } from 'pg';
import { createTestDatabase, startStack, type Stack, type TestDatabase } from '../../tools/testing';
import { postgresConnectionConfig, TERMINAL_STATUSES as TERMINAL, waitForJob, type JobView as Job } from '../support/jobs';

/** Rows of the large table of the kill test: 1M syncs in about 10 s here. */
const LARGE_ROWS = 1_000_000;

describe('PostgreSQL to PostgreSQL through the platform', () => {
  let stack: Stack;
  let sourceDb: TestDatabase;
  let destinationDb: TestDatabase;
  let source: Client;
  let destination: Client;

  beforeAll(async () => {
    [sourceDb, destinationDb] = await Promise.all([createTestDatabase('tributary_e2e_src'), createTestDatabase('tributary_e2e_dst')]);
    source = new Client({ connectionString: sourceDb.url });
    destination = new Client({ connectionString: destinationDb.url });
    await Promise.all([source.connect(), destination.connect()]);
    await source.query(`
      CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), updated_at timestamptz NOT NULL);
      INSERT INTO items SELECT i, 'item ' || i, (i * 1.25)::numeric(12,2), '2024-01-01'::timestamptz + (i / 100) * interval '1 hour' FROM generate_series(1, 5000) i;
      CREATE TABLE large (id bigint PRIMARY KEY, payload text NOT NULL, n integer NOT NULL);
      INSERT INTO large SELECT i, md5(i::text), i % 1000 FROM generate_series(1, ${LARGE_ROWS}) i;
      ANALYZE;
    `);
    stack = await startStack({ workers: 1, env: { TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: '4' } });
  });

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([source?.end(), destination?.end()]);
    await Promise.all([sourceDb?.drop(), destinationDb?.drop()]);
  });

  async function pipeline(stream: string, syncMode: string, schema: string, sourceExtra: Record<string, unknown> = {}) {
    const src = await stack.request('POST', '/sources', { name: `PG ${schema}`, definitionId: 'source-postgres', config: { ...postgresConnectionConfig(sourceDb.url), schemas: ['public'], ...sourceExtra } });
    expect(src.status).toBe(201);
    const dst = await stack.request('POST', '/destinations', { name: `PG ${schema}`, definitionId: 'destination-postgres', config: { ...postgresConnectionConfig(destinationDb.url), schema } });
    expect(dst.status).toBe(201);
    const conn = await stack.request('POST', '/connections', {
      sourceId: src.body.id,
      destinationId: dst.body.id,
      // "custom" rather than "destination": see the report on the sync engine's namespace mapping.
      namespaceDefinition: 'custom',
      namespaceFormat: schema,
      streams: [{ name: stream, namespace: 'public', syncMode, ...(syncMode.startsWith('incremental') ? { cursorField: ['updated_at'], primaryKey: [['id']] } : {}) }],
    });
    expect(conn.status).toBe(201);
    return conn.body.id as string;
  }

  async function sync(connectionId: string): Promise<Job> {
    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(trigger.status).toBe(202);
    return waitForJob(stack, trigger.body.id as string, (j) => TERMINAL.includes(j.status));
  }

  const CHECKSUM = `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct_ids, md5(string_agg(id || ':' || name || ':' || coalesce(amount::text, '-') || ':' || updated_at::text, ',' ORDER BY id)) AS sum`;

  it.each(['full_refresh_overwrite', 'incremental_append_dedup'])('leaves the destination equal to the source after three runs (%s)', async (mode) => {
    const schema = mode === 'full_refresh_overwrite' ? 'ow' : 'dd';
    const connectionId = await pipeline('items', mode, schema);
    const expected = (await source.query(`${CHECKSUM} FROM items`)).rows[0];
    for (let run = 1; run <= 3; run++) {
      const job = await sync(connectionId);
      expect({ status: job.status, failure: job.failure }).toEqual({ status: 'succeeded', failure: null });
      if (run === 2 && mode === 'incremental_append_dedup') await source.query("UPDATE items SET name = name || ' (edited)', updated_at = '2030-01-01' WHERE id % 100 = 0");
      if (run === 2) Object.assign(expected, (await source.query(`${CHECKSUM} FROM items`)).rows[0]);
      if (run === 2 && mode === 'full_refresh_overwrite') await source.query("UPDATE items SET name = name || ' (edited)' WHERE id % 100 = 0");
    }
    Object.assign(expected, (await source.query(`${CHECKSUM} FROM items`)).rows[0]);
    const actual = (await destination.query(`${CHECKSUM} FROM ${schema}.items`)).rows[0];
    expect(actual).toEqual(expected);
  });

  it('loads full refreshes and incremental reads as raw COPY output, storing exactly what the record path stores, for every type', async () => {
    // Full refreshes and incremental reads travel as raw COPY output (no record per row): binary
    // where every column's binary form is decoded (every_binary: every_type without money and inet),
    // text otherwise; a data contract makes the engine look at each record, so one load goes through
    // records. All land the same table's values, which must then be equal, column for column.
    await source.query(`
      CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
      CREATE TABLE every_type (
        id integer PRIMARY KEY, i2 smallint, i8 bigint, pos positive, num numeric(20,5), big numeric, r real, d double precision, b boolean,
        t text, vc varchar(12), c char(4), u uuid, dt date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval,
        jb jsonb, by bytea, ia integer[], ta text[], m mood, money_col money, ip inet);
      INSERT INTO every_type
      SELECT i, (i % 32767)::smallint, CASE i % 3 WHEN 0 THEN 9223372036854775807 WHEN 1 THEN -9223372036854775808 ELSE i END, i,
        (i * 1.23456)::numeric(20,5), ('123456789012345678901234567890.' || i)::numeric,
        CASE i % 4 WHEN 0 THEN 'NaN'::real ELSE i / 3.0 END, CASE i % 5 WHEN 0 THEN 'Infinity'::float8 WHEN 1 THEN 1e20 ELSE i / 7.0 END, i % 2 = 0,
        E'tab\there, new\nline, back\\slash, ' || chr(233) || ' ' || chr(128512) || ' ' || i, 'v' || i, 'c' || (i % 10), md5(i::text)::uuid,
        CASE WHEN i % 50 = 0 THEN 'infinity'::date ELSE '1999-12-31'::date + i END, '12:34:56.789'::time, '01:02:03+05:30'::timetz,
        '1969-07-20 20:17:40.123456'::timestamp + i * interval '1 day', '2000-01-01 00:00:00.000001+00'::timestamptz - i * interval '1 hour', i * interval '1 day 2 hours 3.5 seconds',
        jsonb_build_object('n', i, 'nested', jsonb_build_array(1, 'two', null, true), 'big', 1234567890123), decode(md5(i::text), 'hex'),
        ARRAY[i, NULL, -i], ARRAY['a"quote', NULL, 'back\\slash', '{brace}', ''], (ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::mood, i * 1.5, '10.0.0.1'::inet
      FROM generate_series(1, 500) i;
      UPDATE every_type SET i2 = NULL, i8 = NULL, num = NULL, big = NULL, r = NULL, d = NULL, b = NULL, t = NULL, vc = NULL, c = NULL, u = NULL, dt = NULL, tm = NULL,
        ttz = NULL, ts = NULL, tstz = NULL, iv = NULL, jb = NULL, by = NULL, ia = NULL, ta = NULL, m = NULL, money_col = NULL, ip = NULL WHERE id % 10 = 0;
      CREATE TABLE every_binary AS SELECT id, i2, i8, pos, num, big, r, d, b, t, vc, c, u, dt, tm, ttz, ts, tstz, iv, jb, by, ia, ta, m FROM every_type;
      ALTER TABLE every_binary ADD PRIMARY KEY (id);
      ANALYZE every_type;
      ANALYZE every_binary;
    `);
    const src = await stack.request('POST', '/sources', { name: 'PG every type', definitionId: 'source-postgres', config: { ...postgresConnectionConfig(sourceDb.url), schemas: ['public'] } });
    const ids: Record<string, string> = {};
    const loads = [
      ['raw_copy', 'every_type', 'full_refresh_overwrite', {}],
      ['raw_cursor', 'every_type', 'incremental_append', { cursorField: ['id'] }],
      ['raw_binary', 'every_binary', 'full_refresh_overwrite', {}],
      ['by_record', 'every_type', 'full_refresh_overwrite', { contract: { default: 'freeze' } }],
    ] as const;
    for (const [schema, table, syncMode, extra] of loads) {
      const dst = await stack.request('POST', '/destinations', { name: `PG ${schema}`, definitionId: 'destination-postgres', config: { ...postgresConnectionConfig(destinationDb.url), schema } });
      const conn = await stack.request('POST', '/connections', {
        sourceId: src.body.id,
        destinationId: dst.body.id,
        namespaceDefinition: 'custom',
        namespaceFormat: schema,
        streams: [{ name: table, namespace: 'public', syncMode, ...extra }],
      });
      expect(conn.status).toBe(201);
      const job = await sync(conn.body.id as string);
      expect({ status: job.status, failure: job.failure, records: job.recordsCommitted }).toEqual({ status: 'succeeded', failure: null, records: 500 });
      ids[schema] = job.id;
    }
    const logs = async (jobId: string) => ((await stack.request('GET', `/jobs/${jobId}/logs?limit=1000`)).body.items as { message: string }[]).map((l) => l.message);
    for (const schema of ['raw_copy', 'raw_cursor']) expect((await logs(ids[schema]!)).some((m) => m.includes('as raw COPY output (postgres_copy_text)'))).toBe(true);
    expect((await logs(ids.raw_binary!)).some((m) => m.includes('as raw COPY output (postgres_copy_binary)'))).toBe(true);
    expect((await logs(ids.raw_binary!)).some((m) => m.includes('loaded as records'))).toBe(false);
    expect((await logs(ids.by_record!)).some((m) => m.includes('raw COPY output'))).toBe(false);

    const columns = (await destination.query("SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) AS list FROM information_schema.columns WHERE table_schema = 'raw_copy' AND table_name = 'every_type' AND column_name NOT LIKE '\\_tributary\\_%'")).rows[0].list as string;
    expect(columns.split(', ')).toHaveLength(26);
    for (const raw of ['raw_copy', 'raw_cursor']) {
      const types = await destination.query("SELECT a.column_name, a.data_type, b.data_type AS other FROM information_schema.columns a JOIN information_schema.columns b USING (table_name, column_name) WHERE a.table_schema = $1 AND b.table_schema = 'by_record' AND a.table_name = 'every_type'", [raw]);
      expect(types.rows).toHaveLength(26 + 5);
      for (const row of types.rows) expect({ column: row.column_name, type: row.data_type }).toEqual({ column: row.column_name, type: row.other });
      const differing = await destination.query(`(SELECT ${columns} FROM ${raw}.every_type EXCEPT ALL SELECT ${columns} FROM by_record.every_type) UNION ALL (SELECT ${columns} FROM by_record.every_type EXCEPT ALL SELECT ${columns} FROM ${raw}.every_type)`);
      expect(differing.rows).toEqual([]);
      const counts = await destination.query(`SELECT (SELECT count(*)::int FROM ${raw}.every_type) AS raw, (SELECT count(DISTINCT _tributary_raw_id)::int FROM ${raw}.every_type) AS ids, (SELECT count(*)::int FROM by_record.every_type) AS records`);
      expect(counts.rows[0]).toEqual({ raw: 500, ids: 500, records: 500 });
    }
    // The binary load: its 24 columns (every_type's but money and inet) hold what the record path stored, in the same types.
    const binaryColumns = columns.split(', ').filter((c) => c !== 'money_col' && c !== 'ip').join(', ');
    const binaryTypes = await destination.query("SELECT a.column_name, a.data_type, b.data_type AS other FROM information_schema.columns a JOIN information_schema.columns b ON b.column_name = a.column_name AND b.table_schema = 'by_record' AND b.table_name = 'every_type' WHERE a.table_schema = 'raw_binary' AND a.table_name = 'every_binary'");
    expect(binaryTypes.rows).toHaveLength(24 + 5);
    for (const row of binaryTypes.rows) expect({ column: row.column_name, type: row.data_type }).toEqual({ column: row.column_name, type: row.other });
    const binaryDiffering = await destination.query(`(SELECT ${binaryColumns} FROM raw_binary.every_binary EXCEPT ALL SELECT ${binaryColumns} FROM by_record.every_type) UNION ALL (SELECT ${binaryColumns} FROM by_record.every_type EXCEPT ALL SELECT ${binaryColumns} FROM raw_binary.every_binary)`);
    expect(binaryDiffering.rows).toEqual([]);
    expect((await destination.query('SELECT count(*)::int AS n, count(DISTINCT _tributary_raw_id)::int AS ids FROM raw_binary.every_binary')).rows[0]).toEqual({ n: 500, ids: 500 });
    // Spot checks against the source, so that equal-but-wrong cannot pass.
    const spot = 'SELECT t, ta::text, i8::text, big::text, jb::text, encode(by, \'hex\') AS by, tstz, dt::text, d::text FROM %s WHERE id IN (3, 7) ORDER BY id';
    expect((await destination.query(spot.replace('%s', 'raw_copy.every_type'))).rows).toEqual((await source.query(spot.replace('%s', 'every_type'))).rows);
    expect((await destination.query(spot.replace('%s', 'raw_binary.every_binary'))).rows).toEqual((await source.query(spot.replace('%s', 'every_type'))).rows);
  });

  it(`survives a SIGKILLed worker in the middle of a ${LARGE_ROWS.toLocaleString('en')}-row sync: exact count, no duplicates, resumed`, async () => {
    const connectionId = await pipeline('large', 'full_refresh_overwrite', 'killed', { checkpoint_rows: 50_000 });
    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    const jobId = trigger.body.id as string;
    const killAt = 100_000 + Math.floor(Math.random() * (LARGE_ROWS / 2));
    await waitForJob(stack, jobId, (j) => j.recordsCommitted >= killAt || TERMINAL.includes(j.status));
    const victim = stack.workers[stack.workers.length - 1]!;
    victim.kill('SIGKILL');
    await victim.exited;
    await stack.startWorker();
    const job = await waitForJob(stack, jobId, (j) => TERMINAL.includes(j.status));
    expect({ status: job.status, failure: job.failure }).toEqual({ status: 'succeeded', failure: null });
    expect(job.recordsCommitted).toBe(LARGE_ROWS);
    expect(job.attempts![job.attempts!.length - 1]).toEqual(expect.objectContaining({ status: 'succeeded', resumed: true }));
    const { rows } = await destination.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(n)::bigint::text AS s FROM killed.large');
    const expected = (await source.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, sum(n)::bigint::text AS s FROM large')).rows[0];
    expect(rows[0]).toEqual(expected);
    const logs = await stack.request('GET', `/jobs/${jobId}/logs?limit=1000`);
    expect((logs.body.items as { message: string }[]).some((l) => /resuming from checkpoint \d+/.test(l.message))).toBe(true);
  });

  it('retries a sync whose source connection is terminated mid-read, with an exact result', async () => {
    const connectionId = await pipeline('large', 'full_refresh_append', 'terminated', { checkpoint_rows: 20_000 });
    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    const jobId = trigger.body.id as string;
    await waitForJob(stack, jobId, (j) => j.recordsCommitted > 0 || TERMINAL.includes(j.status));
    const killed = await source.query("SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'tributary-source-postgres' AND datname = current_database()");
    expect(killed.rows.length).toBeGreaterThan(0);
    const job = await waitForJob(stack, jobId, (j) => TERMINAL.includes(j.status));
    expect({ status: job.status, failure: job.failure }).toEqual({ status: 'succeeded', failure: null });
    expect(job.attempts!.length).toBeGreaterThanOrEqual(2);
    const logs = await stack.request('GET', `/jobs/${jobId}/logs?limit=1000`);
    expect((logs.body.items as { message: string }[]).some((l) => /failed \(transient error\)/.test(l.message))).toBe(true);
    const { rows } = await destination.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM terminated.large');
    expect(rows[0]).toEqual({ n: LARGE_ROWS, d: LARGE_ROWS });
  });

  it('leaves no connection open after 50 consecutive syncs, some of them failing', async () => {
    await source.query('CREATE TABLE small (id int PRIMARY KEY, name text, updated_at timestamptz NOT NULL); INSERT INTO small SELECT i, md5(i::text), now() FROM generate_series(1, 200) i');
    const connectionId = await pipeline('small', 'incremental_append_dedup', 'many');
    const outcomes: string[] = [];
    for (let run = 1; run <= 50; run++) {
      const failing = run % 7 === 0;
      // A missing table is a config error: the sync fails at once, without retries.
      if (failing) await source.query('ALTER TABLE small RENAME TO small_away');
      const job = await sync(connectionId);
      if (failing) await source.query('ALTER TABLE small_away RENAME TO small');
      outcomes.push(job.status);
      expect(job.status).toBe(failing ? 'failed' : 'succeeded');
    }
    expect(outcomes.filter((s) => s === 'failed')).toHaveLength(7);
    const open = async () =>
      (await source.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name IN ('tributary-source-postgres', 'tributary-destination-postgres')")).rows[0].n as number;
    const deadline = Date.now() + 5000;
    while ((await open()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await open()).toBe(0);
    expect((await destination.query('SELECT count(*)::int AS n FROM many.small')).rows[0].n).toBe(200);
  });
});
