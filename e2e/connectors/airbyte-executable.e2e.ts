// An out-of-process connector end to end: the real Airbyte `source-faker` from PyPI
// (`pip install airbyte-source-faker`) registered through the API as an executable definition
// (spec obtained by running it on the worker; allowed by TRIBUTARY_ALLOW_EXECUTABLE_DEFINITIONS), then checked, discovered and synced into destination-local-files
// by a real worker — the same platform path as any built-in connector.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from '../../tools/testing/stack';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

function airbyteFakerInstalled(): boolean {
  try {
    execFileSync('source-faker', ['spec'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

describe('an Airbyte connector from PyPI as an executable definition', () => {
  let stack: Stack;

  beforeAll(async () => {
    if (!airbyteFakerInstalled()) throw new Error('source-faker is not on PATH: run `pip install airbyte-source-faker`');
    stack = await startStack({ workers: 1, apiEnv: { TRIBUTARY_ALLOW_EXECUTABLE_DEFINITIONS: 'true' } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses a command that does not run, and a definition without a kind, in words', async () => {
    const missing = await stack.request('POST', '/connector-definitions', { id: 'source-nowhere', name: 'Nowhere', kind: 'source', command: 'tributary-no-such-program' });
    expect(missing.status).toBe(422);
    expect(missing.body.message).toContain('no such executable');
    const invalid = await stack.request('POST', '/connector-definitions', { name: 'No kind', command: 'source-faker' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.message).toContain('kind');
  });

  it('registers source-faker, checks, discovers and syncs it into local files', async () => {
    const created = await stack.request('POST', '/connector-definitions', { id: 'airbyte-source-faker', name: 'Faker (Airbyte)', kind: 'source', command: 'source-faker', version: '7' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'airbyte-source-faker', origin: 'custom', kind: 'source', executable: { command: 'source-faker', args: [] } });
    expect((created.body.spec as { connectionSpecification: { properties: object } }).connectionSpecification.properties).toHaveProperty('count');

    const again = await stack.request('POST', '/connector-definitions', { id: 'airbyte-source-faker', name: 'Again', kind: 'source', command: 'source-faker' });
    expect(again.status).toBe(409);
    const listed = await stack.request('GET', '/connector-definitions?kind=source');
    expect((listed.body.items as { id: string }[]).map((d) => d.id)).toEqual(expect.arrayContaining(['airbyte-source-faker', 'source-faker']));

    const source = await stack.request('POST', '/sources', { name: 'Airbyte faker', definitionId: 'airbyte-source-faker', config: { count: 25, seed: 3 } });
    expect(source.status).toBe(201);
    const check = await stack.request('POST', `/sources/${source.body.id}/check`);
    expect(check.body).toEqual({ status: 'succeeded' });
    const discover = await stack.request('POST', `/sources/${source.body.id}/discover`);
    expect(discover.status).toBe(200);
    expect(JSON.stringify(discover.body)).toContain('users');

    const outDir = join(stack.dataDir, 'airbyte-out');
    const destination = await stack.request('POST', '/destinations', { name: 'Files', definitionId: 'destination-local-files', config: { destination_path: outDir } });
    expect(destination.status).toBe(201);
    const connection = await stack.request('POST', '/connections', {
      sourceId: source.body.id,
      destinationId: destination.body.id,
      streams: [{ name: 'users', syncMode: 'full_refresh_overwrite' }],
    });
    expect(connection.status).toBe(201);

    const trigger = await stack.request('POST', `/connections/${connection.body.id}/jobs`, { type: 'sync' });
    expect(trigger.status).toBe(202);
    const jobId = trigger.body.id as string;
    let job: Record<string, unknown> = {};
    for (const deadline = Date.now() + 180_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
      job = (await stack.request('GET', `/jobs/${jobId}`)).body;
      if (TERMINAL.includes(job.status as string)) break;
    }
    expect(job).toMatchObject({ status: 'succeeded', recordsCommitted: 25 });
    expect(readdirSync(join(outDir, 'users'))).toEqual([`${jobId}.jsonl`]);
    const rows = readFileSync(join(outDir, 'users', `${jobId}.jsonl`), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows).toHaveLength(25);
    expect(rows[0]).toMatchObject({ id: expect.any(Number), email: expect.any(String), _tributary_sync_id: jobId });
    // The child's stderr and LOG messages reach the job log.
    const logs = await stack.request('GET', `/jobs/${jobId}/logs`);
    expect(logs.status).toBe(200);
  });
});
