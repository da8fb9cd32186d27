// Refresh and clear through the API, into a real PostgreSQL destination: a refresh re-reads a
// stream from scratch while readers keep seeing the old table until the swap; a clear empties the
// stream and resets its state so the next sync starts from nothing.
import { Client } from 'pg';
import { createTestDatabase, startStack, type Stack, type TestDatabase } from '../../tools/testing';
import { postgresConnectionConfig, runJob, waitForJob } from '../support/jobs';

describe('refresh and clear', () => {
  let stack: Stack;
  let warehouse: TestDatabase;
  let sql: Client;

  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
    warehouse = await createTestDatabase('tributary_refresh_dst');
    sql = new Client({ connectionString: warehouse.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql?.end();
    await stack?.stop();
    await warehouse?.drop();
  });

  const count = async (): Promise<number | null> => {
    const exists = await sql.query(`SELECT to_regclass('analytics.users') AS t`);
    if (!exists.rows[0].t) return null;
    return Number((await sql.query('SELECT count(*)::int AS n FROM analytics.users')).rows[0].n);
  };

  it('refreshes from scratch behind an atomic swap, and clears data and state', async () => {
    const source = await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: { count: 100, state_checkpoint_interval: 50 } });
    const destination = await stack.request('POST', '/destinations', {
      name: 'Warehouse',
      definitionId: 'destination-postgres',
      config: { ...postgresConnectionConfig(warehouse.url), schema: 'analytics' },
    });
    expect(destination.status).toBe(201);
    const connection = await stack.request('POST', '/connections', {
      sourceId: source.body.id,
      destinationId: destination.body.id,
      namespaceDefinition: 'destination',
      streams: [{ name: 'users', syncMode: 'incremental_append' }],
    });
    expect(connection.status).toBe(201);
    const connectionId = connection.body.id as string;
    expect((await runJob(stack, connectionId)).status).toBe('succeeded');
    expect(await count()).toBe(100);

    // More users, read slowly: while the refresh runs, readers still see the old 100 rows.
    expect((await stack.request('PATCH', `/sources/${source.body.id}`, { config: { count: 300, state_checkpoint_interval: 50, max_records_per_second: 200 } })).status).toBe(200);
    const refresh = await stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'refresh', streams: [{ name: 'users' }] });
    expect(refresh.status).toBe(202);
    await waitForJob(stack, refresh.body.id as string, (j) => j.status === 'running' && j.recordsCommitted >= 50);
    expect(await count()).toBe(100);
    const refreshed = await waitForJob(stack, refresh.body.id as string);
    expect(refreshed.status).toBe('succeeded');
    // Replaced, not appended: 300, not 400.
    expect(await count()).toBe(300);

    const clear = await runJob(stack, connectionId, { type: 'clear' });
    expect(clear.status).toBe('succeeded');
    expect(await count()).toBeNull();

    // The state was reset too: an incremental sync reads everything again.
    await stack.request('PATCH', `/sources/${source.body.id}`, { config: { count: 300 } });
    const again = await runJob(stack, connectionId);
    expect(again.status).toBe('succeeded');
    expect(again.recordsCommitted).toBe(300);
    expect(await count()).toBe(300);
  });

  it('answers a trigger for an unknown connection or job type with 404 and 400', async () => {
    const trigger = await stack.request('POST', '/connections/00000000-0000-4000-8000-000000000000/jobs', { type: 'clear' });
    expect(trigger.status).toBe(404);
    const invalid = await stack.request('POST', '/connections/00000000-0000-4000-8000-000000000000/jobs', { type: 'explode' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toMatch(/type: must be one of sync, refresh, clear, replay/);
  });
});
