// A declarative manifest through the platform: validated and registered through the REST API,
// tried with the Builder's test-stream endpoint (run on a worker), used as a source in a
// connection and synced twice into local files by a real worker — the second sync incremental.
// The API is the project's fake SaaS server, started by the test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeSaasServer, startFakeSaasServer } from '../../tools/testing/fake-saas-server';
import { startStack, type Stack } from '../../tools/testing/stack';
import { readJsonl, runJob } from '../support/jobs';

const MANIFEST = readFileSync(join(__dirname, '..', '..', 'connectors', 'source-declarative', 'test', 'manifests', 'users-orders.yaml'), 'utf8');

describe('a declarative manifest registered and synced through the platform', () => {
  let stack: Stack;
  let api: FakeSaasServer;

  beforeAll(async () => {
    api = await startFakeSaasServer({ users: 40 });
    stack = await startStack({ workers: 1 });
  });

  afterAll(async () => {
    await stack?.stop();
    await api?.close();
  });

  it('serves the manifest JSON Schema and refuses a broken manifest naming the field', async () => {
    const schema = await stack.request('GET', '/connector-definitions/manifest-schema');
    expect(schema.status).toBe(200);
    expect(schema.body).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', required: expect.arrayContaining(['streams']) });

    const broken = MANIFEST.replace('page_size: 50', 'page_size: -3').replace('stream: users, key: id', 'stream: customers, key: id');
    const refused = await stack.request('POST', '/connector-definitions', { kind: 'source', name: 'Broken', manifest: broken });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain('manifest.streams[0].pagination.page_size');
    const orphan = await stack.request('POST', '/connector-definitions', { kind: 'source', name: 'Orphan', manifest: MANIFEST.replace('stream: users, key: id', 'stream: customers, key: id') });
    expect(orphan.status).toBe(400);
    expect(orphan.body.message).toContain('manifest.streams[1].parent.stream: no stream is named "customers"');
    const neither = await stack.request('POST', '/connector-definitions', { kind: 'source', name: 'Neither' });
    expect(neither.status).toBe(400);
    expect(neither.body.message).toMatch(/command: is required: give either command .* or manifest/);
  });

  it('test-reads one stream on a worker, with credentials masked', async () => {
    const tested = await stack.request('POST', '/connector-definitions/test-stream', { manifest: MANIFEST, config: { base_url: api.url, token: 'test-token' }, stream: 'users', maxPages: 2, maxRecords: 60 });
    expect(tested.status).toBe(200);
    const body = tested.body as { pages: { request: { url: string; headers: Record<string, string> }; response: { status: number } }[]; records: { id: number }[]; recordCount: number; more: boolean; inferredSchema: { properties: object }; state: object; error: unknown };
    expect(body.error).toBeNull();
    expect(body.pages.map((p) => p.request.url)).toEqual([`${api.url}/page/users?page=1&per_page=50`]);
    expect(body.pages[0]!.request.headers.authorization).toBe('**********');
    expect(body.records.map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(body.inferredSchema.properties).toHaveProperty('address');
    expect(body.state).toEqual({ updated_at: api.users[39]!.updated_at });
    expect(JSON.stringify(tested.body)).not.toContain('test-token');

    const denied = await stack.request('POST', '/connector-definitions/test-stream', { manifest: MANIFEST, config: { base_url: api.url, token: 'nope' }, stream: 'orders' });
    expect(denied.status).toBe(200);
    expect(denied.body.error).toMatchObject({ failureType: 'config_error', message: expect.stringContaining('Bad credentials') });

    const badConfig = await stack.request('POST', '/connector-definitions/test-stream', { manifest: MANIFEST, config: { base_url: api.url }, stream: 'users' });
    expect(badConfig.status).toBe(400);
    expect(badConfig.body.message).toContain('config.token: is required');
  });

  it('registers the manifest as a source definition and syncs it, then incrementally', async () => {
    const created = await stack.request('POST', '/connector-definitions', { kind: 'source', name: 'Fake SaaS', manifest: MANIFEST });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'fake-saas', origin: 'custom', kind: 'source', declarative: true, manifestYaml: MANIFEST });
    const spec = created.body.spec as { connectionSpecification: { properties: Record<string, { secret?: boolean }> } };
    expect(spec.connectionSpecification.properties.token!.secret).toBe(true);
    const listed = await stack.request('GET', '/connector-definitions?kind=source');
    expect((listed.body.items as { id: string }[]).map((d) => d.id)).toContain('fake-saas');

    const source = await stack.request('POST', '/sources', { name: 'Fake SaaS', definitionId: 'fake-saas', config: { base_url: api.url, token: 'test-token' } });
    expect(source.status).toBe(201);
    expect(JSON.stringify(source.body)).not.toContain('test-token');
    expect((await stack.request('POST', `/sources/${source.body.id}/check`)).body).toEqual({ status: 'succeeded' });
    const out = join(stack.dataDir, 'declarative-out');
    const destination = await stack.request('POST', '/destinations', { name: 'Files', definitionId: 'destination-local-files', config: { destination_path: out } });
    const connection = await stack.request('POST', '/connections', {
      sourceId: source.body.id,
      destinationId: destination.body.id,
      streams: [
        { name: 'users', syncMode: 'incremental_append', cursorField: ['updated_at'] },
        { name: 'orders', syncMode: 'incremental_append', cursorField: ['updated_at'] },
      ],
    });
    expect(connection.status).toBe(201);

    const first = await runJob(stack, connection.body.id as string);
    expect(first).toMatchObject({ status: 'succeeded' });
    expect(readJsonl(join(out, 'users', `${first.id}.jsonl`)).map((r) => r.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const orders = api.users.flatMap((u) => api.ordersOf(u.id).map((o) => o.id));
    expect(readJsonl(join(out, 'orders', `${first.id}.jsonl`)).map((r) => r.id).sort()).toEqual(orders.sort());

    api.addUsers(3);
    api.touchUsers([5]);
    const second = await runJob(stack, connection.body.id as string);
    expect(second).toMatchObject({ status: 'succeeded' });
    expect(readJsonl(join(out, 'users', `${second.id}.jsonl`)).map((r) => r.id)).toEqual([41, 42, 43, 5]);
  });
});
