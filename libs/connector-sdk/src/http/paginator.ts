// A paginator says what the first page adds to a request and, from the last response and its
// records, what the next page adds — or that there is none. Paginators hold the position of one
// read: `firstPage()` starts over. Loop detection lives in the page reader (http-pages.reader.ts),
// so every paginator has it.
import type { HttpResponse, QueryValue } from './http.types';

/** What a page adds to the stream's request. */
export interface PageRequest {
  /** An absolute next-page URL (Link header, `next` field): replaces the request's path. */
  url?: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Merged into a JSON request body (for APIs paginated by POST). */
  json?: Record<string, unknown>;
}

export interface Paginator {
  firstPage(): PageRequest;
  nextPage(response: HttpResponse, records: readonly unknown[]): PageRequest | undefined;
}

/** No pagination: a single page. */
export class SinglePagePaginator implements Paginator {
  firstPage(): PageRequest {
    return {};
  }
  nextPage(): undefined {
    return undefined;
  }
}
