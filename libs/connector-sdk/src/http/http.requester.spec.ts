// The requester against a real HTTP server of the test's own: retries, backoff, Retry-After,
// timeouts, error classification, refresh on 401, cancellation, and no socket left behind.
import { activeResources, leakedResourcesSince, resourcesAddedSince } from '../testing/open-resources';
import { startTestHttpServer, type TestHttpServer } from '../testing/test-http.server';
import type { HttpAuthenticator } from './http.authenticator';
import { HttpRequestError, HttpRequester } from './http.requester';
import { RuleBasedErrorHandler } from './http-error.handler';
import { ExponentialBackoff, parseRetryAfter } from './backoff.policy';
import { ApiKeyAuthenticator } from './api-key.authenticator';

const quickBackoff = new ExponentialBackoff({ initialMs: 5, maxMs: 20 });

describe('HttpRequester', () => {
  let server: TestHttpServer;
  let requester: HttpRequester | undefined;

  beforeEach(async () => {
    server = await startTestHttpServer();
  });
  afterEach(async () => {
    await requester?.close();
    requester = undefined;
    await server.close();
  });

  const create = (options: Partial<ConstructorParameters<typeof HttpRequester>[0]> = {}) =>
    (requester = new HttpRequester({ baseUrl: `${server.url}/v1`, backoff: quickBackoff, ...options }));

  it('resolves paths against the base URL, sends query, headers and JSON, and parses JSON', async () => {
    server.handle((r) => ({ body: { method: r.method, path: r.path, q: r.query.get('q'), h: r.headers['x-extra'], body: r.body } }));
    const response = await create({ headers: { 'x-extra': 'yes' } }).send({ method: 'POST', path: '/items', query: { q: 'a b', skip: undefined }, json: { n: 1 } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ method: 'POST', path: '/v1/items', q: 'a b', h: 'yes', body: '{"n":1}' });
    expect(server.requests[0]!.url).toBe('/v1/items?q=a+b');
  });

  it('retries 5xx with backoff, then succeeds', async () => {
    let calls = 0;
    server.handle(() => (++calls < 3 ? { status: 503, body: 'busy' } : { body: [1] }));
    await expect(create().json({ path: 'x' })).resolves.toEqual([1]);
    expect(calls).toBe(3);
  });

  it('gives up after maxRetries with a transient error naming the URL and status, never the query', async () => {
    server.handle(() => ({ status: 500, body: { error: 'kaput' } }));
    const error = await create({ maxRetries: 2, authenticator: new ApiKeyAuthenticator({ key: 'sekret-key', in: 'query' }) })
      .send({ path: 'x' })
      .then(() => undefined, (e: unknown) => e as HttpRequestError);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(error).toMatchObject({ failureType: 'transient_error', status: 500 });
    expect(error?.message).toBe(`GET ${server.url}/v1/x: 500 Internal Server Error, the server failed — {"error":"kaput"} (gave up after 3 attempts)`);
    expect(error?.message).not.toContain('sekret');
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0]!.query.get('api_key')).toBe('sekret-key');
  });

  it('honours Retry-After on 429 (seconds), waiting at least that long', async () => {
    let calls = 0;
    server.handle(() => (++calls === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { body: { ok: true } }));
    const started = Date.now();
    await expect(create({ backoff: new ExponentialBackoff({ initialMs: 1, maxMs: 1 }) }).json({ path: 'x' })).resolves.toEqual({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('fails a 429 whose Retry-After exceeds the allowed wait, as transient', async () => {
    server.handle(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    await expect(create({ maxRetryAfterMs: 1000 }).send({ path: 'x' })).rejects.toMatchObject({
      failureType: 'transient_error',
      message: expect.stringContaining('the server asks to wait 3600 s, more than the 1 s allowed'),
    });
  });

  it('classifies 401 without refresh and 403 as config errors, other 4xx as system errors, without retrying', async () => {
    for (const [status, failureType] of [
      [401, 'config_error'],
      [403, 'config_error'],
      [404, 'config_error'],
      [422, 'system_error'],
    ] as const) {
      server.requests.length = 0;
      server.handle(() => ({ status }));
      await expect(create().send({ path: 'x' })).rejects.toMatchObject({ failureType, status });
      expect(server.requests).toHaveLength(1);
      await requester!.close();
    }
  });

  it('applies rules before the defaults: ignore a 404, retry a 200 whose body says "try later"', async () => {
    let calls = 0;
    server.handle((r) => (r.path.endsWith('/gone') ? { status: 404 } : ++calls === 1 ? { body: { status: 'pending' } } : { body: { status: 'done' } }));
    const handler = new RuleBasedErrorHandler({
      rules: [
        { status: 404, action: 'ignore' },
        { when: (response) => (response.body as { status?: string }).status === 'pending', action: 'retry', message: 'report not ready' },
      ],
    });
    const r = create({ errorHandler: handler });
    await expect(r.send({ path: 'gone' })).resolves.toMatchObject({ status: 404, ignored: true });
    await expect(r.json({ path: 'report' })).resolves.toEqual({ status: 'done' });
  });

  it('times out a slow attempt, retries it, and reports a timeout when every attempt is slow', async () => {
    server.handle(() => ({ delayMs: 500, body: {} }));
    await expect(create({ timeoutMs: 100, maxRetries: 1 }).send({ path: 'slow' })).rejects.toMatchObject({
      failureType: 'transient_error',
      message: `GET ${server.url}/v1/slow: the request timed out (gave up after 2 attempts)`,
    });
    expect(server.requests).toHaveLength(2);
  });

  it('retries network errors as transient', async () => {
    const closed = await startTestHttpServer();
    const url = closed.url;
    await closed.close();
    await expect((requester = new HttpRequester({ baseUrl: url, backoff: quickBackoff, maxRetries: 1 })).send({ path: 'x' })).rejects.toMatchObject({
      failureType: 'transient_error',
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('refreshes credentials once on 401 and retries with the new ones', async () => {
    let token = 'old';
    const authenticator: HttpAuthenticator = {
      authenticate: (request) => request.headers.set('authorization', `Bearer ${token}`),
      refresh: async () => {
        token = 'new';
        return true;
      },
    };
    server.handle((r) => (r.headers.authorization === 'Bearer new' ? { body: { ok: 1 } } : { status: 401 }));
    await expect(create({ authenticator }).json({ path: 'x' })).resolves.toEqual({ ok: 1 });
    server.handle(() => ({ status: 401 }));
    await expect(create({ authenticator }).send({ path: 'x' })).rejects.toMatchObject({ failureType: 'config_error', status: 401 });
  });

  it('stops waiting and sending when the signal aborts, rejecting with the abort reason', async () => {
    server.handle(() => ({ status: 503 }));
    const controller = new AbortController();
    const pending = create({ signal: controller.signal, backoff: new ExponentialBackoff({ initialMs: 60_000 }) }).send({ path: 'x' });
    setTimeout(() => controller.abort(new Error('cancelled by the user')), 50);
    await expect(pending).rejects.toThrow('cancelled by the user');
  });

  it('rejects invalid JSON on success as a system error with a snippet', async () => {
    server.handle(() => ({ headers: { 'content-type': 'application/json' }, body: '{"broken":' }));
    await expect(create().send({ path: 'x' })).rejects.toMatchObject({ failureType: 'system_error', message: expect.stringContaining('the API sent invalid JSON') });
  });

  it('rejects an invalid base URL as a config error', () => {
    expect(() => new HttpRequester({ baseUrl: 'not a url' })).toThrow(expect.objectContaining({ failureType: 'config_error' }));
  });

  it('leaves no socket open once closed', async () => {
    server.handle(() => ({ body: {} }));
    const before = activeResources();
    const r = create();
    await Promise.all([r.send({ path: 'a' }), r.send({ path: 'b' })]);
    expect(resourcesAddedSince(before)).toMatchObject({ TCPSocketWrap: expect.any(Number) });
    await r.close();
    await expect(leakedResourcesSince(before)).resolves.toEqual({});
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('ExponentialBackoff', () => {
  it('grows by the factor up to the ceiling, with equal jitter', () => {
    const none = new ExponentialBackoff({ initialMs: 100, factor: 2, maxMs: 1000, jitter: false });
    expect([0, 1, 2, 3, 4, 5].map((n) => none.delayMs(n))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(new ExponentialBackoff({ initialMs: 100, random: () => 0 }).delayMs(2)).toBe(200);
    expect(new ExponentialBackoff({ initialMs: 100, random: () => 0.999999 }).delayMs(2)).toBe(400);
  });
});
