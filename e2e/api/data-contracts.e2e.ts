// Data contracts against a real PostgreSQL source: a column's values stop fitting the type the
// connection accepted (integer → text with the change ignored); evolve, freeze, discard_row and
// discard_value each do what they promise; quarantined rows land in the destination's quarantine
// prefix with the reason, and are replayed once the contract allows them.
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, startStack, type Stack, type TestDatabase } from '../../tools/testing';
import { postgresConnectionConfig, readJsonl, runJob } from '../support/jobs';

let stack: Stack;
let database: TestDatabase;
let sql: Client;
let counter = 0;

beforeAll(async () => {
  stack = await startStack({ workers: 1 });
  database = await createTestDatabase('tributary_contract_src');
  sql = new Client({ connectionString: database.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await stack?.stop();
  await database?.drop();
});

/** A table whose `score` column later turns from integer into text holding a non-number. */
async function pipeline(contract: Record<string, unknown>) {
  const schema = `contract_${++counter}`;
  await sql.query(`CREATE SCHEMA ${schema}`);
  await sql.query(`CREATE TABLE ${schema}.items (id integer PRIMARY KEY, score integer, note text)`);
  await sql.query(`INSERT INTO ${schema}.items VALUES (1, 10, 'a'), (2, 20, 'b')`);
  const source = await stack.request('POST', '/sources', {
    name: schema,
    definitionId: 'source-postgres',
    config: { ...postgresConnectionConfig(database.url), schemas: [schema] },
  });
  const outDir = join(stack.dataDir, schema);
  const destination = await stack.request('POST', '/destinations', { name: schema, definitionId: 'destination-local-files', config: { destination_path: outDir } });
  const stream = { name: 'items', namespace: schema, syncMode: 'full_refresh_append' };
  const connection = await stack.request('POST', '/connections', {
    sourceId: source.body.id,
    destinationId: destination.body.id,
    schemaChangePolicy: { nonBreaking: 'ignore', breaking: 'fail' },
    streams: [{ ...stream, contract }],
  });
  expect(connection.status).toBe(201);
  expect((await runJob(stack, connection.body.id as string)).status).toBe('succeeded');
  await sql.query(`ALTER TABLE ${schema}.items ALTER COLUMN score TYPE text`);
  await sql.query(`UPDATE ${schema}.items SET score = 'high' WHERE id = 2`);
  return { schema, outDir, stream, connectionId: connection.body.id as string, file: (jobId: string, table = 'items') => join(outDir, schema, table, `${jobId}.jsonl`) };
}

describe('data contracts', () => {
  it('evolve lets the value through', async () => {
    const { connectionId, file } = await pipeline({ default: 'evolve' });
    const job = await runJob(stack, connectionId);
    expect(job.status).toBe('succeeded');
    expect(readJsonl(file(job.id)).map((r) => r.score).sort()).toEqual(['10', 'high']);
  });

  it('freeze fails the sync, naming the column and the value', async () => {
    const { connectionId } = await pipeline({ default: 'evolve', columns: { score: 'freeze' } });
    const job = await runJob(stack, connectionId);
    expect(job.status).toBe('failed');
    expect(job.failure).toEqual(expect.objectContaining({ type: 'config_error', message: expect.stringMatching(/column score: "high" is not of type integer, and the column's contract is freeze/) }));
  });

  it('discard_row quarantines the row with its reason, and a replay after the contract changes delivers it', async () => {
    const { connectionId, file, stream } = await pipeline({ default: 'evolve', columns: { score: 'discard_row' } });
    const job = await runJob(stack, connectionId);
    expect(job.status).toBe('succeeded');
    expect(readJsonl(file(job.id)).map((r) => r.id)).toEqual([1]);
    const quarantinedInDestination = readJsonl(file(job.id, '_tributary_quarantine_items'));
    expect(quarantinedInDestination).toEqual([
      expect.objectContaining({ _tributary_quarantine_column: 'score', _tributary_quarantine_reason: 'column score: "high" is not of type integer', record: expect.objectContaining({ id: 2, score: 'high' }) }),
    ]);
    const listed = await stack.request('GET', `/connections/${connectionId}/quarantine`);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items).toEqual([expect.objectContaining({ stream: 'items', column: 'score', contract: 'discard_row', record: expect.objectContaining({ id: 2 }) })]);

    // A second sync does not quarantine the same row twice.
    expect((await runJob(stack, connectionId)).status).toBe('succeeded');
    expect((await stack.request('GET', `/connections/${connectionId}/quarantine`)).body.total).toBe(1);

    // Replaying under the same contract keeps it in quarantine...
    const stillRejected = await runJob(stack, connectionId, { type: 'replay' });
    expect(stillRejected.status).toBe('succeeded');
    expect(readJsonl(file(stillRejected.id))).toEqual([]);
    expect((await stack.request('GET', `/connections/${connectionId}/quarantine`)).body.total).toBe(1);

    // ...and once the contract lets such values through, the replay delivers it.
    const patched = await stack.request('PATCH', `/connections/${connectionId}`, { streams: [{ ...stream, contract: { default: 'evolve' } }] });
    expect(patched.status).toBe(200);
    const replay = await runJob(stack, connectionId, { type: 'replay' });
    expect(replay.status).toBe('succeeded');
    expect(readJsonl(file(replay.id))).toEqual([expect.objectContaining({ id: 2, score: 'high' })]);
    expect((await stack.request('GET', `/connections/${connectionId}/quarantine`)).body.total).toBe(0);
    const history = await stack.request('GET', `/connections/${connectionId}/quarantine?includeReplayed=true`);
    expect(history.body.items).toEqual(expect.arrayContaining([expect.objectContaining({ replayedJobId: replay.id })]));
  });

  it('discard_value writes the row with the value nulled and quarantines the original', async () => {
    const { connectionId, file } = await pipeline({ default: 'discard_value' });
    const job = await runJob(stack, connectionId);
    expect(job.failure).toBeNull();
    expect(job.status).toBe('succeeded');
    expect(readJsonl(file(job.id)).map((r) => [r.id, r.score]).sort()).toEqual([
      [1, '10'],
      [2, null],
    ]);
    expect(readJsonl(file(job.id, '_tributary_quarantine_items'))).toEqual([expect.objectContaining({ _tributary_quarantine_contract: 'discard_value', record: expect.objectContaining({ id: 2, score: 'high' }) })]);
  });

  it('rejects a contract naming an unknown column or value', async () => {
    const { connectionId, stream } = await pipeline({ default: 'evolve' });
    const unknownColumn = await stack.request('PATCH', `/connections/${connectionId}`, { streams: [{ ...stream, contract: { default: 'evolve', columns: { nope: 'freeze' } } }] });
    expect(unknownColumn.status).toBe(400);
    expect(unknownColumn.body.message).toMatch(/streams\[0\]\.contract\.columns: "nope" is not a field/);
    const unknownValue = await stack.request('PATCH', `/connections/${connectionId}`, { streams: [{ ...stream, contract: { default: 'shred' } }] });
    expect(unknownValue.status).toBe(400);
    expect(unknownValue.body.message).toMatch(/streams\[0\]\.contract\.default: must be one of evolve, freeze, discard_row, discard_value/);
  });
});
