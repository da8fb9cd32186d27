// The PostgreSQL source against a real server: discovery and exact values of every mapped type,
// resumable block-range full refresh, partitions under one snapshot, incremental reads that miss
// nothing at the boundary, a killed backend classified as transient, and no connection left.
import { Client } from 'pg';
import { classifyError, type ConnectorContext } from '@tributary/connector-sdk';
import type { AirbyteStream, ConfiguredAirbyteStream, JsonObject, ProtocolMessage, RecordMessage, StateMessage } from '@tributary/protocol';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing';
import { PostgresSource } from '../src';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctx = (signal = new AbortController().signal): ConnectorContext => ({ logger, signal });

function configOf(url: string, extra: JsonObject = {}): JsonObject {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), database: u.pathname.slice(1), username: decodeURIComponent(u.username), ...(u.password ? { password: decodeURIComponent(u.password) } : {}), schemas: ['public', 'Other Schema'], ...extra };
}

async function readAll(config: JsonObject, streams: ConfiguredAirbyteStream[], state: StateMessage[] = []): Promise<ProtocolMessage[]> {
  const out: ProtocolMessage[] = [];
  for await (const batch of new PostgresSource().read(config, { streams }, state, ctx())) out.push(...batch);
  return out;
}

const records = (messages: ProtocolMessage[]) => messages.filter((m): m is RecordMessage => m.type === 'RECORD').map((m) => m.record.data);
const states = (messages: ProtocolMessage[]) => messages.filter((m): m is StateMessage => m.type === 'STATE');

