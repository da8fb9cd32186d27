// The requester of one stream: base URL, shared headers and params, the authenticator behind the
// stream's rate limit, retry/backoff settings and the error rules (stream settings override the
// manifest's `requester` defaults, rule lists are concatenated with the stream's first).
import { ExponentialBackoff } from '../http/backoff.policy';
import { RuleBasedErrorHandler, type ResponseRule } from '../http/http-error.handler';
import { HttpRequester } from '../http/http.requester';
import type { PreparedRequest } from '../http/http.types';
import { valueAtPath } from '../http/record.selector';
import type { ConnectorLogger } from '../connector';
import { AttemptInterceptor } from './attempt.interceptor';
import { type AuthenticatorHooks, createAuthenticator } from './authenticator.factory';
import { type InterpolationContext, interpolateString } from './interpolation';
import type { DeclarativeManifest, ErrorHandlerDefinition, RequesterDefinition, RetryDefinition, StreamDefinition } from './manifest.types';
import { RequestRateLimiter } from './request-rate.limiter';

export interface RequesterHooks extends AuthenticatorHooks {
  /** Sees every prepared attempt (after authentication). */
  onAttempt?: (request: PreparedRequest) => void;
}

export interface RequesterEnvironment {
  logger?: ConnectorLogger;
  signal?: AbortSignal;
  hooks?: RequesterHooks;
}

/** Stream settings over the manifest's defaults. */
export function effectiveSettings(manifest: DeclarativeManifest, stream: StreamDefinition): RequesterDefinition {
  const defaults = manifest.requester ?? {};
  return {
    headers: { ...defaults.headers, ...stream.headers },
    params: { ...defaults.params, ...stream.params },
    timeout_seconds: stream.timeout_seconds ?? defaults.timeout_seconds,
    rate_limit: stream.rate_limit ?? defaults.rate_limit,
    retry: { ...defaults.retry, ...stream.retry },
    error_handlers: [...(stream.error_handlers ?? []), ...(defaults.error_handlers ?? [])],
  };
}

export function createRequester(manifest: DeclarativeManifest, stream: StreamDefinition, context: InterpolationContext, environment: RequesterEnvironment = {}): HttpRequester {
  const settings = effectiveSettings(manifest, stream);
  const authenticator = createAuthenticator(manifest.auth, context, environment.hooks);
  const limiter = settings.rate_limit ? new RequestRateLimiter(settings.rate_limit) : undefined;
  const retry: RetryDefinition = settings.retry ?? {};
  return new HttpRequester({
    baseUrl: interpolateString(manifest.base_url, context),
    authenticator: new AttemptInterceptor(authenticator, limiter, environment.hooks?.onAttempt),
    errorHandler: new RuleBasedErrorHandler({ rules: (settings.error_handlers ?? []).map(toRule) }),
    backoff: new ExponentialBackoff({
      initialMs: seconds(retry.initial_backoff_seconds),
      factor: retry.backoff_factor,
      maxMs: seconds(retry.max_backoff_seconds),
      jitter: retry.jitter,
    }),
    maxRetries: retry.max_retries,
    maxRateLimitedRetries: retry.max_rate_limited_retries,
    maxRetryAfterMs: seconds(retry.max_retry_after_seconds),
    timeoutMs: seconds(settings.timeout_seconds),
    logger: environment.logger,
    signal: environment.signal,
  });
}

function toRule(definition: ErrorHandlerDefinition): ResponseRule {
  const { body_path, equals } = definition;
  return {
    status: definition.status,
    when: body_path !== undefined ? (response) => valueAtPath(response.body, body_path) === equals : undefined,
    action: definition.action,
    failureType: definition.failure_type,
    message: definition.message,
  };
}

function seconds(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 1000);
}
