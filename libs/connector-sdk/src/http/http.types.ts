// The request and response shapes the HTTP toolkit passes between its parts (requester,
// authenticators, error handler, paginators, record selector).
export type QueryValue = string | number | boolean | undefined;

/** What a stream asks for. `path` is resolved against the requester's base URL; `url` overrides it. */
export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD';
  path?: string;
  /** An absolute URL (a next-page link): used as is, with `query` added. */
  url?: string;
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

/** A request about to be sent: authenticators add their credentials to it. */
export interface PreparedRequest {
  method: string;
  url: URL;
  headers: Headers;
  body?: string;
}

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The final URL (after redirects). */
  url: string;
  text: string;
  /** The parsed body when it is JSON, else undefined. */
  body: unknown;
  /** True when the error handler said to ignore this response (the page has no records). */
  ignored: boolean;
}

/** The outcome of one attempt, as the error handler sees it. */
export type HttpOutcome =
  | { kind: 'response'; request: PreparedRequest; response: HttpResponse }
  | { kind: 'error'; request: PreparedRequest; error: unknown; timedOut: boolean };

/** A URL safe for messages and logs: no query string (API keys travel there) and no user info. */
export function describeUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
