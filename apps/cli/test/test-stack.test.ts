// The test harness itself, against the real built API and worker: a stack starts, answers with its
// token, survives a killed worker, and leaves nothing behind when stopped.
import { existsSync } from 'node:fs';
import { Client } from 'pg';
// tools/testing is test infrastructure, not a project; until the lint config allows it, say so here.
import { startStack, testDatabaseAdminUrl, type Stack } from '../../../tools/testing';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: testDatabaseAdminUrl() });
  await client.connect();
  try {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return result.rowCount === 1;
  } finally {
    await client.end();
  }
}

describe('startStack', () => {
  let stack: Stack | undefined;

  afterAll(() => stack?.stop());

  it('starts the API and a worker on their own database and task queue', async () => {
    stack = await startStack({ workers: 1 });

    const health = await stack.request<{ status: string }>('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(stack.taskQueue).toMatch(/^tributary-test-/);
    expect(stack.workers).toHaveLength(1);
    await expect(databaseExists(stack.databaseName)).resolves.toBe(true);
  });

  it('sends its bearer token, or none when asked', async () => {
    const running = stack as Stack;

    expect((await running.request('GET', '/connector-definitions')).status).toBe(200);
    expect((await running.request('GET', '/connector-definitions', undefined, { token: null })).status).toBe(401);
  });

  it('lets a test kill a worker and start another', async () => {
    const running = stack as Stack;
    const [first] = running.workers;

    first?.kill('SIGKILL');
    await expect(first?.exited).resolves.toMatchObject({ signal: 'SIGKILL' });
    const second = await running.startWorker();

    expect(second.name).toBe('worker-2');
    expect(second.running).toBe(true);
    expect(second.output()).toContain('worker ready');
  });

  it('stops every process and removes its database and data dir', async () => {
    const running = stack as Stack;

    await running.stop();

    expect(running.api.running).toBe(false);
    expect(running.workers.every((worker) => !worker.running)).toBe(true);
    await expect(databaseExists(running.databaseName)).resolves.toBe(false);
    expect(existsSync(running.dataDir)).toBe(false);
  });
});
