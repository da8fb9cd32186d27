// HTTP errors are data: the error handler turns the outcome of an attempt (a response or a network
// error) into an action — success, retry, fail, ignore, rate_limited, refresh_token — with a failure
// type and a message. The requester owns what happens next (backoff, refresh, giving up). Streams
// adjust the defaults with rules instead of subclassing.
import type { FailureType } from '@tributary/protocol';
import type { HttpOutcome, HttpResponse } from './http.types';

export type ResponseActionKind = 'success' | 'retry' | 'fail' | 'ignore' | 'rate_limited' | 'refresh_token';

export interface ResponseAction {
  action: ResponseActionKind;
  /** How a failure is treated by the platform (fail, or retry/rate_limited once retries run out). */
  failureType?: FailureType;
  /** A sentence for a person; the requester adds the method, URL and status. */
  message?: string;
  /** Wait this long before retrying (overrides Retry-After and the backoff). */
  retryAfterMs?: number;
}

export interface HttpErrorHandler {
  interpret(outcome: HttpOutcome): ResponseAction;
}

export interface ResponseRule {
  /** Statuses the rule applies to (any status when omitted, but then `when` must be given). */
  status?: number | readonly number[];
  /** An extra condition, e.g. on the body: `(response) => response.body?.error === 'rate_limit'`. */
  when?: (response: HttpResponse) => boolean;
  action: ResponseActionKind;
  failureType?: FailureType;
  message?: string;
}

export interface ErrorHandlerOptions {
  /** Checked in order before the defaults; the first match wins. */
  rules?: readonly ResponseRule[];
}

/** The defaults, after the Airbyte CDK's mapping: what most REST APIs mean by each status. */
export function defaultResponseAction(outcome: HttpOutcome): ResponseAction {
  if (outcome.kind === 'error') {
    return {
      action: 'retry',
      failureType: 'transient_error',
      message: outcome.timedOut ? 'the request timed out' : `the request failed: ${networkReason(outcome.error)}`,
    };
  }
  const { status } = outcome.response;
  if (status < 400) return { action: 'success' };
  if (status === 401) return { action: 'refresh_token', failureType: 'config_error', message: 'the API rejected the credentials; check them' };
  if (status === 403) return { action: 'fail', failureType: 'config_error', message: 'access denied; check the permissions of the credentials' };
  if (status === 404) return { action: 'fail', failureType: 'config_error', message: 'not found; check the configured URL and identifiers' };
  if (status === 408) return { action: 'retry', failureType: 'transient_error', message: 'the server timed out' };
  if (status === 429) return { action: 'rate_limited', failureType: 'transient_error', message: 'rate limited by the API' };
  if (status >= 500) return { action: 'retry', failureType: 'transient_error', message: 'the server failed' };
  return { action: 'fail', failureType: 'system_error', message: 'the API rejected the request' };
}

export class RuleBasedErrorHandler implements HttpErrorHandler {
  private readonly rules: readonly ResponseRule[];

  constructor(options: ErrorHandlerOptions = {}) {
    this.rules = options.rules ?? [];
    for (const rule of this.rules) {
      if (rule.status === undefined && !rule.when) throw new Error('a response rule needs a status or a `when` condition');
    }
  }

  interpret(outcome: HttpOutcome): ResponseAction {
    if (outcome.kind === 'response') {
      const response = outcome.response;
      const rule = this.rules.find((r) => matchesStatus(r, response.status) && (!r.when || r.when(response)));
      if (rule) {
        const fallback = defaultResponseAction(outcome);
        return {
          action: rule.action,
          failureType: rule.failureType ?? fallback.failureType ?? (rule.action === 'retry' || rule.action === 'rate_limited' ? 'transient_error' : 'system_error'),
          message: rule.message ?? fallback.message,
        };
      }
    }
    return defaultResponseAction(outcome);
  }
}

function matchesStatus(rule: ResponseRule, status: number): boolean {
  if (rule.status === undefined) return true;
  return typeof rule.status === 'number' ? rule.status === status : rule.status.includes(status);
}

function networkReason(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    const message = current instanceof Error ? current.message : String(current);
    parts.push(typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message);
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(': ');
}
