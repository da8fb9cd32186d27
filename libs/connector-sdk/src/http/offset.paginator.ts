// `?offset=0&limit=100`, then offset 100, ... until a page has fewer records than the limit.
import type { PageRequest, Paginator } from './paginator';

export interface OffsetPaginatorOptions {
  limit: number;
  offsetParam?: string;
  limitParam?: string;
}

export class OffsetPaginator implements Paginator {
  private offset = 0;

  constructor(private readonly options: OffsetPaginatorOptions) {}

  firstPage(): PageRequest {
    this.offset = 0;
    return this.request();
  }

  nextPage(_response: unknown, records: readonly unknown[]): PageRequest | undefined {
    if (records.length < this.options.limit) return undefined;
    this.offset += records.length;
    return this.request();
  }

  private request(): PageRequest {
    const { offsetParam = 'offset', limitParam = 'limit', limit } = this.options;
    return { query: { [offsetParam]: this.offset, [limitParam]: limit } };
  }
}