describe('PostgreSQL source', () => {
  let db: TestDatabase;
  let sql: Client;
  let config: JsonObject;
  let catalog: Map<string, AirbyteStream>;

  const configured = (name: string, extra: Partial<ConfiguredAirbyteStream> = {}): ConfiguredAirbyteStream => ({ stream: catalog.get(name)!, sync_mode: 'full_refresh', destination_sync_mode: 'append', ...extra });

  beforeAll(async () => {
    db = await createTestDatabase('tributary_spg');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    config = configOf(db.url, { checkpoint_rows: 100 });
    await sql.query(`
      CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
      CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
      CREATE TABLE typed (
        id bigint PRIMARY KEY, small smallint, int integer NOT NULL, big bigint, num numeric(12,3), free numeric, r real, d double precision,
        flag boolean, t text, vc varchar(10), c char(3), u uuid, day date, tm time, tmz timetz, ts timestamp, tsz timestamptz,
        iv interval, j json, jb jsonb, bin bytea, ints integer[], texts text[], m mood, pos positive, updated_at timestamptz);
      INSERT INTO typed VALUES (1, -32768, 2147483647, 9007199254740993, 123456789.123, 0.1000000000000000000001, 1.5, 0.1,
        true, E'tab\\there\\nnewline \\\\ back', 'varchar', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-02-29', '12:34:56.789', '12:00:00+02',
        '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.123456+02', '1 year 2 mons 3 days 04:05:06.5', '{"a": [1, 2.50, null]}', '{"b": {"c": "d"}}',
        '\\x00ff10', '{1,NULL,3}', '{"a,b","c\\"d",NULL}', 'happy', 5, now());
      INSERT INTO typed (id, int) VALUES (2, 0);
      CREATE VIEW typed_view AS SELECT id, t FROM typed;
      CREATE SCHEMA "Other Schema";
      CREATE TABLE "Other Schema"."Mixed ""Case"" Table" ("Id" int PRIMARY KEY, "Prénom" text);
      INSERT INTO "Other Schema"."Mixed ""Case"" Table" VALUES (1, 'Zoë');
      CREATE TABLE big (id int PRIMARY KEY, pad text, updated_at timestamptz NOT NULL);
      INSERT INTO big SELECT i, repeat('x', 200), '2024-01-01'::timestamptz + (i / 500) * interval '1 day' FROM generate_series(1, 5000) i;
      ANALYZE big;
    `);
    catalog = new Map((await new PostgresSource().discover(config, ctx())).streams.map((s) => [s.name, s]));
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  async function leftConnections(): Promise<number> {
    const { rows } = await sql.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tributary-source-postgres'");
    return rows[0].n as number;
  }

  it('checks the connection and the schemas, failures in words', async () => {
    await expect(new PostgresSource().check(config, ctx())).resolves.toEqual({ status: 'SUCCEEDED' });
    const missing = await new PostgresSource().check({ ...config, schemas: ['nope'] }, ctx());
    expect(missing).toEqual({ status: 'FAILED', message: expect.stringContaining('"nope"') });
    const badPassword = await new PostgresSource().check({ ...config, port: 1 }, ctx());
    expect(badPassword.status).toBe('FAILED');
    expect(await leftConnections()).toBe(0);
  });

  it('discovers tables, views, keys and exact column schemas', () => {
    expect([...catalog.keys()].sort()).toEqual(['Mixed "Case" Table', 'big', 'typed', 'typed_view']);
    const typed = catalog.get('typed')!;
    expect(typed.namespace).toBe('public');
    expect(typed.source_defined_primary_key).toEqual([['id']]);
    expect(typed.default_cursor_field).toEqual(['updated_at']);
    const p = typed.json_schema.properties as Record<string, JsonObject>;
    expect(p.id).toEqual({ type: ['integer', 'string'], format: 'int64' });
    expect(p.int).toEqual({ type: 'integer', format: 'int32' });
    expect(p.small).toEqual({ type: ['integer', 'null'], format: 'int16' });
    expect(p.num).toEqual({ type: ['string', 'null'], format: 'decimal', precision: 12, scale: 3 });
    expect(p.free).toEqual({ type: ['string', 'null'], format: 'decimal' });
    expect(p.r).toEqual({ type: ['number', 'null'], format: 'float' });
    expect(p.vc).toEqual({ type: ['string', 'null'], maxLength: 10 });
    expect(p.ts).toEqual({ type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' });
    expect(p.tsz).toEqual({ type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' });
    expect(p.iv).toEqual({ type: ['string', 'null'], format: 'duration' });
    expect(p.jb).toEqual({ format: 'json' });
    expect(p.bin).toEqual({ type: ['string', 'null'], contentEncoding: 'base64' });
    expect(p.ints).toEqual({ type: ['array', 'null'], items: { type: ['integer', 'null'], format: 'int32' } });
    expect(p.m).toEqual({ type: ['string', 'null'], enum: ['sad', 'ok', 'happy'] });
    expect(p.pos).toEqual({ type: ['integer', 'null'], format: 'int32' });
    expect(catalog.get('Mixed "Case" Table')!.namespace).toBe('Other Schema');
  });

  it('reads every type exactly', async () => {
    const rows = records(await readAll(config, [configured('typed')]));
    expect(rows).toHaveLength(2);
    const row = rows.find((r) => r.id === 1)!;
    expect(row).toEqual(
      expect.objectContaining({
        small: -32768, int: 2147483647, big: '9007199254740993', num: '123456789.123', free: '0.1000000000000000000001', r: 1.5, d: 0.1, flag: true,
        t: 'tab\there\nnewline \\ back', vc: 'varchar', c: 'ab ', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', day: '2024-02-29', tm: '12:34:56.789', tmz: '12:00:00+02',
        ts: '2024-02-29T12:34:56.123456', tsz: '2024-02-29T10:34:56.123456Z', iv: 'P1Y2M3DT4H5M6.5S', j: { a: [1, 2.5, null] }, jb: { b: { c: 'd' } },
        bin: Buffer.from([0, 255, 16]).toString('base64'), ints: [1, null, 3], texts: ['a,b', 'c"d', null], m: 'happy', pos: 5,
      }),
    );
    expect(rows.find((r) => r.id === 2)).toEqual(expect.objectContaining({ small: null, t: null, ints: null, jb: null }));
    const other = records(await readAll(config, [configured('Mixed "Case" Table')]));
    expect(other).toEqual([{ Id: 1, Prénom: 'Zoë' }]);
    expect(records(await readAll(config, [configured('typed_view')]))).toHaveLength(2);
  });

  it('reads a full refresh in checkpointed block ranges and resumes from any checkpoint', async () => {
    const all = await readAll(config, [configured('big')]);
    const checkpoints = states(all);
    expect(records(all)).toHaveLength(5000);
    expect(checkpoints.length).toBeGreaterThan(5);
    const middle = checkpoints[Math.floor(checkpoints.length / 2)]!;
    const before = all.slice(0, all.indexOf(middle)).filter((m) => m.type === 'RECORD').length;
    const rest = records(await readAll(config, [configured('big')], [middle]));
    expect(before + rest.length).toBe(5000);
    const ids = new Set([...records(all.slice(0, all.indexOf(middle))), ...rest].map((r) => r.id));
    expect(ids.size).toBe(5000);
    expect(await leftConnections()).toBe(0);
  });

  it('reads large tables in partitions under one snapshot, each partition checkpointed', async () => {
    const partitioned = { ...config, max_partitions: 3, partition_min_mb: 1 };
    const all = await readAll(partitioned, [configured('big')]);
    const rows = records(all);
    expect(rows).toHaveLength(5000);
    expect(new Set(rows.map((r) => r.id)).size).toBe(5000);
    const withPartitions = states(all).filter((s) => (s.state.stream?.stream_state as JsonObject).partitions);
    expect(withPartitions.length).toBeGreaterThan(3);
    const middle = withPartitions[Math.floor(withPartitions.length / 2)]!;
    const done = all.slice(0, all.indexOf(middle)).filter((m) => m.type === 'RECORD').length;
    const rest = records(await readAll(partitioned, [configured('big')], [middle]));
    expect(done + rest.length).toBe(5000);
    expect(await leftConnections()).toBe(0);
  });

  it('plans partitions for separate reads under one held snapshot: each row read once, later changes unseen, resumable; released, a partition takes its own snapshot', async () => {
    const partitioned = { ...config, max_partitions: 3, partition_min_mb: 1 };
    const source = new PostgresSource();
    const warnings: string[] = [];
    const context = { ...ctx(), logger: { ...logger, warn: (message: string) => void warnings.push(message) } };
    const plan = (await source.planPartitions(partitioned, { streams: [configured('big')] }, context))!;
    const partitions = plan.streams['public.big']!;
    expect(partitions).toHaveLength(3);
    const readPartition = async (partition: JsonObject, state: StateMessage[] = []) => {
      const out: ProtocolMessage[] = [];
      for await (const batch of source.read(partitioned, { streams: [configured('big')] }, state, { ...context, partition })) out.push(...batch);
      return out;
    };
    try {
      // Changed after the plan: the partitions still read the table as it was when planned.
      await sql.query("UPDATE big SET pad = 'changed' WHERE id <= 100");
      const reads = await Promise.all(partitions.map((p) => readPartition(p)));
      const rows = reads.flatMap(records);
      expect(rows).toHaveLength(5000);
      expect(new Set(rows.map((r) => r.id)).size).toBe(5000);
      expect(rows.filter((r) => r.pad === 'changed')).toHaveLength(0);
      // A partition resumes from one of its own states, reading only what follows it.
      const second = reads[1]!;
      const middle = states(second)[Math.floor(states(second).length / 2)]!;
      const done = second.slice(0, second.indexOf(middle)).filter((m) => m.type === 'RECORD').length;
      expect(done).toBeGreaterThan(0);
      expect(done + records(await readPartition(partitions[1]!, [middle])).length).toBe(records(second).length);
      expect(warnings).toEqual([]);
    } finally {
      await plan.release();
    }
    // Released: the snapshot is gone, and a partition read now says so and reads the table as it is.
    const late = records(await readPartition(partitions[2]!));
    expect(late.some((r) => r.pad === 'changed')).toBe(true);
    expect(warnings.join('\n')).toMatch(/reads under a snapshot of its own/);
    await sql.query("UPDATE big SET pad = repeat('x', 200) WHERE id <= 100");
    expect(await leftConnections()).toBe(0);
  });

  it('plans nothing for one partition or a small table', async () => {
    expect(await new PostgresSource().planPartitions({ ...config, max_partitions: 1, partition_min_mb: 1 }, { streams: [configured('big')] }, ctx())).toBeUndefined();
    expect(await new PostgresSource().planPartitions({ ...config, max_partitions: 3, partition_min_mb: 100 }, { streams: [configured('big')] }, ctx())).toBeUndefined();
    expect(await leftConnections()).toBe(0);
  });

  it('reads incrementally without missing rows that share the boundary value', async () => {
    const incremental = configured('big', { sync_mode: 'incremental', cursor_field: ['updated_at'] });
    const first = await readAll(config, [incremental]);
    expect(records(first)).toHaveLength(5000);
    // Checkpoints fall only where the cursor changes: a resume from one re-reads nothing and misses nothing.
    const cps = states(first);
    const middle = cps[Math.floor(cps.length / 2)]!;
    const resumed = records(await readAll(config, [incremental], [middle]));
    expect(first.slice(0, first.indexOf(middle)).filter((m) => m.type === 'RECORD').length + resumed.length).toBe(5000);
    const last = cps[cps.length - 1]!;
    // Nothing new: nothing read.
    expect(records(await readAll(config, [incremental], [last]))).toHaveLength(0);
    // A late row with the same (last) cursor value joins: the boundary value is read again.
    await sql.query("INSERT INTO big SELECT 5001, 'late', max(updated_at) FROM big WHERE id <= 5000");
    const afterLate = await readAll(config, [incremental], [last]);
    expect(records(afterLate).map((r) => r.id)).toContain(5001);
    await sql.query("INSERT INTO big VALUES (5002, 'newer', '2030-01-01')");
    const next = await readAll(config, [incremental], states(afterLate).slice(-1));
    expect(records(next).map((r) => r.id)).toEqual([5002]);
    await sql.query('DELETE FROM big WHERE id > 5000');
  });

  it('fails as transient when its backend is terminated mid-read, and releases the connection', async () => {
    const source = new PostgresSource();
    let seen = 0;
    const attempt = (async () => {
      for await (const batch of source.read({ ...config, checkpoint_rows: 100 }, { streams: [configured('big')] }, [], ctx())) {
        seen += batch.length;
        if (seen > 100 && seen < 100000) {
          await sql.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'tributary-source-postgres' AND datname = current_database()");
          seen = 100000;
        }
      }
    })();
    const error = await attempt.then(() => undefined, (e: unknown) => e);
    expect(error).toBeDefined();
    expect(classifyError(error).failureType).toBe('transient_error');
    expect(await leftConnections()).toBe(0);
  });

  it('releases connections when the consumer stops early or the read is aborted', async () => {
    for await (const batch of new PostgresSource().read(config, { streams: [configured('big')] }, [], ctx())) {
      if (batch.some((m) => m.type === 'RECORD')) break;
    }
    expect(await leftConnections()).toBe(0);
    const controller = new AbortController();
    const aborted = (async () => {
      for await (const _ of new PostgresSource().read({ ...config, max_partitions: 3, partition_min_mb: 1 }, { streams: [configured('big')] }, [], ctx(controller.signal))) controller.abort(new Error('stop'));
    })();
    await expect(aborted).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    expect(await leftConnections()).toBe(0);
  });
});
