// RFC 8288 Link headers (GitHub, GitLab, ...): `Link: <https://api/x?page=2>; rel="next"`.
import type { HttpResponse } from './http.types';
import type { PageRequest, Paginator } from './paginator';

export class LinkHeaderPaginator implements Paginator {
  constructor(private readonly options: { rel?: string; query?: PageRequest['query'] } = {}) {}

  firstPage(): PageRequest {
    return this.options.query ? { query: { ...this.options.query } } : {};
  }

  nextPage(response: HttpResponse): PageRequest | undefined {
    const next = parseLinkHeader(response.headers.get('link'))[this.options.rel ?? 'next'];
    return next ? { url: new URL(next, response.url).href } : undefined;
  }
}

/** `rel` → URL of each link of a Link header. */
export function parseLinkHeader(header: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const match of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? '')?.[1];
    if (!rel) continue;
    for (const name of rel.trim().split(/\s+/)) links[name.toLowerCase()] = match[1]!;
  }
  return links;
}
