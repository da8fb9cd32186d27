// A fake SaaS REST API of our own (DESIGN §7: a real HTTP server standing in for a service that
// cannot run here), for the declarative connector's tests and examples. It serves one dataset —
// users with nested JSON, each with orders — in every common pagination style, and behaves like a
// real API under stress: bursts of 429 with Retry-After, flapping 5xx, OAuth2 tokens that expire
// and must be refreshed, 401/403 with the API's own message, 404 for deleted parents. It also
// speaks three well-known dialects for the example manifests: GitHub-like issues (Link header),
// Stripe-like customers/charges (cursor = last id, has_more) and a page-number helpdesk API.
// Every request is recorded with its arrival time, so tests can check rate limits.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSaasOptions {
  /** Number of users (default 250). */
  users?: number;
  /** Accepted credentials; a request must carry one of them (default: bearer `test-token`). */
  auth?: {
    bearer?: string;
    apiKey?: { header: string; value: string };
    basic?: { username: string; password: string };
    oauth?: {
      clientId: string;
      clientSecret: string;
      refreshToken?: string;
      /** Lifetime announced in expires_in (default 3600). */
      tokenTtlSeconds?: number;
      /** Real lifetime, when tokens die before the announced one (revoked, clock skew): answered with 401. */
      actualTtlSeconds?: number;
      rotateRefreshToken?: boolean;
    };
  };
  /** Tokens that authenticate but may not read (403 with a message). */
  forbiddenBearer?: string;
  /** Every `every` requests (after auth), `length` consecutive ones answer 429 with this Retry-After. */
  burst429?: { every: number; length: number; retryAfter: string };
  /** Every `every`-th request answers 500 or 503 (alternately). */
  flaky500?: { every: number };
  /** Users whose orders are gone: `/users/{id}/orders` answers 404. */
  deletedUserIds?: number[];
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** Arrival time, ms since the epoch (fractional). */
  at: number;
  status: number;
}

export interface FakeUser {
  id: number;
  name: string;
  email: string;
  created_at: string;
  updated_at: string;
  address: { street: string; city: string; geo: { lat: number; lng: number } };
  tags: string[];
  plan: { name: string; limits: { seats: number } };
}

export interface FakeOrder {
  id: string;
  user_id: number;
  amount: { value: number; currency: string };
  items: { sku: string; quantity: number }[];
  updated_at: string;
}

export interface FakeSaasServer {
  url: string;
  requests: FakeRequest[];
  users: FakeUser[];
  ordersOf(userId: number): FakeOrder[];
  /** Adds users after the existing ones (updated later than any). */
  addUsers(count: number): FakeUser[];
  /** Marks users as updated now (later than any earlier update). */
  touchUsers(ids: number[]): void;
  /** Access tokens issued by the OAuth2 endpoint, oldest first. */
  issuedTokens: string[];
  /** Changes the misbehaviour settings (burst429, flaky500, ...) from now on. */
  configure(options: Partial<FakeSaasOptions>): void;
  close(): Promise<void>;
}

const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');
const CITIES = ['Oslo', 'Lyon', 'Porto', 'Kyoto', 'Quito', 'Accra', 'Perth'];
const TAGS = ['vip', 'beta', 'trial', 'churn-risk', 'partner'];

function makeUser(id: number, updatedAt: number): FakeUser {
  return {
    id,
    name: `User ${id}`,
    email: `user${id}@example.com`,
    created_at: new Date(BASE_TIME + id * 60_000).toISOString(),
    updated_at: new Date(updatedAt).toISOString(),
    address: { street: `${id} Main Street`, city: CITIES[id % CITIES.length]!, geo: { lat: (id % 90) + 0.5, lng: (id % 180) - 0.25 } },
    tags: TAGS.filter((_, i) => (id + i) % 3 === 0),
    plan: { name: id % 5 === 0 ? 'enterprise' : 'team', limits: { seats: (id % 7) + 1 } },
  };
}

function makeOrders(user: FakeUser): FakeOrder[] {
  return Array.from({ length: user.id % 4 }, (_, k) => ({
    id: `${user.id}-${k + 1}`,
    user_id: user.id,
    amount: { value: (user.id * 7 + k * 13) % 1000, currency: k % 2 ? 'EUR' : 'USD' },
    items: [{ sku: `SKU-${(user.id + k) % 50}`, quantity: k + 1 }],
    updated_at: new Date(BASE_TIME + user.id * 60_000 + k * 1000).toISOString(),
  }));
}

type Reply = { status: number; headers?: Record<string, string>; body?: unknown };

