// The PostgreSQL destination against a real server: every mode, exactly-once resume (including a
// commit the platform never recorded), schema evolution, hostile names, and no connection left.
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DestinationCommit, MessageBatch, WriteContext } from '@tributary/connector-sdk';
import { binaryChunkRecords } from '@tributary/connector-sdk/postgres';
import type { ChunkColumnType, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, DestinationSyncMode, JsonObject, ProtocolMessage } from '@tributary/protocol';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing';
import { PostgresDestination } from '../src';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function configOf(url: string, extra: JsonObject = {}): JsonObject {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), database: u.pathname.slice(1), username: decodeURIComponent(u.username), ...(u.password ? { password: decodeURIComponent(u.password) } : {}), schema: 'raw', ...extra };
}

function stream(name: string, mode: DestinationSyncMode, properties: JsonObject, extra: Partial<ConfiguredAirbyteStream> = {}, namespace?: string): ConfiguredAirbyteStream {
  return {
    stream: { name, ...(namespace ? { namespace } : {}), json_schema: { type: 'object', properties }, supported_sync_modes: ['full_refresh', 'incremental'] },
    sync_mode: mode === 'append_dedup' ? 'incremental' : 'full_refresh',
    destination_sync_mode: mode,
    ...extra,
  };
}

const record = (streamName: string, data: Record<string, unknown>, namespace?: string): ProtocolMessage => ({ type: 'RECORD', record: { stream: streamName, ...(namespace ? { namespace } : {}), data, emitted_at: 1_700_000_000_000 } });
const state = (streamName: string, n: number): ProtocolMessage => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: streamName }, stream_state: { n } } } });

async function* batches(messages: ProtocolMessage[], size = 50): AsyncGenerator<MessageBatch> {
  for (let i = 0; i < messages.length; i += size) yield messages.slice(i, i + size);
}

function context(syncId: string, resumePosition?: JsonObject, signal = new AbortController().signal): WriteContext {
  return { logger, signal, syncId, ...(resumePosition ? { resumePosition } : {}) };
}

async function writeAll(config: JsonObject, catalog: ConfiguredAirbyteCatalog, messages: ProtocolMessage[], ctx: WriteContext): Promise<DestinationCommit[]> {
  const commits: DestinationCommit[] = [];
  for await (const commit of new PostgresDestination().write(config, catalog, batches(messages), ctx)) commits.push(commit);
  return commits;
}

/** Rows 1..n with a state every `every` rows. */
function numbered(streamName: string, n: number, every: number, data: (i: number) => Record<string, unknown> = (i) => ({ id: i, name: `n${i}` })): ProtocolMessage[] {
  const out: ProtocolMessage[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(record(streamName, data(i)));
    if (i % every === 0) out.push(state(streamName, i));
  }
  return out;
}

const USERS = { id: { type: 'integer' }, name: { type: ['string', 'null'] } };

