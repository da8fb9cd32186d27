// The requester sends one logical request: it builds the URL, lets the authenticator sign it, runs
// it with a per-attempt timeout over Node's fetch, asks the error handler what the outcome means,
// and acts on it — retrying with exponential backoff and jitter (Retry-After wins when the server
// sends one), refreshing credentials once on a 401, or failing with a classified ConnectorError.
// It owns a connection pool: `close()` it when the read is done, so no socket outlives the read.
import { Agent } from 'undici';
import type { FailureType } from '@tributary/protocol';
import type { ConnectorLogger } from '../connector';
import { ConnectorError } from '../errors';
import { abortableDelay } from './abortable-delay';
import { type BackoffPolicy, ExponentialBackoff, parseRetryAfter } from './backoff.policy';
import type { HttpAuthenticator } from './http.authenticator';
import { type HttpErrorHandler, RuleBasedErrorHandler, type ResponseAction } from './http-error.handler';
import { describeUrl, type HttpOutcome, type HttpRequest, type HttpResponse, type PreparedRequest } from './http.types';

export interface HttpRequesterOptions {
  /** Resolved against for relative paths, e.g. `https://api.example.com/v2/`. */
  baseUrl: string;
  authenticator?: HttpAuthenticator;
  errorHandler?: HttpErrorHandler;
  backoff?: BackoffPolicy;
  /** Retries after a retryable failure (network, 408, 5xx); default 5. */
  maxRetries?: number;
  /** Retries after a 429; default 10 (rate limits pass if one waits). */
  maxRateLimitedRetries?: number;
  /** A server asking to wait longer than this (Retry-After) fails the request instead; default 10 min. */
  maxRetryAfterMs?: number;
  /** Per attempt, from sending to the end of the body; default 30 s. */
  timeoutMs?: number;
  /** Sent with every request. */
  headers?: Record<string, string>;
  logger?: ConnectorLogger;
  /** Cancels waits and in-flight requests (the connector context's signal). */
  signal?: AbortSignal;
}

/** A request that failed for good: the failure type says whether a retry of the sync can help. */
export class HttpRequestError extends ConnectorError {
  constructor(
    failureType: FailureType,
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(failureType, message, options);
    this.name = 'HttpRequestError';
  }
}

const BODY_SNIPPET_CHARS = 300;

export class HttpRequester {
  private readonly options: Required<Pick<HttpRequesterOptions, 'maxRetries' | 'maxRateLimitedRetries' | 'maxRetryAfterMs' | 'timeoutMs'>> & HttpRequesterOptions;
  private readonly errorHandler: HttpErrorHandler;
  private readonly backoff: BackoffPolicy;
  private readonly agent = new Agent({ keepAliveTimeout: 4_000, connect: { timeout: 10_000 } });
  private closing: Promise<void> | undefined;

  constructor(options: HttpRequesterOptions) {
    this.options = {
      ...options,
      maxRetries: options.maxRetries ?? 5,
      maxRateLimitedRetries: options.maxRateLimitedRetries ?? 10,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 600_000,
      timeoutMs: options.timeoutMs ?? 30_000,
    };
    this.errorHandler = options.errorHandler ?? new RuleBasedErrorHandler();
    this.backoff = options.backoff ?? new ExponentialBackoff();
    // Validated here, where the config enters: a bad base URL is the user's to fix.
    try {
      new URL(options.baseUrl);
    } catch {
      throw new HttpRequestError('config_error', `"${options.baseUrl}" is not a valid URL`, undefined);
    }
  }

  /** Sends the request until it succeeds, is ignored, or fails for good (HttpRequestError). */
  async send(request: HttpRequest): Promise<HttpResponse> {
    let retries = 0;
    let rateLimitedRetries = 0;
    let refreshed = false;
    for (;;) {
      const prepared = this.prepare(request);
      await this.options.authenticator?.authenticate(prepared, this.options.signal);
      const outcome = await this.attempt(prepared);
      const action = this.errorHandler.interpret(outcome);
      const label = `${prepared.method} ${describeUrl(prepared.url)}`;
      switch (action.action) {
        case 'success':
          return outcome.kind === 'response' ? outcome.response : this.unexpected(label);
        case 'ignore':
          if (outcome.kind !== 'response') return this.unexpected(label);
          this.options.logger?.info(`ignoring the response of ${label}: ${outcome.response.status} ${action.message ?? ''}`.trim());
          return { ...outcome.response, ignored: true };
        case 'fail':
          throw this.failure(action, label, outcome);
        case 'refresh_token': {
          const authenticator = this.options.authenticator;
          if (!refreshed && authenticator?.refresh && (await authenticator.refresh(this.options.signal))) {
            refreshed = true;
            this.options.logger?.info(`${label}: credentials refreshed after ${statusOf(outcome)}; trying again`);
            continue;
          }
          throw this.failure(action, label, outcome);
        }
        case 'retry':
        case 'rate_limited': {
          const limited = action.action === 'rate_limited';
          const used = limited ? rateLimitedRetries++ : retries++;
          const allowed = limited ? this.options.maxRateLimitedRetries : this.options.maxRetries;
          if (used >= allowed) throw this.failure(action, label, outcome, ` (gave up after ${used + 1} attempts)`);
          const retryAfter = action.retryAfterMs ?? (outcome.kind === 'response' ? parseRetryAfter(outcome.response.headers.get('retry-after')) : undefined);
          if (retryAfter !== undefined && retryAfter > this.options.maxRetryAfterMs) {
            throw this.failure(action, label, outcome, ` (the server asks to wait ${Math.ceil(retryAfter / 1000)} s, more than the ${this.options.maxRetryAfterMs / 1000} s allowed)`);
          }
          const wait = retryAfter ?? this.backoff.delayMs(used);
          this.options.logger?.warn(`${label}: ${describeOutcome(action, outcome)}; retry ${used + 1} of ${allowed} in ${wait} ms`);
          await abortableDelay(wait, this.options.signal);
          continue;
        }
      }
    }
  }

