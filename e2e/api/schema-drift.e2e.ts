// Schema drift against a real PostgreSQL source: between two syncs a table gains a column (and its
// schema gains a table), or loses its cursor; every policy value is driven through the API and its
// effect checked in the destination files, the connection and the change log.
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, startStack, type Stack, type TestDatabase } from '../../tools/testing';
import { postgresConnectionConfig, readJsonl, runJob as runSharedJob } from '../support/jobs';

type Body = Record<string, unknown>;

let stack: Stack;
let database: TestDatabase;
let sql: Client;
let counter = 0;

function rows(outDir: string, schema: string, table: string, jobId: string): Body[] {
  return readJsonl(join(outDir, schema, table, `${jobId}.jsonl`));
}

const runJob = (connectionId: string) => runSharedJob(stack, connectionId);

/** A schema of its own with an `items` table, a source limited to it, files, and a connection. */
async function setUp(policy: { nonBreaking: string; breaking: string }, stream: Body = { syncMode: 'full_refresh_append' }) {
  const schema = `drift_${++counter}_${policy.nonBreaking}_${policy.breaking}`;
  await sql.query(`CREATE SCHEMA ${schema}`);
  await sql.query(`CREATE TABLE ${schema}.items (id integer PRIMARY KEY, name text NOT NULL, score numeric(10,2), updated_at timestamptz NOT NULL DEFAULT now())`);
  await sql.query(`INSERT INTO ${schema}.items (id, name, score) VALUES (1, 'one', 1.5), (2, 'two', 2.5)`);
  const source = await stack.request('POST', '/sources', {
    name: schema,
    definitionId: 'source-postgres',
    config: { ...postgresConnectionConfig(database.url), schemas: [schema] },
  });
  expect(source.status).toBe(201);
  const outDir = join(stack.dataDir, schema);
  const destination = await stack.request('POST', '/destinations', { name: schema, definitionId: 'destination-local-files', config: { destination_path: outDir } });
  const connection = await stack.request('POST', '/connections', {
    sourceId: source.body.id,
    destinationId: destination.body.id,
    schemaChangePolicy: policy,
    streams: [{ name: 'items', namespace: schema, ...stream }],
  });
  expect(connection.status).toBe(201);
  const first = await runJob(connection.body.id as string);
  expect(first.status).toBe('succeeded');
  expect(rows(outDir, schema, 'items', first.id)).toHaveLength(2);
  return { schema, outDir, connectionId: connection.body.id as string };
}

async function gainColumnAndTable(schema: string): Promise<void> {
  await sql.query(`ALTER TABLE ${schema}.items ADD COLUMN color text`);
  await sql.query(`UPDATE ${schema}.items SET color = 'red', updated_at = now()`);
  await sql.query(`CREATE TABLE ${schema}.extras (id integer PRIMARY KEY, note text)`);
  await sql.query(`INSERT INTO ${schema}.extras VALUES (1, 'hello')`);
}

async function changes(connectionId: string): Promise<{ action: string; breaking: boolean; changes: { kind: string; column?: string; stream: string }[] }[]> {
  const { body } = await stack.request('GET', `/connections/${connectionId}/schema-changes`);
  return body.items as never;
}

