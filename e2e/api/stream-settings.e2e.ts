// Per-stream settings beyond the sync mode: column selection, stream prefix and namespace mapping
// change what lands in the destination, and invalid choices are refused in words.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startStack, type Stack } from '../../tools/testing/stack';
import { runJob } from '../support/jobs';

describe('stream settings', () => {
  let stack: Stack;
  let sourceId: string;
  let destinationId: string;
  let outDir: string;

  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
    outDir = join(stack.dataDir, 'out');
    sourceId = (await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: { count: 30 } })).body.id as string;
    destinationId = (await stack.request('POST', '/destinations', { name: 'Files', definitionId: 'destination-local-files', config: { destination_path: outDir } })).body.id as string;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function syncOnce(connectionId: string): Promise<string> {
    const job = await runJob(stack, connectionId);
    expect(job.status).toBe('succeeded');
    return job.id;
  }

  it('syncs only the selected columns, under the prefixed stream name and the custom namespace', async () => {
    const connection = await stack.request('POST', '/connections', {
      sourceId,
      destinationId,
      prefix: 'raw_',
      namespaceDefinition: 'custom',
      namespaceFormat: 'crm',
      streams: [{ name: 'users', syncMode: 'incremental_append', cursorField: ['updated_at'], selectedFields: ['id', 'email', 'updated_at'] }],
    });
    expect(connection.status).toBe(201);
    const jobId = await syncOnce(connection.body.id as string);
    const lines = readFileSync(join(outDir, 'crm', 'raw_users', `${jobId}.jsonl`), 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(30);
    const keys = Object.keys(JSON.parse(lines[0]!) as object).filter((k) => !k.startsWith('_tributary_')).sort();
    expect(keys).toEqual(['email', 'id', 'updated_at']);
    const job = await stack.request('GET', `/jobs/${jobId}`);
    expect(job.body.streams).toEqual([expect.objectContaining({ name: 'users', recordsCommitted: 30 })]);
  });

  it.each([
    [{ name: 'users', syncMode: 'full_refresh_overwrite', selectedFields: ['id', 'shoe_size'] }, /streams\[0\]\.selectedFields: "shoe_size" is not a field/],
    [{ name: 'users', syncMode: 'incremental_append', cursorField: ['updated_at'], selectedFields: ['id', 'email'] }, /must include the cursor and primary-key fields \(updated_at\)/],
    [{ name: 'users', syncMode: 'incremental_append', cursorField: ['nickname'] }, /streams\[0\]\.cursorField: stream "users" has a cursor defined by the source \(updated_at\)/],
  ])('refuses %j', async (stream, message) => {
    const response = await stack.request('POST', '/connections', { sourceId, destinationId, streams: [stream] });
    expect(response.status).toBe(400);
    expect(String(response.body.message)).toMatch(message);
  });

  it('requires a namespace format for the custom namespace definition', async () => {
    const response = await stack.request('POST', '/connections', { sourceId, destinationId, namespaceDefinition: 'custom' });
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/namespaceFormat/);
  });
});
