// The MySQL source against a real MariaDB: discovery and exact values of every mapped type, full
// refresh by primary-key ranges that resumes where it stopped (composite and text keys too),
// incremental reads that miss nothing at the boundary, failures in words, a killed connection
// classified as transient, and no connection left behind in any outcome.
import { classifyError, type ConnectorContext } from '@tributary/connector-sdk';
import type { AirbyteStream, ConfiguredAirbyteStream, JsonObject, ProtocolMessage, RecordMessage, StateMessage } from '@tributary/protocol';
import { MysqlSource } from '../src';
import { createMysqlTestDatabase, type MysqlTestDatabase } from './mysql-test-database';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctx = (signal = new AbortController().signal): ConnectorContext => ({ logger, signal });

const records = (messages: ProtocolMessage[]) => messages.filter((m): m is RecordMessage => m.type === 'RECORD').map((m) => m.record.data);
const states = (messages: ProtocolMessage[]) => messages.filter((m): m is StateMessage => m.type === 'STATE');

describe('MySQL source (MariaDB)', () => {
  let db: MysqlTestDatabase;
  let config: JsonObject;
  let catalog: Map<string, AirbyteStream>;
  const user = `trb_np_${Date.now().toString(36)}`;

  const configured = (name: string, extra: Partial<ConfiguredAirbyteStream> = {}): ConfiguredAirbyteStream => ({ stream: catalog.get(name)!, sync_mode: 'full_refresh', destination_sync_mode: 'append', ...extra });

  async function readAll(streams: ConfiguredAirbyteStream[], state: StateMessage[] = [], readConfig = config): Promise<ProtocolMessage[]> {
    const out: ProtocolMessage[] = [];
    for await (const batch of new MysqlSource().read(readConfig, { streams }, state, ctx())) out.push(...batch);
    return out;
  }

  /** Connections of the source to the test database (the admin connection excluded). */
  async function leftConnections(): Promise<number> {
    const [rows] = await db.admin.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [db.name]);
    return Number((rows as { n: number }[])[0]!.n);
  }

  async function settledConnections(): Promise<number> {
    const deadline = Date.now() + 3000;
    while ((await leftConnections()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    return leftConnections();
  }

  beforeAll(async () => {
    db = await createMysqlTestDatabase('tributary_smy');
    config = { ...db.config, checkpoint_rows: 100 };
    await db.admin.query(`
      SET SESSION sql_mode = '';
      CREATE TABLE typed (
        id bigint PRIMARY KEY, flag tinyint(1) NOT NULL, tiny tinyint, small smallint unsigned, med mediumint, i int, iu int unsigned,
        big bigint, ubig bigint unsigned, amount decimal(30,10), f float, d double, b bit(1), b10 bit(10), yr year,
        day date, dtm datetime(6), ts timestamp(6) NULL, tm time(3), c char(3), vc varchar(20), txt text, bin varbinary(8), blb blob,
        doc json, mood enum('sad','ok','it''s, fine'), tags set('a','b','c'), u uuid, pt point, updated_at datetime(6) NOT NULL);
      INSERT INTO typed VALUES (1, 1, -128, 65535, -8388608, -2147483648, 4294967295,
        9223372036854775807, 18446744073709551615, '12345678901234567890.0123456789', 1.5, 0.1, b'1', b'1000000001', 2155,
        '2024-02-29', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.123456', '-838:59:59.5', 'ab', 'Zoë 🚀', 'tab\\there\\nnewline "quoted"', x'00ff10', x'deadbeef',
        '{"a": [1, 2.5, null], "b": {"c": "d"}}', 'it''s, fine', 'a,c', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', POINT(1, 2), '2024-03-01 00:00:00');
      INSERT INTO typed (id, flag, dtm, day, updated_at) VALUES (2, 0, '0000-00-00 00:00:00', '0000-00-00', '2024-03-01 00:00:00');
      CREATE VIEW typed_view AS SELECT id, vc FROM typed;
      CREATE TABLE items (id int PRIMARY KEY, pad varchar(200) NOT NULL, updated_at datetime NOT NULL);
      INSERT INTO items SELECT seq, REPEAT('x', 100), TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (seq DIV 50) DAY FROM seq_1_to_1000;
      CREATE TABLE pairs (grp varchar(10) NOT NULL, n int NOT NULL, v int, PRIMARY KEY (grp, n));
      INSERT INTO pairs SELECT ELT(1 + seq % 3, 'Alpha', 'beta', 'Gamma'), seq, seq FROM seq_1_to_350;
      CREATE TABLE logs (msg varchar(20), at datetime);
      INSERT INTO logs VALUES ('one', '2024-01-01'), ('two', NULL);
    `);
    await db.admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'secret-pw'`);
    catalog = new Map((await new MysqlSource().discover(config, ctx())).streams.map((s) => [s.name, s]));
  });

  afterAll(async () => {
    await db?.admin.query(`DROP USER IF EXISTS '${user}'@'%'`).catch(() => undefined);
    await db?.drop();
  });

  it('checks the connection and the privileges, failures in words', async () => {
    await expect(new MysqlSource().check(config, ctx())).resolves.toEqual({ status: 'SUCCEEDED' });
    expect(await new MysqlSource().check({ ...config, database: 'no_such_db_xyz' }, ctx())).toEqual({ status: 'FAILED', message: expect.stringMatching(/does not exist|no access/) });
    expect(await new MysqlSource().check({ ...config, username: user, password: 'wrong' }, ctx())).toEqual({ status: 'FAILED', message: expect.stringContaining('password is wrong') });
    expect(await new MysqlSource().check({ ...config, username: user, password: 'secret-pw' }, ctx())).toEqual({ status: 'FAILED', message: expect.stringContaining('no access to the database') });
    expect(await new MysqlSource().check({ ...config, port: 1 }, ctx())).toEqual({ status: 'FAILED', message: expect.stringContaining('ECONNREFUSED') });
    expect(await new MysqlSource().check({ ...config, port: 'x' }, ctx())).toEqual({ status: 'FAILED', message: expect.stringContaining('port') });
    expect(await settledConnections()).toBe(0);
  });

  it('discovers tables and views with exact types, primary keys and cursor candidates', () => {
    const typed = catalog.get('typed')!;
    expect(typed).toMatchObject({ namespace: db.name, source_defined_primary_key: [['id']], default_cursor_field: ['updated_at'], supported_sync_modes: ['full_refresh', 'incremental'], is_resumable: true });
    expect(typed.json_schema.properties).toEqual({
      id: { type: ['integer', 'string'], format: 'int64' },
      flag: { type: 'boolean' },
      tiny: { type: ['integer', 'null'], format: 'int16' },
      small: { type: ['integer', 'null'], format: 'int32' },
      med: { type: ['integer', 'null'], format: 'int32' },
      i: { type: ['integer', 'null'], format: 'int32' },
      iu: { type: ['integer', 'null'], format: 'int64' },
      big: { type: ['integer', 'string', 'null'], format: 'int64' },
      ubig: { type: ['string', 'null'], format: 'decimal', precision: 20, scale: 0 },
      amount: { type: ['string', 'null'], format: 'decimal', precision: 30, scale: 10 },
      f: { type: ['number', 'null'], format: 'float' },
      d: { type: ['number', 'null'], format: 'double' },
      b: { type: ['boolean', 'null'] },
      b10: { type: ['integer', 'null'], format: 'int64' },
      yr: { type: ['integer', 'null'], format: 'int16' },
      day: { type: ['string', 'null'], format: 'date' },
      dtm: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
      ts: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_with_timezone' },
      tm: { type: ['string', 'null'], format: 'time', airbyte_type: 'time_without_timezone' },
      c: { type: ['string', 'null'], maxLength: 3 },
      vc: { type: ['string', 'null'], maxLength: 20 },
      txt: { type: ['string', 'null'] },
      bin: { type: ['string', 'null'], contentEncoding: 'base64' },
      blb: { type: ['string', 'null'], contentEncoding: 'base64' },
      doc: { format: 'json' },
      mood: { type: ['string', 'null'], enum: ['sad', 'ok', "it's, fine", null] },
      tags: { type: ['string', 'null'] },
      u: { type: ['string', 'null'], format: 'uuid' },
      pt: { type: ['string', 'null'] },
      updated_at: { type: ['string', 'null'], format: 'date-time', airbyte_type: 'timestamp_without_timezone' },
    });
    expect(catalog.get('typed_view')).toMatchObject({ is_resumable: false });
    expect(catalog.get('typed_view')!.source_defined_primary_key).toBeUndefined();
    expect(catalog.get('pairs')).toMatchObject({ source_defined_primary_key: [['grp'], ['n']], is_resumable: true });
    expect(catalog.get('logs')).toMatchObject({ default_cursor_field: ['at'], is_resumable: false });
  });

  it('reads every type exactly', async () => {
    const rows = records(await readAll([configured('typed')]));
    expect(rows).toEqual([
      {
        id: 1, flag: true, tiny: -128, small: 65535, med: -8388608, i: -2147483648, iu: 4294967295,
        big: '9223372036854775807', ubig: '18446744073709551615', amount: '12345678901234567890.0123456789', f: 1.5, d: 0.1, b: true, b10: 513, yr: 2155,
        day: '2024-02-29', dtm: '2024-02-29T12:34:56.123456', ts: '2024-02-29T12:34:56.123456Z', tm: '-838:59:59.500', c: 'ab', vc: 'Zoë 🚀', txt: 'tab\there\nnewline "quoted"',
        bin: Buffer.from([0, 255, 16]).toString('base64'), blb: Buffer.from('deadbeef', 'hex').toString('base64'),
        doc: { a: [1, 2.5, null], b: { c: 'd' } }, mood: "it's, fine", tags: 'a,c', u: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', pt: 'POINT(1 2)', updated_at: '2024-03-01T00:00:00.000000',
      },
      {
        id: 2, flag: false, tiny: null, small: null, med: null, i: null, iu: null, big: null, ubig: null, amount: null, f: null, d: null, b: null, b10: null, yr: null,
        day: null, dtm: null, ts: null, tm: null, c: null, vc: null, txt: null, bin: null, blb: null, doc: null, mood: null, tags: null, u: null, pt: null, updated_at: '2024-03-01T00:00:00.000000',
      },
    ]);
    expect(await settledConnections()).toBe(0);
  });

  it('reads a full refresh in primary-key ranges and resumes after the last committed range', async () => {
    const all = await readAll([configured('items')]);
    expect(records(all).map((r) => r.id)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const ranges = states(all).map((s) => s.state.stream!.stream_state);
    expect(ranges).toEqual([...Array.from({ length: 10 }, (_, i) => ({ last_key: [(i + 1) * 100] })), { complete: true }]);
    const resumed = await readAll([configured('items')], [states(all)[3]!]);
    expect(records(resumed).map((r) => r.id)).toEqual(Array.from({ length: 600 }, (_, i) => i + 401));
    // Only the selected columns are emitted, although the key is read to page.
    const narrow = await readAll([configured('items', { stream: { ...catalog.get('items')!, json_schema: { type: 'object', properties: { pad: { type: 'string' } } } } })]);
    expect(records(narrow)).toHaveLength(1000);
    expect(Object.keys(records(narrow)[0]!)).toEqual(['pad']);
  });

  it('pages composite text keys in the collation order, every row once', async () => {
    const all = await readAll([configured('pairs')]);
    const keys = records(all).map((r) => `${r.grp}/${r.n}`);
    expect(new Set(keys).size).toBe(350);
    expect(states(all).length).toBe(4);
    const resumed = await readAll([configured('pairs')], [states(all)[1]!]);
    expect(records(resumed).map((r) => `${r.grp}/${r.n}`)).toEqual(keys.slice(200));
  });

  it('reads views and tables without a primary key in one go', async () => {
    const view = await readAll([configured('typed_view'), configured('logs')]);
    expect(records(view)).toEqual([{ id: 1, vc: 'Zoë 🚀' }, { id: 2, vc: null }, { msg: 'one', at: '2024-01-01T00:00:00' }, { msg: 'two', at: null }]);
    expect(states(view).map((s) => s.state.stream!.stream_state)).toEqual([{ complete: true }, { complete: true }]);
  });

  it('reads incrementally without missing rows that share the boundary value', async () => {
    await db.admin.query(`CREATE TABLE feed (id int PRIMARY KEY, updated_at datetime(3) NOT NULL);
      INSERT INTO feed SELECT seq, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (seq DIV 40) MINUTE FROM seq_1_to_300`);
    catalog = new Map((await new MysqlSource().discover(config, ctx())).streams.map((s) => [s.name, s]));
    const stream = configured('feed', { sync_mode: 'incremental', cursor_field: ['updated_at'] });
    const first = await readAll([stream]);
    expect(records(first)).toHaveLength(300);
    // A STATE only where the value changes, after at least checkpoint_rows rows.
    const last = states(first).at(-1)!;
    expect(last.state.stream!.stream_state).toEqual({ cursor_field: ['updated_at'], cursor: '2024-01-01 00:07:00.000', cursor_record_count: 21 });
    expect(states(first).slice(0, -1).every((s) => (s.state.stream!.stream_state as { cursor_record_count: number }).cursor_record_count === 40)).toBe(true);

    // Nothing new: nothing re-read.
    expect(records(await readAll([stream], [last]))).toEqual([]);
    // A row joins the boundary value, one comes later, one earlier (missed by design: the cursor only moves forward).
    await db.admin.query("INSERT INTO feed VALUES (1001, '2024-01-01 00:07:00'), (1002, '2024-01-02 00:00:00'), (1003, '2023-01-01 00:00:00')");
    const second = await readAll([stream], [last]);
    const ids = records(second).map((r) => r.id as number);
    expect(ids).toEqual(expect.arrayContaining([1001, 1002]));
    expect(ids).not.toContain(1003);
    expect(ids.filter((id) => id < 1000)).toHaveLength(21);
    expect(states(second).at(-1)!.state.stream!.stream_state).toEqual({ cursor_field: ['updated_at'], cursor: '2024-01-02 00:00:00.000', cursor_record_count: 1 });
  });

  it('refuses a cursor that does not order exactly, and a table that is gone, as config errors', async () => {
    await expect(readAll([configured('typed', { sync_mode: 'incremental', cursor_field: ['txt'] })])).rejects.toMatchObject({ failureType: 'config_error', message: expect.stringContaining('does not order exactly') });
    const gone = { ...catalog.get('logs')!, name: 'no_such_table' };
    await expect(readAll([{ stream: gone, sync_mode: 'full_refresh', destination_sync_mode: 'append' }])).rejects.toMatchObject({ failureType: 'config_error' });
    expect(await settledConnections()).toBe(0);
  });

  it('releases its connection when cancelled or stopped early, and classifies a killed connection as transient', async () => {
    const controller = new AbortController();
    const cancelled = (async () => {
      for await (const batch of new MysqlSource().read(config, { streams: [configured('items')] }, [], ctx(controller.signal))) {
        if (batch.some((m) => m.type === 'RECORD')) controller.abort(new Error('cancelled'));
      }
    })();
    await expect(cancelled).rejects.toThrow();
    expect(await settledConnections()).toBe(0);

    for await (const batch of new MysqlSource().read(config, { streams: [configured('items')] }, [], ctx())) {
      if (batch.some((m) => m.type === 'RECORD')) break;
    }
    expect(await settledConnections()).toBe(0);

    let failure: unknown;
    try {
      for await (const batch of new MysqlSource().read({ ...config, checkpoint_rows: 100 }, { streams: [configured('items')] }, [], ctx())) {
        if (batch.some((m) => m.type === 'STATE')) {
          const [rows] = await db.admin.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [db.name]);
          for (const { id } of rows as { id: number }[]) await db.admin.query(`KILL CONNECTION ${Number(id)}`);
        }
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeDefined();
    expect(classifyError(failure).failureType).toBe('transient_error');
    expect(await settledConnections()).toBe(0);
  });
});
