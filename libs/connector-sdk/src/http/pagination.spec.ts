// Each paginator against a real HTTP server serving 7 items, 3 a page, in its own style; plus
// loop detection, record selection by path and flattening.
import { startTestHttpServer, type RecordedRequest, type TestHttpServer } from '../testing/test-http.server';
import { CursorPaginator } from './cursor.paginator';
import { HttpRequester } from './http.requester';
import { readPages, readRecords, type ReadPagesOptions } from './http-pages.reader';
import { LinkHeaderPaginator, parseLinkHeader } from './link-header.paginator';
import { NextUrlPaginator } from './next-url.paginator';
import { OffsetPaginator } from './offset.paginator';
import { PageNumberPaginator } from './page-number.paginator';
import { flattenRecord } from './record.flattener';
import { selectRecords, valueAtPath } from './record.selector';

const ITEMS = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, owner: { name: `o${i + 1}`, address: { city: 'Oslo' } }, tags: ['a'] }));
const PAGE = 3;

function slice(start: number) {
  return ITEMS.slice(start, start + PAGE);
}

describe('pagination', () => {
  let server: TestHttpServer;
  let requester: HttpRequester;

  beforeAll(async () => {
    server = await startTestHttpServer();
    requester = new HttpRequester({ baseUrl: server.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await requester.close();
    await server.close();
  });
  beforeEach(() => {
    server.requests.length = 0;
  });

  async function ids(handler: (r: RecordedRequest) => { body?: unknown; headers?: Record<string, string> }, options: ReadPagesOptions): Promise<number[]> {
    server.handle(handler);
    const out: number[] = [];
    for await (const records of readRecords(requester, { path: '/items' }, options)) out.push(...records.map((r) => r.id as number));
    return out;
  }

  it('page number: stops at the first short page', async () => {
    const result = await ids((r) => ({ body: { data: slice((Number(r.query.get('page')) - 1) * Number(r.query.get('per_page'))) } }), {
      paginator: new PageNumberPaginator({ pageSize: PAGE }),
      recordPath: 'data',
    });
    expect(result).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requests.map((r) => r.url)).toEqual(['/items?page=1&per_page=3', '/items?page=2&per_page=3', '/items?page=3&per_page=3']);
  });

  it('offset/limit', async () => {
    const result = await ids((r) => ({ body: slice(Number(r.query.get('offset'))) }), { paginator: new OffsetPaginator({ limit: PAGE }) });
    expect(result).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requests.map((r) => r.query.get('offset'))).toEqual(['0', '3', '6']);
  });

  it('cursor in the body, sent back as a query parameter, with fixed query kept', async () => {
    const handler = (r: RecordedRequest) => {
      const start = Number(r.query.get('after') ?? 0);
      return { body: { items: slice(start), meta: { next: start + PAGE < ITEMS.length ? String(start + PAGE) : null } } };
    };
    const result = await ids(handler, { paginator: new CursorPaginator({ from: { bodyPath: 'meta.next' }, send: { query: 'after' }, query: { limit: PAGE } }), recordPath: ['items'] });
    expect(result).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requests.map((r) => r.url)).toEqual(['/items?limit=3', '/items?limit=3&after=3', '/items?limit=3&after=6']);
  });

  it('cursor in a header, sent back in a header, and has_more=false ends the read', async () => {
    const handler = (r: RecordedRequest) => {
      const start = Number(r.headers['x-cursor'] ?? 0);
      return { body: { items: slice(start), has_more: start + PAGE < ITEMS.length }, headers: { 'x-next-cursor': String(start + PAGE) } };
    };
    const result = await ids(handler, { paginator: new CursorPaginator({ from: { header: 'x-next-cursor' }, send: { header: 'x-cursor' }, hasMorePath: 'has_more' }), recordPath: 'items' });
    expect(result).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(server.requests).toHaveLength(3);
  });

  it('Link header with relative and absolute links', async () => {
    const handler = (r: RecordedRequest) => {
      const start = Number(r.query.get('start') ?? 0);
      const next = start + PAGE < ITEMS.length ? `</items?start=${start + PAGE}>; rel="next", <${server.url}/items?start=0>; rel="first"` : `<${server.url}/items?start=0>; rel="first"`;
      return { body: slice(start), headers: { link: next } };
    };
    expect(await ids(handler, { paginator: new LinkHeaderPaginator() })).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('next URL in the body', async () => {
    const handler = (r: RecordedRequest) => {
      const start = Number(r.query.get('start') ?? 0);
      return { body: { value: slice(start), '@odata.nextLink': start + PAGE < ITEMS.length ? `${server.url}/items?start=${start + PAGE}` : undefined } };
    };
    expect(await ids(handler, { paginator: new NextUrlPaginator({ bodyPath: ['@odata.nextLink'] }), recordPath: 'value' })).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('detects a loop: the same next page twice is an error, after the pages read so far', async () => {
    const seen: number[] = [];
    server.handle(() => ({ body: { items: slice(0), next: 'abc' } }));
    const read = async () => {
      for await (const page of readPages(requester, { path: '/items' }, { paginator: new CursorPaginator({ from: { bodyPath: 'next' } }), recordPath: 'items' })) seen.push(page.number);
    };
    await expect(read()).rejects.toMatchObject({ failureType: 'system_error', message: expect.stringMatching(/^pagination loop: the API returned the same next page twice .* after 2 pages/) });
    expect(seen).toEqual([1, 2]);
  });

  it('stops after maxPages, and flattens nested records on request', async () => {
    server.handle((r) => ({ body: slice(Number(r.query.get('offset'))) }));
    const pages = [];
    for await (const page of readPages(requester, { path: '/items' }, { paginator: new OffsetPaginator({ limit: PAGE }), maxPages: 1, flatten: true })) pages.push(page);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records[0]).toEqual({ id: 1, owner_name: 'o1', owner_address_city: 'Oslo', tags: ['a'] });
  });
});

describe('record selection and flattening', () => {
  it('selects by path, with wildcards, objects as one record, nothing as none', () => {
    const body = { data: { groups: [{ rows: [{ a: 1 }, { a: 2 }] }, { rows: [{ a: 3 }] }] }, one: { a: 9 } };
    expect(selectRecords(body, 'data.groups.*.rows')).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(selectRecords(body, 'one')).toEqual([{ a: 9 }]);
    expect(selectRecords(body, 'missing.path')).toEqual([]);
    expect(selectRecords([{ a: 1 }, null])).toEqual([{ a: 1 }]);
    expect(valueAtPath(body, 'one.a')).toBe(9);
    expect(valueAtPath(body, 'one.a.b')).toBeUndefined();
  });

  it('flattens with a separator and a depth limit, keeping arrays and empty objects as values', () => {
    const record = { a: { b: { c: 1 } }, list: [{ x: 1 }], empty: {}, n: null };
    expect(flattenRecord(record)).toEqual({ a_b_c: 1, list: [{ x: 1 }], empty: {}, n: null });
    expect(flattenRecord(record, { separator: '.', maxDepth: 1 })).toEqual({ 'a.b': { c: 1 }, list: [{ x: 1 }], empty: {}, n: null });
  });

  it('parses Link headers', () => {
    expect(parseLinkHeader('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last prev"')).toEqual({ next: 'https://a/x?page=2', last: 'https://a/x?page=9', prev: 'https://a/x?page=9' });
    expect(parseLinkHeader(null)).toEqual({});
  });
});