describe('PostgreSQL destination', () => {
  let db: TestDatabase;
  let sql: Client;
  let config: JsonObject;

  beforeAll(async () => {
    db = await createTestDatabase('tributary_dpg');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    config = configOf(db.url);
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  async function leftConnections(): Promise<number> {
    const { rows } = await sql.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'tributary-destination-postgres'");
    return rows[0].n as number;
  }

  const count = async (table: string) => Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it('checks that it can create tables, and reports a bad database in words', async () => {
    await expect(new PostgresDestination().check(config, { logger, signal: new AbortController().signal })).resolves.toEqual({ status: 'SUCCEEDED' });
    const bad = await new PostgresDestination().check({ ...config, database: 'no_such_db_xyz' }, { logger, signal: new AbortController().signal });
    expect(bad.status).toBe('FAILED');
    expect(bad.message).toMatch(/does not exist/);
    expect(await leftConnections()).toBe(0);
  });

  it('appends with metadata columns and commits at every state', async () => {
    const catalog = { streams: [stream('append_users', 'append', USERS)] };
    const commits = await writeAll(config, catalog, numbered('append_users', 250, 100), context('sync-a1'));
    expect(commits.map((c) => c.position)).toEqual([{ sequence: 1 }, { sequence: 2 }, { sequence: 3 }]);
    expect(commits.map((c) => c.stats.append_users?.records)).toEqual([100, 100, 50]);
    const { rows } = await sql.query('SELECT id, name, _tributary_raw_id, _tributary_extracted_at, _tributary_sync_id, _tributary_deleted_at FROM raw.append_users ORDER BY id LIMIT 1');
    expect(rows[0]).toEqual({ id: '1', name: 'n1', _tributary_raw_id: expect.stringMatching(/^[0-9a-f-]{36}$/), _tributary_extracted_at: new Date(1_700_000_000_000), _tributary_sync_id: 'sync-a1', _tributary_deleted_at: null });
    await writeAll(config, catalog, numbered('append_users', 250, 100), context('sync-a2'));
    expect(await count('raw.append_users')).toBe(500);
    expect(await leftConnections()).toBe(0);
  });

  it('resumes exactly once when the platform lost the last commit (append)', async () => {
    const catalog = { streams: [stream('resume_users', 'append', USERS)] };
    const messages = numbered('resume_users', 500, 100);
    // First attempt: dies after its 3rd commit, but the platform recorded only the 2nd.
    const recorded: DestinationCommit[] = [];
    for await (const commit of new PostgresDestination().write(config, catalog, batches(messages), context('sync-r'))) {
      recorded.push(commit);
      if (recorded.length === 3) break;
    }
    expect(await count('raw.resume_users')).toBe(300);
    // Second attempt: resumes at commit 2, the source re-emits from row 201.
    const rest = messages.slice(messages.findIndex((m) => m.type === 'STATE' && (m.state.stream?.stream_state as { n: number }).n === 200) + 1);
    await writeAll(config, catalog, rest, context('sync-r', recorded[1]!.position));
    const { rows } = await sql.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS lo, max(id)::int AS hi FROM raw.resume_users');
    expect(rows[0]).toEqual({ n: 500, d: 500, lo: 1, hi: 500 });
    expect(await leftConnections()).toBe(0);
  });

  it('overwrites atomically: readers see the old table until the new one is complete, also across a lost commit', async () => {
    const catalog = { streams: [stream('ow_users', 'overwrite', USERS)] };
    await writeAll(config, catalog, numbered('ow_users', 120, 50), context('sync-o1'));
    expect(await count('raw.ow_users')).toBe(120);
    let seen = -1;
    const commits: DestinationCommit[] = [];
    for await (const commit of new PostgresDestination().write(config, catalog, batches(numbered('ow_users', 300, 50, (i) => ({ id: i, name: 'new' }))), context('sync-o2'))) {
      commits.push(commit);
      if (commits.length === 3) seen = await count('raw.ow_users');
    }
    expect(seen).toBe(120);
    expect(await count('raw.ow_users')).toBe(300);
    // The final commit (the swap) was never recorded: resuming at commit 4 rebuilds the stage from the swapped table.
    const messages = numbered('ow_users', 300, 50, (i) => ({ id: i, name: 'new' }));
    const rest = messages.slice(messages.findIndex((m) => m.type === 'STATE' && (m.state.stream?.stream_state as { n: number }).n === 200) + 1);
    await writeAll(config, catalog, rest, context('sync-o2', commits[3]!.position));
    const { rows } = await sql.query("SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, count(*) FILTER (WHERE name = 'new')::int AS fresh FROM raw.ow_users");
    expect(rows[0]).toEqual({ n: 300, d: 300, fresh: 300 });
    const leftovers = await sql.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'raw' AND tablename LIKE '_tributary_tmp_%'");
    expect(leftovers.rows[0].n).toBe(0);
  });

  describe('partitions (scale-out)', () => {
    const partitionContext = (syncId: string, index: number, resumePosition?: JsonObject): WriteContext => ({ ...context(syncId, resumePosition), partition: { index, startedAt: '2026-01-01T00:00:00.000Z' } });
    /** Rows from..to of one partition, a state every 50. */
    const slice = (streamName: string, from: number, to: number, name: string) =>
      numbered(streamName, to, 50, (i) => ({ id: i, name })).filter((m) => (m.type === 'RECORD' ? (m.record.data.id as number) : (m.state.stream?.stream_state as { n: number }).n) >= from);

    it('loads partitions written at once into one stage, publishes them in one swap, and publishing again changes nothing', async () => {
      const catalog = { streams: [stream('part_users', 'overwrite', USERS)] };
      await writeAll(config, catalog, numbered('part_users', 30, 10), context('sync-p0'));
      // Three partitions of one sync, concurrently, each on its own connection.
      await Promise.all([
        writeAll(config, catalog, slice('part_users', 1, 200, 'p'), partitionContext('sync-p1', 1)),
        writeAll(config, catalog, slice('part_users', 201, 400, 'p'), partitionContext('sync-p1', 2)),
        writeAll(config, catalog, slice('part_users', 401, 600, 'p'), partitionContext('sync-p1', 3)),
      ]);
      // Written, not published: readers still see the previous generation.
      expect(await count('raw.part_users')).toBe(30);
      // The same sync wrote another stream whole (unit 0) and swapped it in at its end.
      await writeAll(config, { streams: [stream('whole_users', 'overwrite', USERS)] }, numbered('whole_users', 20, 10), context('sync-p1'));
      const partitions = [1, 2, 3].map((index) => ({ index }));
      const publish = () => new PostgresDestination().publishPartitions(config, catalog, { logger, signal: new AbortController().signal, syncId: 'sync-p1', startedAt: '2026-01-01T00:00:00.000Z', partitions });
      await publish();
      const check = "SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS lo, max(id)::int AS hi, count(*) FILTER (WHERE name = 'p')::int AS fresh FROM raw.part_users";
      expect((await sql.query(check)).rows[0]).toEqual({ n: 600, d: 600, lo: 1, hi: 600, fresh: 600 });
      await publish();
      expect((await sql.query(check)).rows[0]).toEqual({ n: 600, d: 600, lo: 1, hi: 600, fresh: 600 });
      const bookkeeping = await sql.query("SELECT sync_id FROM raw._tributary_checkpoints WHERE sync_id LIKE 'sync-p1%' ORDER BY sync_id");
      expect(bookkeeping.rows.map((r) => r.sync_id)).toEqual(['sync-p1']);
      // What the sync published keeps the stream written whole beside the partitioned one.
      const publishedTables = await sql.query("SELECT jsonb_array_elements(published)->>'table' AS t FROM raw._tributary_checkpoints WHERE sync_id = 'sync-p1' ORDER BY 1");
      expect(publishedTables.rows.map((r) => r.t)).toEqual(['part_users', 'whole_users']);
      expect(await leftConnections()).toBe(0);
    });

    it('resumes a partition exactly once, cutting back only its own rows when the platform lost its last commit', async () => {
      const catalog = { streams: [stream('part_append', 'append', USERS)] };
      await writeAll(config, catalog, slice('part_append', 1, 300, 'a'), partitionContext('sync-pa', 1));
      // Partition 2 dies after its 3rd commit (rows up to 450); the platform recorded only the 2nd (up to 400).
      const recorded: DestinationCommit[] = [];
      const second = slice('part_append', 301, 600, 'a');
      for await (const commit of new PostgresDestination().write(config, catalog, batches(second), partitionContext('sync-pa', 2))) {
        recorded.push(commit);
        if (recorded.length === 3) break;
      }
      expect(await count('raw.part_append')).toBe(450);
      const rest = second.slice(second.findIndex((m) => m.type === 'STATE' && (m.state.stream?.stream_state as { n: number }).n === 400) + 1);
      await writeAll(config, catalog, rest, partitionContext('sync-pa', 2, recorded[1]!.position));
      const { rows } = await sql.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, min(id)::int AS lo, max(id)::int AS hi FROM raw.part_append');
      expect(rows[0]).toEqual({ n: 600, d: 600, lo: 1, hi: 600 });
      // Each partition's rows carry the sync id and its own checkpoint range.
      const ranges = await sql.query("SELECT _tributary_checkpoint >> 32 AS partition, count(*)::int AS n FROM raw.part_append WHERE _tributary_sync_id = 'sync-pa' GROUP BY 1 ORDER BY 1");
      expect(ranges.rows).toEqual([{ partition: '1', n: 300 }, { partition: '2', n: 300 }]);
      // Clearing the stream also drops the partitions' bookkeeping rows.
      await new PostgresDestination().clear(config, catalog.streams, { logger, signal: new AbortController().signal });
      expect((await sql.query("SELECT count(*)::int AS n FROM raw._tributary_checkpoints WHERE sync_id LIKE 'sync-pa%'")).rows[0].n).toBe(0);
    });
  });

  it('deduplicates on the primary key keeping the latest version by cursor, across batches and syncs', async () => {
    const properties = { id: { type: 'integer' }, v: { type: 'string' }, updated: { type: 'integer' } };
    const catalog = { streams: [stream('dd', 'append_dedup', properties, { primary_key: [['id']], cursor_field: ['updated'] })] };
    const first = [record('dd', { id: 1, v: 'a', updated: 1 }), record('dd', { id: 2, v: 'a', updated: 1 }), record('dd', { id: 1, v: 'b', updated: 2 }), state('dd', 1), record('dd', { id: 1, v: 'old', updated: 0 }), record('dd', { id: 3, v: 'a', updated: 5 })];
    for (let run = 0; run < 3; run++) await writeAll(config, catalog, first, context(`sync-d${run}`));
    await writeAll(config, catalog, [record('dd', { id: 2, v: 'c', updated: 3 }), record('dd', { id: 2, v: 'd', updated: 3 })], context('sync-d9'));
    const { rows } = await sql.query('SELECT id::int, v, updated::int FROM raw.dd ORDER BY id');
    expect(rows).toEqual([
      { id: 1, v: 'b', updated: 2 },
      { id: 2, v: 'd', updated: 3 },
      { id: 3, v: 'a', updated: 5 },
    ]);
  });

  it('evolves the schema: adds columns and widens types without losing data', async () => {
    const v1 = { id: { type: 'integer', format: 'int32' }, code: { type: 'string', maxLength: 3 }, amount: { type: 'string', format: 'decimal', precision: 5, scale: 2 } };
    await writeAll(config, { streams: [stream('evo', 'append', v1)] }, [record('evo', { id: 1, code: 'abc', amount: '123.45' })], context('sync-e1'));
    const v2 = { id: { type: 'integer' }, code: { type: 'string' }, amount: { type: 'string', format: 'decimal', precision: 12, scale: 4 }, extra: { type: 'boolean' } };
    await writeAll(config, { streams: [stream('evo', 'append', v2)] }, [record('evo', { id: 2 ** 40, code: 'a much longer code', amount: '12345678.1234', extra: true })], context('sync-e2'));
    const types = await sql.query("SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'raw.evo'::regclass AND attnum > 0 AND attname IN ('id','code','amount','extra') ORDER BY attnum");
    expect(types.rows).toEqual([
      { attname: 'id', t: 'bigint' },
      { attname: 'code', t: 'text' },
      { attname: 'amount', t: 'numeric(12,4)' },
      { attname: 'extra', t: 'boolean' },
    ]);
    const { rows } = await sql.query('SELECT id::text, code, amount::text, extra FROM raw.evo ORDER BY id');
    expect(rows).toEqual([
      { id: '1', code: 'abc', amount: '123.4500', extra: null },
      { id: String(2 ** 40), code: 'a much longer code', amount: '12345678.1234', extra: true },
    ]);
  });

  it('stores hostile, mixed-case, unicode and over-long names safely, and typed values exactly', async () => {
    const long = 'column_with_a_really_long_name_that_goes_on_and_on_beyond_sixty_three_bytes';
    const properties = {
      'a"; drop table x; --': { type: 'string' },
      MixedCase: { type: 'integer' },
      'prénom_名前': { type: 'string' },
      [long]: { type: 'string' },
      payload: { type: 'object' },
      blob: { type: 'string', contentEncoding: 'base64' },
      tags: { type: 'array', items: { type: 'string' } },
      at: { type: 'string', format: 'date-time' },
      price: { type: 'string', format: 'decimal' },
    };
    const name = 'Evil"Table; DROP SCHEMA raw; --';
    const data = { 'a"; drop table x; --': 'x\ty\nz\\', MixedCase: 7, 'prénom_名前': 'Zoë', [long]: 'long', payload: { k: [1, 'two', null] }, blob: Buffer.from([0, 1, 254]).toString('base64'), tags: ['a', 'b,c', 'd"e', null], at: '2024-02-29T12:34:56.789123Z', price: '12345678901234567890.123456789' };
    await writeAll(config, { streams: [stream(name, 'append', properties, {}, 'MixedSchema')] }, [record(name, data, 'MixedSchema')], context('sync-h'));
    const { rows } = await sql.query(`SELECT * FROM "MixedSchema"."Evil""Table; DROP SCHEMA raw; --"`);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row['a"; drop table x; --']).toBe('x\ty\nz\\');
    expect(row.MixedCase).toBe('7');
    expect(row['prénom_名前']).toBe('Zoë');
    const longColumn = Object.keys(row).find((k) => k.startsWith('column_with_a_really'))!;
    expect(Buffer.byteLength(longColumn)).toBeLessThanOrEqual(63);
    expect(row[longColumn]).toBe('long');
    expect(row.payload).toEqual({ k: [1, 'two', null] });
    expect([...(row.blob as Buffer)]).toEqual([0, 1, 254]);
    expect(row.tags).toEqual(['a', 'b,c', 'd"e', null]);
    const exact = await sql.query(`SELECT price::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at FROM "MixedSchema"."Evil""Table; DROP SCHEMA raw; --"`);
    expect(exact.rows[0]).toEqual({ price: '12345678901234567890.123456789', at: '2024-02-29T12:34:56.789123' });
    expect((await sql.query("SELECT to_regclass('raw.append_users') IS NOT NULL AS ok")).rows[0].ok).toBe(true);
  });

  it('releases its connection when the input fails or the write is aborted', async () => {
    const catalog = { streams: [stream('fail_users', 'append', USERS)] };
    async function* failing(): AsyncGenerator<MessageBatch> {
      yield [record('fail_users', { id: 1, name: 'x' })];
      throw new Error('source exploded');
    }
    await expect(
      (async () => {
        for await (const _ of new PostgresDestination().write(config, catalog, failing(), context('sync-f'))) void _;
      })(),
    ).rejects.toThrow('source exploded');
    expect(await leftConnections()).toBe(0);

    const controller = new AbortController();
    async function* slow(): AsyncGenerator<MessageBatch> {
      yield [record('fail_users', { id: 1, name: 'x' })];
      controller.abort(new Error('cancelled'));
      yield [record('fail_users', { id: 2, name: 'y' })];
    }
    await expect(
      (async () => {
        for await (const _ of new PostgresDestination().write(config, catalog, slow(), context('sync-g', undefined, controller.signal))) void _;
      })(),
    ).rejects.toThrow();
    expect(await leftConnections()).toBe(0);
    expect(await count('raw.fail_users')).toBe(0);

    // A value that does not fit its column: a system error naming the stream, nothing half-written.
    await expect(writeAll(config, catalog, [record('fail_users', { id: 'not a number', name: 'x' })], context('sync-h2'))).rejects.toThrow(/fail_users/);
    expect(await leftConnections()).toBe(0);
  });

  describe('rows as binary COPY output (postgres_copy_binary)', () => {
    const SOURCE_COLUMNS: [string, string, JsonObject][] = [
      ['id', 'integer', { type: 'integer', format: 'int32' }],
      ['small', 'smallint', { type: ['integer', 'null'], format: 'int16' }],
      ['r', 'real', { type: ['number', 'null'], format: 'float' }],
      ['doc', 'json', { type: ['object', 'null'], airbyte_type: 'json' }],
      ['name', 'varchar(8)', { type: ['string', 'null'], maxLength: 8 }],
      ['tags', 'text[]', { type: ['array', 'null'], items: { type: ['string', 'null'] } }],
      ['at', 'timestamptz', { type: ['string', 'null'], format: 'date-time' }],
      ['price', 'numeric(10,2)', { type: ['string', 'null'], format: 'decimal', precision: 10, scale: 2 }],
    ];
    const properties = Object.fromEntries(SOURCE_COLUMNS.map(([name, , schema]) => [name, schema]));
    const fields = SOURCE_COLUMNS.map(([name]) => name);
    const types: ChunkColumnType[] = [['int4'], ['int2'], ['float4'], ['json'], ['varchar'], ['_text'], ['timestamptz'], ['numeric']].map(([typeName]) => ({ typeName: typeName!, typmod: -1, typeKind: 'b' }));
    const EMITTED_AT = 1_700_000_000_000;
    let halves: Buffer[];

    beforeAll(async () => {
      await sql.query(`CREATE SCHEMA src; CREATE TABLE src.t (${SOURCE_COLUMNS.map(([name, type]) => `${name} ${type}`).join(', ')})`);
      await sql.query(`INSERT INTO src.t SELECT i, (i * 100 - 15000)::smallint, i / 3.0, json_build_object('n', i, 'list', json_build_array(1, 'two', null)), 'n' || i,
        ARRAY['a"b', NULL, 'c\\d'], '2024-02-29 12:34:56.789123+00'::timestamptz + i * interval '1 hour', i * 1.25 FROM generate_series(1, 300) i`);
      await sql.query(`INSERT INTO src.t (id) VALUES (301)`);
      const half = async (where: string) => {
        const parts: Buffer[] = [];
        for await (const part of sql.query(copyTo(`COPY (SELECT * FROM src.t WHERE ${where} ORDER BY id) TO STDOUT (FORMAT binary)`)) as AsyncIterable<Buffer>) parts.push(part);
        const all = Buffer.concat(parts);
        return all.subarray(19, all.length - 2); // header (no extension) and trailer cut off, as a source sends tuples
      };
      halves = [await half('id <= 150'), await half('id > 150')];
    });

    const chunk = (stream: string, data: Buffer, rows: number): ProtocolMessage => ({ type: 'RECORD_CHUNK', chunk: { stream, format: 'postgres_copy_binary', fields, types, rows, data, emitted_at: EMITTED_AT } });
    const asRecords = (stream: string): ProtocolMessage[] =>
      halves.flatMap((data, i) => [...binaryChunkRecords(fields, types, data, i === 0 ? 150 : 151)].map((values) => ({ type: 'RECORD' as const, record: { stream, data: values, emitted_at: EMITTED_AT } })));
    const binaryInput = (stream: string): ProtocolMessage[] => [chunk(stream, halves[0]!, 150), state(stream, 1), chunk(stream, halves[1]!, 151), state(stream, 2)];
    const differing = async (a: string, b: string) => {
      const list = fields.join(', ');
      return (await sql.query(`(SELECT ${list}, _tributary_extracted_at FROM raw.${a} EXCEPT ALL SELECT ${list}, _tributary_extracted_at FROM raw.${b}) UNION ALL (SELECT ${list}, _tributary_extracted_at FROM raw.${b} EXCEPT ALL SELECT ${list}, _tributary_extracted_at FROM raw.${a})`)).rows;
    };

    it('loads them in binary with the metadata columns, storing exactly what the record path stores', async () => {
      const offered: Record<string, readonly string[]> = {};
      const ctx = { ...context('sync-bin'), acceptRecordChunks: (key: string, formats: readonly string[]) => void (offered[key] = formats) };
      const commits = await writeAll(config, { streams: [stream('bin', 'overwrite', properties)] }, binaryInput('bin'), ctx);
      expect(offered).toEqual({ bin: ['postgres_copy_binary', 'postgres_copy_text'] });
      expect(commits.map((c) => c.stats.bin?.records ?? 0)).toEqual([150, 151, 0]);
      await writeAll(config, { streams: [stream('bin_records', 'overwrite', properties)] }, asRecords('bin_records'), context('sync-bin-records'));
      expect(await differing('bin', 'bin_records')).toEqual([]);
      const types = await sql.query("SELECT string_agg(format_type(atttypid, atttypmod), ', ' ORDER BY attnum) AS list FROM pg_attribute WHERE attrelid = 'raw.bin'::regclass AND attnum > 0 AND attnum <= 8");
      expect(types.rows[0].list).toBe('integer, smallint, real, jsonb, character varying(8), text[], timestamp with time zone, numeric(10,2)');
      const meta = await sql.query('SELECT count(*)::int AS n, count(DISTINCT _tributary_raw_id)::int AS ids, min(_tributary_sync_id) AS sync, array_agg(DISTINCT _tributary_checkpoint ORDER BY _tributary_checkpoint) AS checkpoints, min(_tributary_extracted_at) = max(_tributary_extracted_at) AS one_time FROM raw.bin');
      expect(meta.rows[0]).toEqual({ n: 301, ids: 301, sync: 'sync-bin', checkpoints: ['1', '2'], one_time: true });
      const sample = await sql.query("SELECT small, doc->>'n' AS n, tags, price::text, to_char(_tributary_extracted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') AS at FROM raw.bin WHERE id = 2");
      expect(sample.rows[0]).toEqual({ small: -14800, n: '2', tags: ['a"b', null, 'c\\d'], price: '2.50', at: '2023-11-14 22:13:20.000' });
    });

    it('widens integers and json into the wider columns of an existing table, and loads values binary would change as records', async () => {
      // The tables exist with wider columns (id bigint, small bigint, r double precision, name text, price numeric).
      const wider = { ...properties, id: { type: 'integer' }, small: { type: ['integer', 'null'] }, r: { type: ['number', 'null'] }, name: { type: ['string', 'null'] }, price: { type: ['string', 'null'], format: 'decimal' } };
      await writeAll(config, { streams: [stream('wide', 'append', wider), stream('wide_records', 'append', wider)] }, [], context('sync-create'));
      const messages: string[] = [];
      const ctx = { ...context('sync-wide'), logger: { ...logger, info: (message: string) => void messages.push(message) } };
      await writeAll(config, { streams: [stream('wide', 'append', properties)] }, binaryInput('wide'), ctx);
      await writeAll(config, { streams: [stream('wide_records', 'append', properties)] }, asRecords('wide_records'), context('sync-wide-records'));
      expect(await differing('wide', 'wide_records')).toEqual([]);
      expect(await count('raw.wide')).toBe(301);
      // real values are read as their shortest text by the record path: 1/3 is 0.33333334, not 0.3333333432674408.
      expect((await sql.query('SELECT r FROM raw.wide WHERE id = 1')).rows[0].r).toBe(0.33333334);
      expect(messages.filter((m) => m.includes('loaded as records'))).toEqual(['stream "wide": a float4 value goes into a double precision column, which binary COPY would store differently; its rows are loaded as records (slower)']);
    });

    it('widens without converting when every column takes the binary value', async () => {
      const wider = { ...properties, id: { type: 'integer' }, small: { type: ['integer', 'null'] }, name: { type: ['string', 'null'] }, price: { type: ['string', 'null'], format: 'decimal', precision: 12, scale: 2 } };
      await writeAll(config, { streams: [stream('widened', 'append', wider), stream('widened_records', 'append', wider)] }, [], context('sync-create-widened'));
      const messages: string[] = [];
      const ctx = { ...context('sync-widened'), logger: { ...logger, info: (message: string) => void messages.push(message) } };
      await writeAll(config, { streams: [stream('widened', 'append', properties)] }, binaryInput('widened'), ctx);
      expect(messages.filter((m) => m.includes('loaded as records'))).toEqual([]);
      await writeAll(config, { streams: [stream('widened_records', 'append', properties)] }, asRecords('widened_records'), context('sync-widened-records'));
      expect(await differing('widened', 'widened_records')).toEqual([]);
      const sums = await sql.query("SELECT sum(id)::text AS ids, sum(small)::text AS smalls, sum((doc->>'n')::int)::text AS docs, count(*)::int AS n FROM raw.widened");
      expect(sums.rows[0]).toEqual({ ids: String((301 * 302) / 2), smalls: String(Array.from({ length: 300 }, (_, i) => (i + 1) * 100 - 15000).reduce((a, b) => a + b, 0)), docs: String((300 * 301) / 2), n: 301 });
    });
  });

  describe('what the platform sends besides its streams', () => {
    it('commits a state of a stream that is not in the catalog (the replay marker) like any other, in order', async () => {
      const catalog = { streams: [stream('replayed', 'append', USERS)] };
      const marker: ProtocolMessage = { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: '__tributary_replay__' }, stream_state: { replayed: 2 } } } };
      const commits = await writeAll(config, catalog, [record('replayed', { id: 1, name: 'a' }), marker, record('replayed', { id: 2, name: 'b' }), state('replayed', 2)], context('sync-replay'));
      expect(commits.map((c) => c.states.map((s) => s.state.stream?.stream_descriptor.name))).toEqual([['__tributary_replay__'], ['replayed'], []]);
      expect(commits.map((c) => c.stats.replayed?.records ?? 0)).toEqual([1, 1, 0]);
      expect(await count('raw.replayed')).toBe(2);
    });

    it('creates the quarantine stream of a data contract like any stream, its record as jsonb', async () => {
      const quarantine = '_tributary_quarantine_orders';
      const properties = {
        _tributary_source_stream: { type: 'string' },
        _tributary_quarantine_column: { type: 'string' },
        _tributary_quarantine_reason: { type: 'string' },
        _tributary_quarantine_contract: { type: 'string' },
        record: { type: 'object' },
      };
      const catalog = { streams: [stream('orders', 'append', { id: { type: 'integer' }, amount: { type: 'number' } }), stream(quarantine, 'append', properties)] };
      const rejected = { id: 7, amount: 'not a number', nested: { a: [1, null, 'x'] }, 'odd"key': true };
      await writeAll(
        config,
        catalog,
        [
          record('orders', { id: 1, amount: 9.5 }),
          record(quarantine, { _tributary_source_stream: 'orders', _tributary_quarantine_column: 'amount', _tributary_quarantine_reason: 'expected a number, got "not a number"', _tributary_quarantine_contract: 'discard_row', record: rejected }),
          state('orders', 1),
        ],
        context('sync-quarantine'),
      );
      const types = await sql.query(`SELECT attname, format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'raw."${quarantine}"'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`);
      expect(types.rows.slice(0, 5)).toEqual([
        { attname: '_tributary_source_stream', t: 'text' },
        { attname: '_tributary_quarantine_column', t: 'text' },
        { attname: '_tributary_quarantine_reason', t: 'text' },
        { attname: '_tributary_quarantine_contract', t: 'text' },
        { attname: 'record', t: 'jsonb' },
      ]);
      const { rows } = await sql.query(`SELECT _tributary_source_stream, _tributary_quarantine_column, _tributary_quarantine_reason, _tributary_quarantine_contract, record, _tributary_sync_id FROM raw."${quarantine}"`);
      expect(rows).toEqual([
        { _tributary_source_stream: 'orders', _tributary_quarantine_column: 'amount', _tributary_quarantine_reason: 'expected a number, got "not a number"', _tributary_quarantine_contract: 'discard_row', record: rejected, _tributary_sync_id: 'sync-quarantine' },
      ]);
      expect(await count('raw.orders')).toBe(1);
    });
  });

  describe('clear', () => {
    const exists = async (name: string) => (await sql.query('SELECT to_regclass($1) IS NOT NULL AS ok', [name])).rows[0].ok as boolean;
    const checkpointRows = async () => (await sql.query('SELECT sync_id FROM raw._tributary_checkpoints ORDER BY sync_id')).rows.map((r) => r.sync_id as string);
    const stages = async (schema: string) => (await sql.query("SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE '\\_tributary\\_tmp\\_%'", [schema])).rows.length;

    it('drops the streams’ tables, unfinished overwrite stages and bookkeeping, leaves other streams, and the next sync starts from nothing', async () => {
      const appended = stream('clear_events', 'append', USERS, {}, 'clearing');
      const overwritten = stream('clear_users', 'overwrite', USERS, {}, 'clearing');
      const deduped = stream('clear_dedup', 'append_dedup', USERS, { primary_key: [['id']] }, 'clearing');
      const kept = stream('clear_kept', 'append', USERS, {}, 'clearing');
      const inNamespace = (messages: ProtocolMessage[], namespace: string) =>
        messages.map((m) => (m.type === 'RECORD' ? { ...m, record: { ...m.record, namespace } } : m));
      await writeAll(config, { streams: [appended, kept] }, inNamespace([...numbered('clear_events', 30, 10), ...numbered('clear_kept', 5, 5)], 'clearing'), context('sync-c1'));
      await writeAll(config, { streams: [appended] }, inNamespace(numbered('clear_events', 30, 10), 'clearing'), context('sync-c2'));
      await writeAll(config, { streams: [overwritten, deduped] }, inNamespace([...numbered('clear_users', 20, 10), ...numbered('clear_dedup', 20, 10)], 'clearing'), context('sync-c3'));
      // An overwrite that died after its first commit: its stage holds 10 rows, the table the old 20.
      for await (const commit of new PostgresDestination().write(config, { streams: [overwritten] }, batches(inNamespace(numbered('clear_users', 40, 10), 'clearing')), context('sync-c4'))) {
        void commit;
        break;
      }
      expect(await stages('clearing')).toBe(1);
      expect(await checkpointRows()).toEqual(expect.arrayContaining(['sync-c1', 'sync-c2', 'sync-c3', 'sync-c4']));

      await new PostgresDestination().clear({ ...config }, [appended, overwritten, deduped], { logger, signal: new AbortController().signal });

      expect(await exists('clearing.clear_events')).toBe(false);
      expect(await exists('clearing.clear_users')).toBe(false);
      expect(await exists('clearing.clear_dedup')).toBe(false);
      expect(await stages('clearing')).toBe(0);
      expect(await count('clearing.clear_kept')).toBe(5);
      // sync-c1 also wrote clear_kept, but its bookkeeping only serves resuming that (finished) sync.
      const left = await checkpointRows();
      for (const syncId of ['sync-c1', 'sync-c2', 'sync-c3', 'sync-c4']) expect(left).not.toContain(syncId);
      expect(await leftConnections()).toBe(0);

      // Clearing what is already gone is fine; the next syncs start from nothing, dedup index included.
      await new PostgresDestination().clear(config, [appended, overwritten, deduped], { logger, signal: new AbortController().signal });
      await writeAll(config, { streams: [appended, overwritten, deduped] }, inNamespace([...numbered('clear_events', 3, 3), ...numbered('clear_users', 4, 4), ...numbered('clear_dedup', 2, 2), ...numbered('clear_dedup', 2, 2)], 'clearing'), context('sync-c5'));
      expect(await count('clearing.clear_events')).toBe(3);
      expect(await count('clearing.clear_users')).toBe(4);
      expect(await count('clearing.clear_dedup')).toBe(2);
    });

    it('refuses, in words, to drop a table that a view depends on, and changes nothing', async () => {
      const guarded = stream('clear_guarded', 'append', USERS);
      await writeAll(config, { streams: [guarded] }, numbered('clear_guarded', 3, 3), context('sync-cg'));
      await sql.query('CREATE VIEW raw.guarded_view AS SELECT id FROM raw.clear_guarded');
      await expect(new PostgresDestination().clear(config, [guarded], { logger, signal: new AbortController().signal })).rejects.toMatchObject({
        failureType: 'config_error',
        message: expect.stringMatching(/depend/),
      });
      expect(await count('raw.clear_guarded')).toBe(3);
      expect(await checkpointRows()).toContain('sync-cg');
      expect(await leftConnections()).toBe(0);
    });
  });
});
