// The API's promises at its edge: bad input gets a 4xx naming the field, never a 500; every route
// but health needs the token; secrets are sealed at rest, masked in responses, absent from logs.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { startStack, type Stack } from '../../tools/testing/stack';

const SECRET = 'sk_live_e2e_4f9c2b7d1a';
const SECRET_HASH = createHash('sha256').update(SECRET).digest('hex');
const PLUGIN_DIR = join(__dirname, '..', 'fixtures', 'plugins', 'source-secret-check');

describe('REST API contract', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ workers: 1, env: { TRIBUTARY_PLUGINS: PLUGIN_DIR } });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers health without a token and everything else only with a valid one', async () => {
    const health = await fetch(`${stack.apiUrl}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'up', temporal: 'up' });

    const none = await fetch(`${stack.apiUrl}/api/v1/sources`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${stack.apiUrl}/api/v1/sources`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { message: string }).message).toMatch(/not valid/);
    expect((await stack.request('GET', '/sources')).status).toBe(200);
  });

  it('serves the OpenAPI document', async () => {
    const response = await fetch(`${stack.apiUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/sources', '/api/v1/connections/{id}/jobs', '/api/v1/jobs/{id}/cancel']));
  });

  it('lists connector definitions, including a plugin named only in TRIBUTARY_PLUGINS', async () => {
    const all = await stack.request('GET', '/connector-definitions');
    expect((all.body.items as { id: string }[]).map((d) => d.id)).toEqual(expect.arrayContaining(['source-faker', 'destination-local-files', 'source-secret-check']));
    const destinations = await stack.request('GET', '/connector-definitions?kind=destination');
    expect((destinations.body.items as { kind: string }[]).every((d) => d.kind === 'destination')).toBe(true);
    const one = await stack.request('GET', '/connector-definitions/source-faker');
    expect(one.status).toBe(200);
    expect(one.body.spec).toEqual(expect.objectContaining({ connectionSpecification: expect.objectContaining({ type: 'object' }) }));
    expect((await stack.request('GET', '/connector-definitions/source-nope')).status).toBe(404);
  });

  it.each([
    ['an unknown definition', '/sources', { name: 'x', definitionId: 'source-nope', config: {} }, 404, /source-nope/],
    ['a destination definition used as a source', '/sources', { name: 'x', definitionId: 'destination-local-files', config: {} }, 404, /destination-local-files/],
    ['a config missing a required field', '/destinations', { name: 'x', definitionId: 'destination-local-files', config: {} }, 400, /config\.destination_path: is required/],
    ['a config field of the wrong type', '/sources', { name: 'x', definitionId: 'source-faker', config: { count: 'many' } }, 400, /config\.count: must be of type integer/],
    ['an unknown config field', '/sources', { name: 'x', definitionId: 'source-faker', config: { colour: 'red' } }, 400, /config\.colour: is not a known field/],
    ['an unknown body field', '/sources', { name: 'x', definitionId: 'source-faker', config: {}, extra: true }, 400, /extra: is not a known field/],
    ['a missing name', '/sources', { definitionId: 'source-faker', config: {} }, 400, /name/],
    ['a connection to a missing source', '/connections', { sourceId: '00000000-0000-4000-8000-000000000000', destinationId: '00000000-0000-4000-8000-000000000000' }, 400, /sourceId/],
    ['a connection with a malformed id', '/connections', { sourceId: 'abc', destinationId: 'def' }, 400, /sourceId: must be the id/],
  ])('rejects %s', async (_name, path, body, status, message) => {
    const response = await stack.request('POST', path, body);
    expect(response.status).toBe(status);
    expect(String(response.body.message)).toMatch(message);
  });

  it('refuses to register executable connectors unless the operator allows it', async () => {
    const refused = await stack.request('POST', '/connector-definitions', { id: 'source-anything', name: 'Anything', kind: 'source', command: 'true' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/TRIBUTARY_ALLOW_EXECUTABLE_DEFINITIONS=true/);
  });

  it('rejects malformed JSON, unknown ids and unknown routes with 4xx, never 500', async () => {
    const malformed = await fetch(`${stack.apiUrl}/api/v1/sources`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect((await stack.request('GET', '/sources/not-a-uuid')).status).toBe(404);
    expect((await stack.request('GET', '/jobs/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await stack.request('POST', '/connections/00000000-0000-4000-8000-000000000000/jobs', { type: 'sync' })).status).toBe(404);
    expect((await stack.request('GET', '/nothing-here')).status).toBe(404);
    expect((await stack.request('GET', '/sources?limit=0')).status).toBe(400);
  });

  it('validates stream settings against the discovered catalog', async () => {
    const src = await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: { count: 10 } });
    const dst = await stack.request('POST', '/destinations', { name: 'Files', definitionId: 'destination-local-files', config: { destination_path: join(stack.dataDir, 'v') } });
    const bad = await stack.request('POST', '/connections', {
      sourceId: src.body.id,
      destinationId: dst.body.id,
      streams: [{ name: 'nope', syncMode: 'full_refresh_overwrite' }, { name: 'users', syncMode: 'sideways' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'streams[1].syncMode' })]));
    const unknownStream = await stack.request('POST', '/connections', { sourceId: src.body.id, destinationId: dst.body.id, streams: [{ name: 'nope', syncMode: 'full_refresh_overwrite' }] });
    expect(unknownStream.status).toBe(400);
    expect(unknownStream.body.message).toMatch(/streams\[0\]\.name: the source has no stream "nope"/);
    const created = await stack.request('POST', '/connections', { sourceId: src.body.id, destinationId: dst.body.id });
    expect(created.status).toBe(201);
    expect((created.body.streams as { name: string }[]).map((s) => s.name).sort()).toEqual(['purchases', 'users']);
    const inUse = await stack.request('DELETE', `/sources/${src.body.id}`);
    expect(inUse.status).toBe(409);
    expect(inUse.body.message).toContain(created.body.id);
  });

  it('keeps secrets sealed at rest, masked in responses and out of logs, yet usable by the connector', async () => {
    const created = await stack.request('POST', '/sources', { name: 'Secretive', definitionId: 'source-secret-check', config: { api_token: SECRET, expected_sha256: 'placeholder' } });
    expect(created.status).toBe(201);
    expect(created.body.config).toEqual({ api_token: '**********', expected_sha256: 'placeholder' });
    const id = created.body.id as string;

    // Change a non-secret field, sending the masked secret back: the stored secret must survive.
    const patched = await stack.request('PATCH', `/sources/${id}`, { config: { api_token: '**********', expected_sha256: SECRET_HASH, account: 'acme' } });
    expect(patched.status).toBe(200);
    const check = await stack.request('POST', `/sources/${id}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toEqual({ status: 'succeeded' });

    const wrong = await stack.request('PATCH', `/sources/${id}`, { config: { api_token: 'another-value', expected_sha256: SECRET_HASH } });
    expect(wrong.status).toBe(200);
    const failed = await stack.request('POST', `/sources/${id}/check`);
    expect(failed.body).toEqual({ status: 'failed', message: 'the API token was rejected' });
    await stack.request('PATCH', `/sources/${id}`, { config: { api_token: SECRET, expected_sha256: SECRET_HASH } });

    for (const response of [await stack.request('GET', `/sources/${id}`), await stack.request('GET', '/sources?limit=200')]) {
      expect(JSON.stringify(response.body)).not.toContain(SECRET);
    }

    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query<{ config: string }>('SELECT config::text AS config FROM actors WHERE id = $1', [id]);
      expect(rows[0]!.config).not.toContain(SECRET);
      expect(rows[0]!.config).toContain('$sealed');
    } finally {
      await db.end();
    }
    const output = stack.output();
    expect(output).toContain('checking with token [redacted]');
    expect(output).not.toContain(SECRET);
  });
});