  /** Sends a request and returns its parsed JSON body (undefined when ignored or not JSON). */
  async json<T = unknown>(request: HttpRequest): Promise<T | undefined> {
    return (await this.send(request)).body as T | undefined;
  }

  /** Closes pooled connections: call it in a `finally` once the read is over. */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.agent.close(), this.options.authenticator?.close?.()]).then(() => undefined);
    return this.closing;
  }

  private prepare(request: HttpRequest): PreparedRequest {
    const url = request.url ? new URL(request.url) : new URL(stripLeadingSlash(request.path ?? ''), withTrailingSlash(this.options.baseUrl));
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const headers = new Headers({ accept: 'application/json', ...this.options.headers, ...request.headers });
    let body: string | undefined;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers.set('content-type', 'application/json');
    } else if (request.form) {
      body = new URLSearchParams(request.form).toString();
      headers.set('content-type', 'application/x-www-form-urlencoded');
    }
    return { method: request.method ?? 'GET', url, headers, body };
  }

  private async attempt(request: PreparedRequest): Promise<HttpOutcome> {
    const outer = this.options.signal;
    outer?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = outer ? AbortSignal.any([outer, timeout]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
        // Node's fetch accepts an undici dispatcher: our own pool, closed by close().
        ...({ dispatcher: this.agent } as object),
      });
      text = await response.text();
    } catch (error) {
      // A cancelled read stops here: the abort is not a failure to retry.
      if (outer?.aborted) throw outer.reason;
      return { kind: 'error', request, error, timedOut: timeout.aborted };
    }
    return { kind: 'response', request, response: toResponse(response, text, request) };
  }

  private failure(action: ResponseAction, label: string, outcome: HttpOutcome, suffix = ''): HttpRequestError {
    const message = `${label}: ${describeOutcome(action, outcome)}${suffix}`;
    const cause = outcome.kind === 'error' ? outcome.error : undefined;
    return new HttpRequestError(action.failureType ?? 'system_error', message, outcome.kind === 'response' ? outcome.response.status : undefined, { cause });
  }

  private unexpected(label: string): never {
    throw new HttpRequestError('system_error', `${label}: the error handler accepted a request that got no response`, undefined);
  }
}

function toResponse(response: Response, text: string, request: PreparedRequest): HttpResponse {
  let body: unknown;
  const type = response.headers.get('content-type') ?? '';
  if (text.length > 0 && (/[/+]json\b/i.test(type) || (!type && /^\s*[[{]/.test(text)))) {
    try {
      body = JSON.parse(text);
    } catch (error) {
      if (response.ok) {
        throw new HttpRequestError('system_error', `${request.method} ${describeUrl(request.url)}: the API sent invalid JSON (${(error as Error).message}): ${snippet(text)}`, response.status);
      }
    }
  }
  return { status: response.status, statusText: response.statusText, headers: response.headers, url: response.url || request.url.href, text, body, ignored: false };
}

function describeOutcome(action: ResponseAction, outcome: HttpOutcome): string {
  const reason = action.message ?? action.action;
  if (outcome.kind === 'error') return reason;
  const { status, statusText, text } = outcome.response;
  return `${status}${statusText ? ` ${statusText}` : ''}, ${reason}${text ? ` — ${snippet(text)}` : ''}`;
}

function statusOf(outcome: HttpOutcome): string {
  return outcome.kind === 'response' ? String(outcome.response.status) : 'a network error';
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > BODY_SNIPPET_CHARS ? `${flat.slice(0, BODY_SNIPPET_CHARS)}…` : flat;
}

function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function stripLeadingSlash(path: string): string {
  return path.replace(/^\/+/, '');
}
