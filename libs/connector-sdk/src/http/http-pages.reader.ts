// Reads a paginated endpoint page by page: the requester sends, the record selector finds the
// records, the paginator says what comes next. The same next-page request twice means the API (or
// the paginator's configuration) loops: that is an error, not an endless read.
import { SystemError } from '../errors';
import type { HttpRequester } from './http.requester';
import type { HttpRequest, HttpResponse } from './http.types';
import { type PageRequest, type Paginator, SinglePagePaginator } from './paginator';
import { type FlattenOptions, flattenRecord } from './record.flattener';
import { type RecordPath, selectRecords } from './record.selector';

export interface ReadPagesOptions {
  paginator?: Paginator;
  /** Where the records are in each body (default: the body itself). */
  recordPath?: RecordPath;
  /** Flatten nested objects into `parent_child` fields. */
  flatten?: boolean | FlattenOptions;
  /** Stop after this many pages (a safety net for previews). */
  maxPages?: number;
  signal?: AbortSignal;
}

export interface HttpPage {
  response: HttpResponse;
  records: Record<string, unknown>[];
  /** 1 for the first page. */
  number: number;
}

export async function* readPages(requester: HttpRequester, request: HttpRequest, options: ReadPagesOptions = {}): AsyncGenerator<HttpPage> {
  const paginator = options.paginator ?? new SinglePagePaginator();
  const seen = new Set<string>();
  let page: PageRequest | undefined = paginator.firstPage();
  for (let number = 1; page; number++) {
    const key = pageKey(page);
    if (seen.has(key)) {
      throw new SystemError(`pagination loop: the API returned the same next page twice (${key}) after ${number - 1} pages; check the paginator's settings`);
    }
    seen.add(key);
    options.signal?.throwIfAborted();
    const response = await requester.send(withPage(request, page));
    const records = response.ignored ? [] : toRecords(selectRecords(response.body, options.recordPath), options.flatten);
    yield { response, records, number };
    if (response.ignored || (options.maxPages !== undefined && number >= options.maxPages)) return;
    page = paginator.nextPage(response, records);
  }
}

/** Every record of every page, in order. */
export async function* readRecords(requester: HttpRequester, request: HttpRequest, options: ReadPagesOptions = {}): AsyncGenerator<Record<string, unknown>[]> {
  for await (const page of readPages(requester, request, options)) if (page.records.length) yield page.records;
}

function withPage(request: HttpRequest, page: PageRequest): HttpRequest {
  return {
    ...request,
    // A full next-page URL carries the query of the first request already.
    ...(page.url ? { url: page.url, query: page.query } : { query: { ...request.query, ...page.query } }),
    headers: { ...request.headers, ...page.headers },
    ...(page.json ? { json: { ...(request.json as Record<string, unknown> | undefined), ...page.json } } : {}),
  };
}

function pageKey(page: PageRequest): string {
  return JSON.stringify([page.url ?? null, sorted(page.query), sorted(page.headers), page.json ?? null]);
}

function sorted(value: Record<string, unknown> | undefined): [string, unknown][] {
  return Object.entries(value ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

function toRecords(values: unknown[], flatten: ReadPagesOptions['flatten']): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  for (const value of values) {
    const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
    records.push(flatten ? flattenRecord(record, flatten === true ? {} : flatten) : record);
  }
  return records;
}