beforeAll(async () => {
  stack = await startStack({ workers: 1 });
  database = await createTestDatabase('tributary_drift_src');
  sql = new Client({ connectionString: database.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await stack?.stop();
  await database?.drop();
});

describe('schema drift policies with a real PostgreSQL source', () => {
  it('propagate_all: the new column and the new table are synced', async () => {
    const { schema, outDir, connectionId } = await setUp({ nonBreaking: 'propagate_all', breaking: 'fail' });
    await gainColumnAndTable(schema);
    const job = await runJob(connectionId);
    expect(job.status).toBe('succeeded');
    expect(rows(outDir, schema, 'items', job.id).map((r) => r.color)).toEqual(['red', 'red']);
    expect(rows(outDir, schema, 'extras', job.id)).toEqual([expect.objectContaining({ id: 1, note: 'hello' })]);
    const [change] = await changes(connectionId);
    expect(change!.action).toBe('propagated');
    expect(change!.changes).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'column_added', column: 'color' }), expect.objectContaining({ kind: 'stream_added', stream: 'extras' })]));
    const connection = await stack.request('GET', `/connections/${connectionId}`);
    expect(connection.body.streams).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'extras', selected: true })]));
  });

  it('propagate_columns: the new column is synced, the new table is offered but not selected', async () => {
    const { schema, outDir, connectionId } = await setUp({ nonBreaking: 'propagate_columns', breaking: 'fail' });
    await gainColumnAndTable(schema);
    const job = await runJob(connectionId);
    expect(job.status).toBe('succeeded');
    expect(rows(outDir, schema, 'items', job.id).map((r) => r.color)).toEqual(['red', 'red']);
    expect(rows(outDir, schema, 'extras', job.id)).toEqual([]);
    const connection = await stack.request('GET', `/connections/${connectionId}`);
    expect(connection.body.streams).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'extras', selected: false })]));
    expect((await changes(connectionId))[0]!.action).toBe('propagated');
  });

  it('ignore: the sync goes on with the accepted schema and the new column never arrives', async () => {
    const { schema, outDir, connectionId } = await setUp({ nonBreaking: 'ignore', breaking: 'fail' });
    await gainColumnAndTable(schema);
    for (let i = 0; i < 2; i++) {
      const job = await runJob(connectionId);
      expect(job.status).toBe('succeeded');
      const synced = rows(outDir, schema, 'items', job.id);
      expect(synced).toHaveLength(2);
      expect(synced.every((r) => !('color' in r))).toBe(true);
    }
    const log = await changes(connectionId);
    expect(log.map((c) => c.action)).toEqual(['ignored']);
  });

  it('approve: the sync is held until a person approves, then the change is adopted', async () => {
    const { schema, outDir, connectionId } = await setUp({ nonBreaking: 'approve', breaking: 'fail' });
    await gainColumnAndTable(schema);
    const held = await runJob(connectionId);
    expect(held.status).toBe('failed');
    expect(held.failure).toEqual(expect.objectContaining({ type: 'config_error', message: expect.stringMatching(/awaits approval.*column .*items\.color added/) }));
    const [pending] = (await stack.request('GET', `/connections/${connectionId}/schema-changes`)).body.items as { id: string; action: string }[];
    expect(pending!.action).toBe('pending_approval');

    const approved = await stack.request('POST', `/schema-changes/${pending!.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.action).toBe('approved');
    expect((await stack.request('POST', `/schema-changes/${pending!.id}/approve`)).status).toBe(409);

    const job = await runJob(connectionId);
    expect(job.status).toBe('succeeded');
    expect(rows(outDir, schema, 'items', job.id).map((r) => r.color)).toEqual(['red', 'red']);
  });

  it('approve then reject: a rejected change is kept out and not asked again', async () => {
    const { schema, outDir, connectionId } = await setUp({ nonBreaking: 'approve', breaking: 'fail' });
    await gainColumnAndTable(schema);
    const detected = await stack.request('POST', `/connections/${connectionId}/schema-changes/detect`);
    expect(detected.status).toBe(200);
    expect(detected.body.action).toBe('pending_approval');
    const change = detected.body.schemaChange as { id: string };
    expect((await stack.request('POST', `/schema-changes/${change.id}/reject`)).body.action).toBe('rejected');
    const job = await runJob(connectionId);
    expect(job.status).toBe('succeeded');
    expect(rows(outDir, schema, 'items', job.id).every((r) => !('color' in r))).toBe(true);
  });

  it('pause on a non-breaking change: the connection is paused, saying why', async () => {
    const { schema, connectionId } = await setUp({ nonBreaking: 'pause', breaking: 'fail' });
    await gainColumnAndTable(schema);
    const job = await runJob(connectionId);
    expect(job.status).toBe('failed');
    const connection = await stack.request('GET', `/connections/${connectionId}`);
    expect(connection.body.status).toBe('paused');
    expect(connection.body.statusReason).toMatch(/schema changed \(non-breaking\).*color added/);
    expect((await changes(connectionId))[0]!.action).toBe('paused');
  });

  it('breaking change with pause: losing the cursor column pauses the connection', async () => {
    const { schema, connectionId } = await setUp({ nonBreaking: 'propagate_all', breaking: 'pause' }, { syncMode: 'incremental_append', cursorField: ['updated_at'] });
    await sql.query(`ALTER TABLE ${schema}.items DROP COLUMN updated_at`);
    const job = await runJob(connectionId);
    expect(job.status).toBe('failed');
    const connection = await stack.request('GET', `/connections/${connectionId}`);
    expect(connection.body.status).toBe('paused');
    expect(connection.body.statusReason).toMatch(/breaking.*cursor column .*updated_at removed/);
    const [change] = await changes(connectionId);
    expect(change).toEqual(expect.objectContaining({ action: 'paused', breaking: true }));
  });

  it('breaking change with fail: a narrowed type fails the sync with the change in words', async () => {
    const { schema, connectionId } = await setUp({ nonBreaking: 'propagate_all', breaking: 'fail' });
    await sql.query(`ALTER TABLE ${schema}.items ALTER COLUMN name TYPE integer USING length(name)`);
    const job = await runJob(connectionId);
    expect(job.status).toBe('failed');
    expect(job.failure).toEqual(expect.objectContaining({ type: 'config_error', message: expect.stringMatching(/breaking way: column .*items\.name narrowed/) }));
    const connection = await stack.request('GET', `/connections/${connectionId}`);
    expect(connection.body.status).toBe('active');
    expect((await changes(connectionId))[0]).toEqual(expect.objectContaining({ action: 'failed', breaking: true }));
  });
});