export async function startFakeSaasServer(initial: FakeSaasOptions = {}): Promise<FakeSaasServer> {
  const options: FakeSaasOptions = { ...initial };
  const auth = options.auth ?? { bearer: 'test-token' };
  const users: FakeUser[] = [];
  let clock = BASE_TIME + 1_000_000 * 60_000;
  let seeding = true;
  const addUsers = (count: number) => {
    const added: FakeUser[] = [];
    for (let i = 0; i < count; i++) {
      const id = users.length + 1;
      // The first users were updated in id order; later ones after everything before them.
      const user = makeUser(id, seeding ? BASE_TIME + id * 60_000 + 30_000 : (clock += 60_000));
      users.push(user);
      added.push(user);
    }
    return added;
  };
  addUsers(options.users ?? 250);
  seeding = false;
  const requests: FakeRequest[] = [];
  const issuedTokens: string[] = [];
  const tokens = new Map<string, number>();
  let refreshToken = auth.oauth?.refreshToken;
  let counted = 0;

  const authorize = (request: FakeRequest): Reply | undefined => {
    const header = request.headers.authorization ?? '';
    if (options.forbiddenBearer && header === `Bearer ${options.forbiddenBearer}`) {
      return { status: 403, body: { message: 'Resource not accessible by this token: it lacks the read:users scope' } };
    }
    if (auth.bearer && header === `Bearer ${auth.bearer}`) return undefined;
    if (auth.apiKey && request.headers[auth.apiKey.header.toLowerCase()] === auth.apiKey.value) return undefined;
    if (auth.basic && header === `Basic ${Buffer.from(`${auth.basic.username}:${auth.basic.password}`).toString('base64')}`) return undefined;
    if (auth.oauth && header.startsWith('Bearer ')) {
      const expires = tokens.get(header.slice(7));
      if (expires !== undefined && expires > Date.now()) return undefined;
      if (expires !== undefined) return { status: 401, body: { error: 'invalid_token', message: 'The access token expired' } };
    }
    return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: { message: 'Bad credentials: the API key or token is invalid' } };
  };

  const oauthToken = (request: FakeRequest): Reply => {
    const oauth = auth.oauth;
    if (!oauth) return { status: 404, body: { message: 'Not Found' } };
    const form = new URLSearchParams(request.body);
    const basic = request.headers.authorization?.startsWith('Basic ') ? Buffer.from(request.headers.authorization.slice(6), 'base64').toString() : undefined;
    const [clientId, clientSecret] = basic ? basic.split(':').map(decodeURIComponent) : [form.get('client_id'), form.get('client_secret')];
    if (clientId !== oauth.clientId || clientSecret !== oauth.clientSecret) return { status: 401, body: { error: 'invalid_client' } };
    const grant = form.get('grant_type');
    if (grant === 'refresh_token' && (!refreshToken || form.get('refresh_token') !== refreshToken)) return { status: 400, body: { error: 'invalid_grant' } };
    if (grant !== 'refresh_token' && grant !== 'client_credentials') return { status: 400, body: { error: 'unsupported_grant_type' } };
    const ttl = oauth.tokenTtlSeconds ?? 3600;
    const token = `at-${issuedTokens.length + 1}-${Math.random().toString(36).slice(2, 10)}`;
    issuedTokens.push(token);
    tokens.set(token, Date.now() + (oauth.actualTtlSeconds ?? ttl) * 1000);
    const body: Record<string, unknown> = { access_token: token, token_type: 'bearer', expires_in: ttl };
    if (grant === 'refresh_token' && oauth.rotateRefreshToken) {
      refreshToken = `rt-${issuedTokens.length}`;
      body.refresh_token = refreshToken;
    }
    return { status: 200, body };
  };

  const misbehave = (): Reply | undefined => {
    const n = counted++;
    const burst = options.burst429;
    if (burst && n % burst.every >= burst.every - burst.length) {
      return { status: 429, headers: { 'retry-after': burst.retryAfter }, body: { message: 'API rate limit exceeded' } };
    }
    const flaky = options.flaky500;
    if (flaky && n % flaky.every === flaky.every - 1) {
      return { status: n % 2 ? 503 : 500, body: n % 2 ? 'Service Unavailable' : { message: 'Internal Server Error' } };
    }
    return undefined;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const parsed = new URL(req.url ?? '/', 'http://fake');
      const request: FakeRequest = { method: req.method ?? 'GET', path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: performance.timeOrigin + performance.now(), status: 0 };
      requests.push(request);
      const origin = `http://${req.headers.host}`;
      let reply: Reply;
      try {
        reply = request.path === '/oauth/token' && request.method === 'POST' ? oauthToken(request) : (authorize(request) ?? misbehave() ?? route(request, origin));
      } catch (error) {
        reply = { status: 400, body: { message: (error as Error).message } };
      }
      request.status = reply.status;
      const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { ...(typeof reply.body === 'object' ? { 'content-type': 'application/json; charset=utf-8' } : { 'content-type': 'text/plain' }), ...reply.headers });
      res.end(text);
    });
  });

  const route = (request: FakeRequest, origin: string): Reply => {
    const { path, query } = request;
    let match: RegExpExecArray | null;
    // Generic styles: /<style>/users and /<style>/users/<id>/orders
    if ((match = /^\/(page|offset|cursor|cursor-body|cursor-header|link|next-url)\/users(?:\/(\d+)\/orders)?$/.exec(path))) {
      const style = match[1]!;
      const userId = match[2] ? Number(match[2]) : undefined;
      let items: Record<string, unknown>[];
      if (userId !== undefined) {
        const user = users.find((u) => u.id === userId);
        if (!user || options.deletedUserIds?.includes(userId)) return { status: 404, body: { message: `user ${userId} not found` } };
        items = makeOrders(user) as unknown as Record<string, unknown>[];
      } else {
        items = sortedUsers(users) as unknown as Record<string, unknown>[];
      }
      const after = query.get('updated_after');
      if (after) items = items.filter((i) => Date.parse(String(i.updated_at)) > Date.parse(after));
      return paginate(style, items, request, origin);
    }
    // GitHub-like: issues of a repository, Link header, `since` (updated after), array bodies.
    if ((match = /^\/repos\/([\w.-]+)\/([\w.-]+)\/issues$/.exec(path))) {
      let issues = sortedUsers(users).map((u) => ({
        id: 1_000_000 + u.id,
        number: u.id,
        title: `Issue from ${u.name}`,
        state: u.id % 3 ? 'open' : 'closed',
        user: { login: `user${u.id}`, id: u.id, site_admin: false },
        labels: u.tags.map((name) => ({ name, color: 'ededed' })),
        created_at: u.created_at,
        updated_at: u.updated_at,
        comments: u.id % 4,
      }));
      const since = query.get('since');
      if (since) issues = issues.filter((i) => Date.parse(i.updated_at) > Date.parse(since));
      return paginate('link', issues, request, origin);
    }
    if ((match = /^\/repos\/([\w.-]+)\/([\w.-]+)\/issues\/(\d+)\/comments$/.exec(path))) {
      const user = users.find((u) => u.id === Number(match![3]));
      if (!user) return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
      const comments = makeOrders(user).map((o, k) => ({ id: user.id * 10 + k, body: `Comment ${o.id}`, user: { login: `user${(user.id + k) % 40}` }, created_at: o.updated_at, updated_at: o.updated_at }));
      return paginate('link', comments, request, origin);
    }
    // Stripe-like: /v1/customers and /v1/charges, cursor = id of the last object, has_more, created[gt].
    if (path === '/v1/customers' || path === '/v1/charges') {
      let objects: Record<string, unknown>[] =
        path === '/v1/customers'
          ? sortedUsers(users).map((u) => ({ id: `cus_${String(u.id).padStart(6, '0')}`, object: 'customer', email: u.email, name: u.name, created: Math.floor(Date.parse(u.updated_at) / 1000), address: { city: u.address.city, line1: u.address.street }, metadata: { plan: u.plan.name } }))
          : sortedUsers(users).flatMap((u) => makeOrders(u).map((o) => ({ id: `ch_${o.id.replace('-', '_')}`, object: 'charge', amount: o.amount.value, currency: o.amount.currency.toLowerCase(), customer: `cus_${String(u.id).padStart(6, '0')}`, created: Math.floor(Date.parse(o.updated_at) / 1000), paid: true })));
      const gt = query.get('created[gt]');
      if (gt) objects = objects.filter((o) => (o.created as number) > Number(gt));
      return stripeList(objects, request, path);
    }
    // A page-number helpdesk API: /api/v2/tickets?page=&per_page=&updated_since=
    if (path === '/api/v2/tickets') {
      let tickets = sortedUsers(users).map((u) => ({ id: u.id, subject: `Ticket ${u.id}`, status: ['new', 'open', 'pending', 'solved'][u.id % 4], requester: { id: u.id, name: u.name, email: u.email }, custom_fields: { priority: u.id % 3, region: u.address.city }, updated_at: u.updated_at }));
      const since = query.get('updated_since');
      if (since) tickets = tickets.filter((t) => Date.parse(t.updated_at) > Date.parse(since));
      const perPage = Math.min(Number(query.get('per_page') ?? 25), 100);
      const page = Number(query.get('page') ?? 1);
      const slice = tickets.slice((page - 1) * perPage, page * perPage);
      return { status: 200, body: { tickets: slice, count: tickets.length, page, next_page: page * perPage < tickets.length ? page + 1 : null } };
    }
    return { status: 404, body: { message: 'Not Found' } };
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    users,
    ordersOf: (userId) => {
      const user = users.find((u) => u.id === userId);
      return user ? makeOrders(user) : [];
    },
    addUsers,
    touchUsers(ids) {
      for (const id of ids) {
        const user = users.find((u) => u.id === id);
        if (user) user.updated_at = new Date((clock += 60_000)).toISOString();
      }
    },
    issuedTokens,
    configure(next) {
      Object.assign(options, next);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Users in update order (ties by id): what `updated_after` filters walk. */
function sortedUsers(users: FakeUser[]): FakeUser[] {
  return [...users].sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || a.id - b.id);
}

function intParam(query: URLSearchParams, name: string, fallback: number): number {
  const raw = query.get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function paginate(style: string, items: Record<string, unknown>[], request: FakeRequest, origin: string): Reply {
  const { query } = request;
  switch (style) {
    case 'page': {
      const perPage = Math.min(intParam(query, 'per_page', 30), 100);
      const page = Math.max(intParam(query, 'page', 1), 1);
      return { status: 200, body: { data: items.slice((page - 1) * perPage, page * perPage), page, per_page: perPage, total: items.length } };
    }
    case 'offset': {
      const limit = Math.min(intParam(query, 'limit', 20), 100);
      const offset = intParam(query, 'offset', 0);
      return { status: 200, body: { items: items.slice(offset, offset + limit), total: items.length } };
    }
    case 'cursor-body':
    case 'cursor-header': {
      const limit = Math.min(intParam(query, 'limit', 20), 100);
      const cursor = query.get('cursor');
      const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString().replace('pos:', '')) : 0;
      const slice = items.slice(start, start + limit);
      const next = start + limit < items.length ? Buffer.from(`pos:${start + limit}`).toString('base64url') : null;
      if (style === 'cursor-header') return { status: 200, headers: next ? { 'x-next-cursor': next } : {}, body: { data: slice } };
      return { status: 200, body: { data: slice, meta: { next_cursor: next } } };
    }
    case 'cursor': {
      const limit = Math.min(intParam(query, 'limit', 10), 100);
      const after = query.get('starting_after');
      const start = after ? items.findIndex((i) => String(i.id) === after) + 1 : 0;
      if (after && start === 0) return { status: 400, body: { error: { type: 'invalid_request_error', message: `No such object: '${after}'` } } };
      const slice = items.slice(start, start + limit);
      return { status: 200, body: { object: 'list', data: slice, has_more: start + limit < items.length } };
    }
    case 'link': {
      const perPage = Math.min(intParam(query, 'per_page', 30), 100);
      const page = Math.max(intParam(query, 'page', 1), 1);
      const last = Math.max(1, Math.ceil(items.length / perPage));
      const link = (p: number, rel: string) => {
        const url = new URL(request.path, origin);
        for (const [k, v] of query) url.searchParams.set(k, v);
        url.searchParams.set('page', String(p));
        url.searchParams.set('per_page', String(perPage));
        return `<${url.href}>; rel="${rel}"`;
      };
      const links = [...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []), ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : [])];
      return { status: 200, headers: links.length ? { link: links.join(', ') } : {}, body: items.slice((page - 1) * perPage, page * perPage) };
    }
    case 'next-url': {
      const size = Math.min(intParam(query, 'page_size', 25), 100);
      const token = intParam(query, 'page_token', 0);
      const next = token + size < items.length ? new URL(`${request.path}?page_token=${token + size}&page_size=${size}`, origin).href : null;
      return { status: 200, body: { results: items.slice(token, token + size), links: { next } } };
    }
  }
  return { status: 404, body: { message: 'Not Found' } };
}

function stripeList(objects: Record<string, unknown>[], request: FakeRequest, path: string): Reply {
  const reply = paginate('cursor', objects, request, '');
  if (reply.status === 200) (reply.body as Record<string, unknown>).url = path;
  return reply;
}
