// An opaque cursor the API returns with each page — in the body (`meta.next_cursor`) or in a
// header (`X-Next-Cursor`) — sent back as a query parameter (or a header) for the next page. No
// cursor, or an empty one, ends the read.
import type { HttpResponse } from './http.types';
import type { PageRequest, Paginator } from './paginator';
import { type RecordPath, valueAtPath } from './record.selector';

export interface CursorPaginatorOptions {
  /** Where the next cursor is read: a body path or a response header. */
  from: { bodyPath: RecordPath } | { header: string };
  /** Where it is sent: a query parameter (default `cursor`) or a request header. */
  send?: { query: string } | { header: string };
  /** Query parameters of every page (e.g. a page size). */
  query?: PageRequest['query'];
  /** Set when the API also says whether there are more pages (`has_more`): false ends the read. */
  hasMorePath?: RecordPath;
}

export class CursorPaginator implements Paginator {
  constructor(private readonly options: CursorPaginatorOptions) {}

  firstPage(): PageRequest {
    return this.options.query ? { query: { ...this.options.query } } : {};
  }

  nextPage(response: HttpResponse): PageRequest | undefined {
    const { from, send = { query: 'cursor' }, hasMorePath } = this.options;
    if (hasMorePath !== undefined && valueAtPath(response.body, hasMorePath) === false) return undefined;
    const raw = 'header' in from ? response.headers.get(from.header) : valueAtPath(response.body, from.bodyPath);
    if (raw === undefined || raw === null || raw === '') return undefined;
    const cursor = String(raw);
    return 'query' in send ? { query: { ...this.options.query, [send.query]: cursor } } : { query: this.options.query && { ...this.options.query }, headers: { [send.header]: cursor } };
  }
}
