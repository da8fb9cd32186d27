// pagination → a paginator of the HTTP toolkit, wrapped in the manifest's stop conditions
// (max pages, has_more, total count). A paginator holds the position of one read: the stream
// creates one per partition.
import { CursorPaginator } from '../http/cursor.paginator';
import type { HttpResponse } from '../http/http.types';
import { LinkHeaderPaginator } from '../http/link-header.paginator';
import { NextUrlPaginator } from '../http/next-url.paginator';
import { OffsetPaginator } from '../http/offset.paginator';
import { PageNumberPaginator } from '../http/page-number.paginator';
import { type PageRequest, type Paginator, SinglePagePaginator } from '../http/paginator';
import { valueAtPath } from '../http/record.selector';
import type { PaginationDefinition, StopConditions } from './manifest.types';

export function createPaginator(definition: PaginationDefinition | undefined): Paginator {
  const inner = basePaginator(definition ?? { type: 'none' });
  const stop = definition && 'stop' in definition ? definition.stop : undefined;
  return stop ? new StopConditionPaginator(inner, stop) : inner;
}

function basePaginator(definition: PaginationDefinition): Paginator {
  switch (definition.type) {
    case 'none':
      return new SinglePagePaginator();
    case 'page_number':
      return new PageNumberPaginator({ pageSize: definition.page_size!, pageParam: definition.page_param, sizeParam: definition.size_param, startFrom: definition.start_from });
    case 'offset':
      return new OffsetPaginator({ limit: definition.page_size!, offsetParam: definition.offset_param, limitParam: definition.size_param ?? undefined });
    case 'cursor': {
      const send = definition.send_in_header ? { header: definition.send_in_header } : { query: definition.cursor_param ?? 'cursor' };
      const query = sizeQuery(definition);
      if (definition.cursor_record_field) return new LastRecordCursorPaginator(definition.cursor_record_field, send, query);
      const from = definition.cursor_header ? { header: definition.cursor_header } : { bodyPath: definition.cursor_path! };
      return new CursorPaginator({ from, send, query });
    }
    case 'link_header':
      return new LinkHeaderPaginator({ rel: definition.rel, query: sizeQuery(definition) });
    case 'next_url':
      return new NextUrlPaginator({ bodyPath: definition.next_url_path, query: sizeQuery(definition) });
  }
}

function sizeQuery(definition: { page_size?: number; size_param?: string | null }): PageRequest['query'] {
  return definition.page_size !== undefined && definition.size_param ? { [definition.size_param]: definition.page_size } : undefined;
}

/** Cursor = a field of the page's last record (Stripe's `starting_after=<last id>`). */
class LastRecordCursorPaginator implements Paginator {
  constructor(
    private readonly field: string,
    private readonly send: { query: string } | { header: string },
    private readonly query: PageRequest['query'],
  ) {}

  firstPage(): PageRequest {
    return this.query ? { query: { ...this.query } } : {};
  }

  nextPage(_response: HttpResponse, records: readonly unknown[]): PageRequest | undefined {
    const cursor = records.length ? valueAtPath(records[records.length - 1], this.field) : undefined;
    if (cursor === undefined || cursor === null || cursor === '') return undefined;
    return 'query' in this.send ? { query: { ...this.query, [this.send.query]: String(cursor) } } : { query: this.query, headers: { [this.send.header]: String(cursor) } };
  }
}

/** Ends the read early when a stop condition holds, whatever the paginator would do next. */
class StopConditionPaginator implements Paginator {
  private pages = 0;
  private records = 0;

  constructor(
    private readonly inner: Paginator,
    private readonly stop: StopConditions,
  ) {}

  firstPage(): PageRequest {
    this.pages = 0;
    this.records = 0;
    return this.inner.firstPage();
  }

  nextPage(response: HttpResponse, records: readonly unknown[]): PageRequest | undefined {
    this.pages++;
    this.records += records.length;
    const { max_pages, has_more_path, total_path } = this.stop;
    if (max_pages !== undefined && this.pages >= max_pages) return undefined;
    if (has_more_path !== undefined && !truthy(valueAtPath(response.body, has_more_path))) return undefined;
    if (total_path !== undefined) {
      const total = Number(valueAtPath(response.body, total_path));
      if (Number.isFinite(total) && this.records >= total) return undefined;
    }
    return this.inner.nextPage(response, records);
  }
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === 1;
}
