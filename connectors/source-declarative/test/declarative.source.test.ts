// source-declarative against the project's fake SaaS API (a real HTTP server): every pagination
// style, 10k records of nested JSON, 429 bursts with Retry-After, flapping 5xx, expiring OAuth2
// tokens, incremental reads, the per-stream rate limit, 401/403/404 handling, parent → child
// streams and transformations. Records are compared exactly, never just counted.
import type { JsonObject } from '@tributary/protocol';
import { ConnectorError } from '@tributary/connector-sdk';
import { DeclarativeSource } from '@tributary/connector-sdk/declarative';
import { type FakeSaasOptions, type FakeSaasServer, startFakeSaasServer } from '../../../tools/testing/fake-saas-server';
import { configuredCatalog, context, ids, loadManifest, readAll } from './declarative-read.support';

const BASE = loadManifest('manifests/users-orders.yaml');

function manifestWith(stream: JsonObject, extra: JsonObject = {}): JsonObject {
  return { ...structuredClone(BASE), ...extra, streams: [{ name: 'users', primary_key: 'id', ...stream }] };
}

describe('source-declarative against the fake SaaS API', () => {
  let server: FakeSaasServer;
  const start = async (options: FakeSaasOptions = {}) => (server = await startFakeSaasServer(options));
  const config = (extra: JsonObject = {}): JsonObject => ({ base_url: server.url, token: 'test-token', ...extra });
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  afterEach(async () => {
    await server?.close();
  });

  const styles: [string, JsonObject, number][] = [
    ['page number', { path: '/page/users', record_selector: { path: 'data' }, pagination: { type: 'page_number', page_size: 30 } }, 9],
    ['page number stopped by the total', { path: '/page/users', record_selector: { path: 'data' }, pagination: { type: 'page_number', page_size: 50, stop: { total_path: 'total' } } }, 5],
    ['offset', { path: '/offset/users', record_selector: { path: 'items' }, pagination: { type: 'offset', page_size: 40 } }, 7],
    [
      'cursor = last record id, has_more (Stripe)',
      { path: '/cursor/users', record_selector: { path: 'data' }, pagination: { type: 'cursor', cursor_record_field: 'id', cursor_param: 'starting_after', page_size: 25, size_param: 'limit', stop: { has_more_path: 'has_more' } } },
      10,
    ],
    ['cursor in the body', { path: '/cursor-body/users', record_selector: { path: 'data' }, pagination: { type: 'cursor', cursor_path: 'meta.next_cursor', page_size: 60, size_param: 'limit' } }, 5],
    ['cursor in a header', { path: '/cursor-header/users', record_selector: { path: 'data' }, pagination: { type: 'cursor', cursor_header: 'X-Next-Cursor', page_size: 60, size_param: 'limit' } }, 5],
    ['Link header (GitHub)', { path: '/link/users', pagination: { type: 'link_header', page_size: 100, size_param: 'per_page' } }, 3],
    ['next URL in the body', { path: '/next-url/users', record_selector: { path: 'results' }, pagination: { type: 'next_url', next_url_path: 'links.next', page_size: 50, size_param: 'page_size' } }, 5],
  ];

  it.each(styles)('reads every record exactly once with %s pagination', async (_, stream, pages) => {
    await start();
    const manifest = manifestWith(stream);
    const { records } = await readAll(manifest, config(), configuredCatalog(manifest, ['users']));
    expect(ids(records.get('users'))).toEqual(range(250));
    expect(server.requests).toHaveLength(pages);
  });

  it('reads 10,000 records of nested JSON exactly as the API serves them', async () => {
    await start({ users: 10_000 });
    const manifest = manifestWith({ path: '/page/users', record_selector: { path: 'data' }, pagination: { type: 'page_number', page_size: 100 } });
    const { records } = await readAll(manifest, config(), configuredCatalog(manifest, ['users']));
    const users = records.get('users')!;
    expect(users).toHaveLength(10_000);
    expect(new Set(ids(users)).size).toBe(10_000);
    expect(users).toEqual(server.users);
    expect(users[41]).toMatchObject({ address: { geo: { lat: 42.5 } }, plan: { limits: { seats: expect.any(Number) } } });
    // 100 full pages, then an empty one: page-number pagination learns the end from a short page.
    expect(server.requests).toHaveLength(101);
  });

  it('waits out bursts of 429 as long as Retry-After says, and loses nothing', async () => {
    await start({ burst429: { every: 4, length: 2, retryAfter: '0.3' } });
    const manifest = manifestWith({ path: '/page/users', record_selector: { path: 'data' }, pagination: { type: 'page_number', page_size: 50 } });
    const ctx = context();
    const { records } = await readAll(manifest, config(), configuredCatalog(manifest, ['users']), [], ctx);
    expect(ids(records.get('users'))).toEqual(range(250));
    const limited = server.requests.map((r, i) => ({ r, next: server.requests[i + 1] })).filter(({ r }) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(4);
    for (const { r, next } of limited) expect(next!.at - r.at).toBeGreaterThanOrEqual(290);
    expect(ctx.warnings.some((w) => w.includes('429'))).toBe(true);
  });

  it('retries flapping 500/503 with backoff and reads every record once', async () => {
    await start({ flaky500: { every: 3 } });
    const manifest = manifestWith({ path: '/offset/users', record_selector: { path: 'items' }, pagination: { type: 'offset', page_size: 25 } });
    const { records } = await readAll(manifest, config(), configuredCatalog(manifest, ['users']));
    expect(ids(records.get('users'))).toEqual(range(250));
    expect(server.requests.filter((r) => r.status >= 500).length).toBeGreaterThanOrEqual(4);
  });

  it('gives up on a server that keeps failing, as a transient error', async () => {
    await start({ flaky500: { every: 1 } });
    const manifest = manifestWith({ path: '/page/users', record_selector: { path: 'data' }, retry: { max_retries: 2 } });
    await expect(readAll(manifest, config(), configuredCatalog(manifest, ['users']))).rejects.toMatchObject({ failureType: 'transient_error', message: expect.stringContaining('gave up after 3 attempts') });
  });

  it('renews expiring OAuth2 tokens (refresh-token grant) before they lapse and after a 401', async () => {
    await start({ auth: { oauth: { clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-0', tokenTtlSeconds: 3600, actualTtlSeconds: 0.4 } } });
    const manifest = manifestWith(
      { path: '/page/users', record_selector: { path: 'data' }, pagination: { type: 'page_number', page_size: 25 }, rate_limit: { max_requests: 10 } },
      {
        spec: { connection_specification: { type: 'object', properties: { base_url: { type: 'string' }, client_id: { type: 'string' }, client_secret: { type: 'string', secret: true }, refresh_token: { type: 'string', secret: true } } } },
        auth: { type: 'oauth2', grant_type: 'refresh_token', token_url: '{{ config.base_url }}/oauth/token', client_id: '{{ config.client_id }}', client_secret: '{{ config.client_secret }}', refresh_token: '{{ config.refresh_token }}' },
      },
    );
    const cfg = { base_url: server.url, client_id: 'cid', client_secret: 'csecret', refresh_token: 'rt-0' };
    const { records } = await readAll(manifest, cfg, configuredCatalog(manifest, ['users']));
    expect(ids(records.get('users'))).toEqual(range(250));
    expect(server.issuedTokens.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.filter((r) => r.status === 401).length).toBe(server.issuedTokens.length - 1);
  });

  it('asks the platform to store a rotated refresh token, without which the next read could not authenticate', async () => {
    await start({ auth: { oauth: { clientId: 'cid', clientSecret: 'csecret', refreshToken: 'rt-0', tokenTtlSeconds: 3600, rotateRefreshToken: true } } });
    const manifest = manifestWith(
      { path: '/page/users', record_selector: { path: 'data' }, pagination: { type: 'page_number', page_size: 100 } },
      {
        spec: { connection_specification: { type: 'object', properties: { base_url: { type: 'string' }, client_id: { type: 'string' }, client_secret: { type: 'string', secret: true }, refresh_token: { type: 'string', secret: true } } } },
        auth: { type: 'oauth2', grant_type: 'refresh_token', token_url: '{{ config.base_url }}/oauth/token', client_id: '{{ config.client_id }}', client_secret: '{{ config.client_secret }}', refresh_token: '{{ config.refresh_token }}' },
      },
    );
    const cfg = { base_url: server.url, client_id: 'cid', client_secret: 'csecret', refresh_token: 'rt-0' };
    const first = await readAll(manifest, cfg, configuredCatalog(manifest, ['users']));
    expect(ids(first.records.get('users'))).toEqual(range(250));
    expect(first.configUpdates).toHaveLength(1);
    const stored = first.configUpdates[0]!.config as JsonObject;
    expect(stored).toEqual({ ...cfg, refresh_token: 'rt-1' });

    // The API revoked rt-0 when it issued rt-1: only the stored config can read again.
    await expect(readAll(manifest, cfg, configuredCatalog(manifest, ['users']))).rejects.toBeInstanceOf(ConnectorError);
    const second = await readAll(manifest, stored, configuredCatalog(manifest, ['users']));
    expect(ids(second.records.get('users'))).toEqual(range(250));
    expect(second.configUpdates.map((u) => (u.config as JsonObject).refresh_token)).toEqual(['rt-2']);
  });

  it('reads incrementally: the second run asks only for what changed and gets exactly that', async () => {
    await start({ users: 60 });
    const manifest = structuredClone(BASE);
    const catalog = configuredCatalog(manifest, ['users', 'orders'], 'incremental');
    const first = await readAll(manifest, config(), catalog);
    expect(ids(first.records.get('users'))).toEqual(range(60));
    const allOrders = server.users.flatMap((u) => server.ordersOf(u.id));
    expect(ids(first.records.get('orders')).sort()).toEqual(allOrders.map((o) => o.id).sort());
    const usersState = first.lastStates.find((s) => s.state.stream!.stream_descriptor.name === 'users')!.state.stream!.stream_state!;
    expect(usersState).toEqual({ updated_at: server.users[59]!.updated_at });
    const ordersState = first.lastStates.find((s) => s.state.stream!.stream_descriptor.name === 'orders')!.state.stream!.stream_state as { partitions: Record<string, JsonObject> };
    expect(ordersState.partitions['3']).toEqual({ updated_at: server.ordersOf(3).at(-1)!.updated_at });
    expect(Object.keys(ordersState.partitions)).toHaveLength(allOrders.length ? new Set(allOrders.map((o) => String(o.user_id))).size : 0);

    server.touchUsers([7, 3]);
    server.addUsers(5);
    server.requests.length = 0;
    const second = await readAll(manifest, config(), configuredCatalog(manifest, ['users'], 'incremental'), first.lastStates);
    expect(ids(second.records.get('users'))).toEqual([7, 3, 61, 62, 63, 64, 65]);
    expect(server.requests[0]!.query.get('updated_after')).toBe(server.users[59]!.updated_at);
    const third = await readAll(manifest, config(), configuredCatalog(manifest, ['users'], 'incremental'), second.lastStates);
    expect(third.records.get('users')).toBeUndefined();
    expect(third.lastStates[0]!.state.stream!.stream_state).toEqual({ updated_at: server.users[64]!.updated_at });
  });

  it('re-reads the lookback window of an incremental stream', async () => {
    await start({ users: 8 });
    const manifest = structuredClone(BASE);
    (manifest.streams as JsonObject[])[0]!.incremental = { cursor_field: 'updated_at', request_param: 'updated_after', lookback: 120 };
    const first = await readAll(manifest, config(), configuredCatalog(manifest, ['users'], 'incremental'));
    server.requests.length = 0;
    const second = await readAll(manifest, config(), configuredCatalog(manifest, ['users'], 'incremental'), first.lastStates);
    // updated_at are a minute apart: a 2-minute lookback re-reads the last two users.
    expect(ids(second.records.get('users'))).toEqual([7, 8]);
    expect(server.requests[0]!.query.get('updated_after')).toBe(new Date(Date.parse(server.users[7]!.updated_at) - 120_000).toISOString());
  });

  it('spaces requests by the stream rate limit (from the request timestamps)', async () => {
    await start({ users: 60 });
    const manifest = manifestWith({ path: '/page/users', record_selector: { path: 'data' }, pagination: { type: 'page_number', page_size: 10 }, rate_limit: { max_requests: 4, per_seconds: 1 } });
    const { records } = await readAll(manifest, config(), configuredCatalog(manifest, ['users']));
    expect(ids(records.get('users'))).toEqual(range(60));
    const times = server.requests.map((r) => r.at);
    expect(times).toHaveLength(7);
    // 4 per second = one every 250 ms; arrival times may wobble by a scheduler hiccup, not by more.
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200);
    for (let i = 4; i < times.length; i++) expect(times[i]! - times[i - 4]!).toBeGreaterThanOrEqual(950);
  });

  it('reports a 401 as a config error carrying the API message, in check and in read', async () => {
    await start();
    const manifest = structuredClone(BASE);
    const status = await new DeclarativeSource().check({ manifest, config: config({ token: 'expired' }) }, context());
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('401');
    expect(status.message).toContain('Bad credentials: the API key or token is invalid');
    const failure = await readAll(manifest, config({ token: 'expired' }), configuredCatalog(manifest, ['users'])).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).toMatchObject({ failureType: 'config_error', message: expect.stringContaining('Bad credentials') });
    expect((failure as Error).message).not.toContain('expired');
  });

  it('reports a 403 as a config error with the API message', async () => {
    await start({ forbiddenBearer: 'readonly' });
    const manifest = structuredClone(BASE);
    await expect(readAll(manifest, config({ token: 'readonly' }), configuredCatalog(manifest, ['users']))).rejects.toMatchObject({
      failureType: 'config_error',
      message: expect.stringContaining('lacks the read:users scope'),
    });
  });

  it('reads a child stream per parent record, ignoring 404s when told to', async () => {
    await start({ users: 30, deletedUserIds: [6, 7] });
    const manifest = structuredClone(BASE);
    const catalog = configuredCatalog(manifest, ['orders']);
    await expect(readAll(manifest, config(), catalog)).rejects.toMatchObject({ failureType: 'config_error', message: expect.stringContaining('user 6 not found') });

    (manifest.streams as JsonObject[])[1]!.error_handlers = [{ status: 404, action: 'ignore' }];
    (manifest.streams as JsonObject[])[1]!.parent = { stream: 'users', key: 'id', record_field: 'owner_id' };
    server.requests.length = 0;
    const { records } = await readAll(manifest, config(), catalog);
    const expected = server.users.filter((u) => u.id !== 6 && u.id !== 7).flatMap((u) => server.ordersOf(u.id).map((o) => ({ ...o, owner_id: u.id })));
    expect(records.get('orders')).toEqual(expected);
    // Orders pages hold 2 records: a user with 3 orders takes 2 requests, others 1.
    expect(server.requests.filter((r) => r.path === '/page/users/3/orders').map((r) => r.query.get('page'))).toEqual(['1', '2']);
  });

  it('adds, removes, renames and flattens fields', async () => {
    await start({ users: 3 });
    const manifest = manifestWith({
      path: '/page/users',
      record_selector: { path: 'data' },
      transformations: [
        { type: 'add_fields', fields: { source: 'fake-saas', 'meta.city': '{{ record.address.city }}' } },
        { type: 'remove_fields', fields: ['tags', 'address.street'] },
        { type: 'rename_fields', fields: { email: 'contact_email' } },
        { type: 'flatten', depth: 1 },
      ],
    });
    const { records } = await readAll(manifest, config(), configuredCatalog(manifest, ['users']));
    const user = server.users[1]!;
    expect(records.get('users')![1]).toEqual({
      id: 2,
      name: user.name,
      contact_email: user.email,
      created_at: user.created_at,
      updated_at: user.updated_at,
      address_city: user.address.city,
      address_geo: user.address.geo,
      plan_name: user.plan.name,
      plan_limits: user.plan.limits,
      source: 'fake-saas',
      meta_city: user.address.city,
    });
  });

  it('infers a schema from sampled records when none is declared, and uses a declared one as is', async () => {
    await start({ users: 5 });
    const manifest = structuredClone(BASE);
    const declared = { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'string' } } };
    (manifest.streams as JsonObject[])[1]!.schema = declared;
    const catalog = await new DeclarativeSource().discover({ manifest, config: config() }, context());
    const users = catalog.streams.find((s) => s.name === 'users')!;
    expect(users).toMatchObject({ supported_sync_modes: ['full_refresh', 'incremental'], source_defined_cursor: true, default_cursor_field: ['updated_at'], source_defined_primary_key: [['id']] });
    expect(users.json_schema.properties).toMatchObject({
      id: { type: ['number', 'null'] },
      address: { type: ['object', 'null'], properties: { geo: { properties: { lat: { type: ['number', 'null'] } } } } },
      tags: { type: ['array', 'null'], items: { type: ['string', 'null'] } },
    });
    expect(catalog.streams.find((s) => s.name === 'orders')!.json_schema).toEqual(declared);
  });
});
