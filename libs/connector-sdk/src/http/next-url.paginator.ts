// The API returns the full URL of the next page in the body (`next`, `links.next`, `@odata.nextLink`).
import type { HttpResponse } from './http.types';
import type { PageRequest, Paginator } from './paginator';
import { type RecordPath, valueAtPath } from './record.selector';

export class NextUrlPaginator implements Paginator {
  constructor(private readonly options: { bodyPath: RecordPath; query?: PageRequest['query'] }) {}

  firstPage(): PageRequest {
    return this.options.query ? { query: { ...this.options.query } } : {};
  }

  nextPage(response: HttpResponse): PageRequest | undefined {
    const next = valueAtPath(response.body, this.options.bodyPath);
    return typeof next === 'string' && next ? { url: new URL(next, response.url).href } : undefined;
  }
}
