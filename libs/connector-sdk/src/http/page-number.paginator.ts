// `?page=1&per_page=100`, then page 2, ... until a page has fewer records than asked for.
import type { PageRequest, Paginator } from './paginator';

export interface PageNumberPaginatorOptions {
  pageSize: number;
  /** Query parameter of the page number (default `page`). */
  pageParam?: string;
  /** Query parameter of the page size (default `per_page`; null to not send it). */
  sizeParam?: string | null;
  /** Number of the first page (default 1). */
  startFrom?: number;
}

export class PageNumberPaginator implements Paginator {
  private page = 0;

  constructor(private readonly options: PageNumberPaginatorOptions) {}

  firstPage(): PageRequest {
    this.page = this.options.startFrom ?? 1;
    return this.request();
  }

  nextPage(_response: unknown, records: readonly unknown[]): PageRequest | undefined {
    if (records.length < this.options.pageSize) return undefined;
    this.page++;
    return this.request();
  }

  private request(): PageRequest {
    const { pageParam = 'page', sizeParam = 'per_page', pageSize } = this.options;
    return { query: { [pageParam]: this.page, ...(sizeParam ? { [sizeParam]: pageSize } : {}) } };
  }
}
