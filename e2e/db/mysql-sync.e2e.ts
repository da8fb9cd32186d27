// MariaDB (or MySQL) → PostgreSQL through the whole platform (API, Temporal, a real worker): every
// value arrives exactly — unsigned bigints, decimals, tinyint(1) booleans, datetimes without zone,
// UTC timestamps, JSON, binary, enums, unicode — in typed columns, and an incremental dedup sync
// picks up rows that joined the cursor's boundary value without duplicating anything.
import { randomBytes } from 'node:crypto';
import { type Connection, createConnection } from 'mysql2/promise';
import { Client } from 'pg';
import { createTestDatabase, startStack, type Stack, type TestDatabase } from '../../tools/testing';
import { postgresConnectionConfig, TERMINAL_STATUSES as TERMINAL, type JobView as Job } from '../support/jobs';

const MYSQL_URL = new URL(process.env['TRIBUTARY_TEST_MYSQL_URL'] || 'mysql://root@127.0.0.1:3306');

/** Setup outside a test cannot assert: a failed creation throws with the API's answer. */
function created(response: { status: number; body: unknown }): void {
  if (response.status !== 201) throw new Error(`expected 201 Created, got ${response.status}: ${JSON.stringify(response.body)}`);
}


describe('MariaDB to PostgreSQL through the platform', () => {
  let stack: Stack;
  let mysql: Connection;
  let database: string;
  let destinationDb: TestDatabase;
  let destination: Client;
  let connectionId: string;

  beforeAll(async () => {
    database = `tributary_e2e_my_${randomBytes(5).toString('hex')}`;
    mysql = await createConnection({ host: MYSQL_URL.hostname, port: Number(MYSQL_URL.port || 3306), user: decodeURIComponent(MYSQL_URL.username || 'root'), password: decodeURIComponent(MYSQL_URL.password) || undefined, multipleStatements: true, charset: 'utf8mb4' });
    await mysql.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4; USE \`${database}\`; SET time_zone = '+00:00'`);
    await mysql.query(`
      CREATE TABLE orders (
        id bigint unsigned PRIMARY KEY, amount decimal(24,6) NOT NULL, paid tinyint(1) NOT NULL, note varchar(40), placed datetime(6) NOT NULL,
        updated_at timestamp(6) NOT NULL, doc json, raw varbinary(8), status enum('new','paid','it''s shipped'), qty int unsigned);
      INSERT INTO orders VALUES
        (18446744073709551615, 123456789012345678.123456, 1, 'Zoë 🚀 "quoted"', '2024-02-29 23:59:59.999999', '2024-03-01 00:00:00.000001', '{"lines": [{"sku": "a", "n": 2}], "gift": null}', x'00ff10', 'it''s shipped', 4294967295),
        (1, -0.000001, 0, NULL, '1970-01-01 00:00:00', '2024-03-01 00:00:00.000001', NULL, NULL, NULL, NULL),
        (2, 0, 1, 'tab\\tnewline\\n', '2038-01-19 03:14:08', '2024-03-02 12:00:00', '[]', x'', 'new', 0);
    `);
    destinationDb = await createTestDatabase('tributary_e2e_my_dst');
    destination = new Client({ connectionString: destinationDb.url });
    await destination.connect();
    stack = await startStack({ workers: 1 });

    const source = await stack.request('POST', '/sources', {
      name: 'MariaDB shop',
      definitionId: 'source-mysql',
      config: { host: MYSQL_URL.hostname, port: Number(MYSQL_URL.port || 3306), database, username: decodeURIComponent(MYSQL_URL.username || 'root'), ...(MYSQL_URL.password ? { password: decodeURIComponent(MYSQL_URL.password) } : {}) },
    });
    created(source);
    const check = await stack.request('POST', `/sources/${source.body.id as string}/check`);
    if (check.body.status !== 'succeeded') throw new Error(`the MariaDB source check failed: ${JSON.stringify(check.body)}`);
    const target = await stack.request('POST', '/destinations', { name: 'Warehouse', definitionId: 'destination-postgres', config: { ...postgresConnectionConfig(destinationDb.url), schema: 'public' } });
    created(target);
    const connection = await stack.request('POST', '/connections', {
      sourceId: source.body.id,
      destinationId: target.body.id,
      namespaceDefinition: 'custom',
      namespaceFormat: 'shop',
      streams: [{ name: 'orders', namespace: database, syncMode: 'incremental_append_dedup', cursorField: ['updated_at'], primaryKey: [['id']] }],
    });
    created(connection);
    connectionId = connection.body.id as string;
  });

  afterAll(async () => {
    await stack?.stop();
    await destination?.end();
    await destinationDb?.drop();
    await mysql?.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
    await mysql?.end();
  });

  async function sync(): Promise<Job> {
    const trigger = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    expect(trigger.status).toBe(202);
    const deadline = Date.now() + 180_000;
    for (;;) {
      const job = (await stack.request('GET', `/jobs/${trigger.body.id as string}`)).body as unknown as Job;
      if (TERMINAL.includes(job.status)) return job;
      if (Date.now() > deadline) throw new Error(`the sync did not finish: ${JSON.stringify(job)}\n${stack.output().slice(-5000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const ROWS = `SELECT id::text, amount::text, paid, note, to_char(placed, 'YYYY-MM-DD HH24:MI:SS.US') AS placed,
      to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS updated_at, doc, encode(raw, 'hex') AS raw, status, qty::text
    FROM shop.orders AS o ORDER BY o.id`;

  it('copies every value exactly into typed columns, and picks up rows that join the boundary value', async () => {
    const first = await sync();
    expect({ status: first.status, failure: first.failure, records: first.recordsCommitted }).toEqual({ status: 'succeeded', failure: null, records: 3 });

    const types = await destination.query(`SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute
      WHERE attrelid = 'shop.orders'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_tributary\\_%' ORDER BY attnum`);
    expect(Object.fromEntries(types.rows.map((r) => [r.attname, r.type]))).toEqual({
      id: 'numeric(20,0)',
      amount: 'numeric(24,6)',
      paid: 'boolean',
      note: 'character varying(40)',
      placed: 'timestamp without time zone',
      updated_at: 'timestamp with time zone',
      doc: 'jsonb',
      raw: 'bytea',
      status: 'text',
      qty: 'bigint',
    });
    const expected = [
      { id: '1', amount: '-0.000001', paid: false, note: null, placed: '1970-01-01 00:00:00.000000', updated_at: '2024-03-01 00:00:00.000001', doc: null, raw: null, status: null, qty: null },
      { id: '2', amount: '0.000000', paid: true, note: 'tab\tnewline\n', placed: '2038-01-19 03:14:08.000000', updated_at: '2024-03-02 12:00:00.000000', doc: [], raw: '', status: 'new', qty: '0' },
      {
        id: '18446744073709551615', amount: '123456789012345678.123456', paid: true, note: 'Zoë 🚀 "quoted"', placed: '2024-02-29 23:59:59.999999', updated_at: '2024-03-01 00:00:00.000001',
        doc: { lines: [{ sku: 'a', n: 2 }], gift: null }, raw: '00ff10', status: "it's shipped", qty: '4294967295',
      },
    ];
    expect((await destination.query(ROWS)).rows).toEqual(expected);

    // A row joins the last cursor value (2024-03-02 12:00:00), another is updated later: both arrive, nothing doubles.
    await mysql.query(`INSERT INTO orders (id, amount, paid, placed, updated_at) VALUES (3, 3.5, 0, '2024-01-01', '2024-03-02 12:00:00');
      UPDATE orders SET paid = 0, note = 'refunded', updated_at = '2024-04-01 08:00:00.5' WHERE id = 1`);
    const second = await sync();
    expect({ status: second.status, failure: second.failure }).toEqual({ status: 'succeeded', failure: null });
    const rows = (await destination.query(ROWS)).rows;
    expect(rows).toEqual([
      { ...expected[0], paid: false, note: 'refunded', updated_at: '2024-04-01 08:00:00.500000' },
      expected[1],
      { id: '3', amount: '3.500000', paid: false, note: null, placed: '2024-01-01 00:00:00.000000', updated_at: '2024-03-02 12:00:00.000000', doc: null, raw: null, status: null, qty: null },
      expected[2],
    ]);
    const [{ n }] = (await destination.query('SELECT count(*)::int AS n FROM shop.orders')).rows;
    expect(n).toBe(4);
  });
});
