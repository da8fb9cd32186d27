// The declarative manifest, as TypeScript sees it once parsed and validated against
// DECLARATIVE_MANIFEST_SCHEMA (manifest.schema.ts). Each part has a factory of its own
// (`*.factory.ts`) that turns it into a runtime object of the HTTP toolkit.
import type { JsonObject } from '@tributary/protocol';

export interface DeclarativeManifest {
  version: string;
  /** A name for the connector, used when the manifest is registered as a definition. */
  name?: string;
  description?: string;
  spec: ManifestSpec;
  /** Every request URL is relative to it; interpolated (`{{ config.base_url }}`). */
  base_url: string;
  auth?: AuthDefinition;
  /** Defaults for every stream; a stream's own settings win. */
  requester?: RequesterDefinition;
  check?: { stream: string };
  streams: StreamDefinition[];
}

export interface ManifestSpec {
  documentation_url?: string;
  /** The JSON Schema (draft 2020-12) of the config a user fills in; `secret: true` marks credentials. */
  connection_specification: JsonObject;
}

export type AuthDefinition =
  | { type: 'none' }
  | { type: 'api_key'; key: string; in?: 'header' | 'query'; name?: string; prefix?: string }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password?: string }
  | {
      type: 'oauth2';
      grant_type: 'client_credentials' | 'refresh_token';
      token_url: string;
      client_id: string;
      client_secret: string;
      refresh_token?: string;
      scopes?: string[];
      client_authentication?: 'basic' | 'body';
      extra_params?: Record<string, string>;
    };

export interface RateLimitDefinition {
  /** At most this many requests (retries included) ... */
  max_requests: number;
  /** ... per this many seconds (default 1). Requests are spaced evenly. */
  per_seconds?: number;
}

export interface RetryDefinition {
  /** Retries after a network error, 408 or 5xx (default 5). */
  max_retries?: number;
  /** Retries after a 429 (default 10). */
  max_rate_limited_retries?: number;
  /** First backoff delay (default 1). */
  initial_backoff_seconds?: number;
  /** Growth per retry (default 2). */
  backoff_factor?: number;
  /** Ceiling of one backoff delay (default 60). */
  max_backoff_seconds?: number;
  /** Draw each delay between half and all of the exponential value (default true). */
  jitter?: boolean;
  /** A Retry-After longer than this fails the request instead of waiting (default 600). */
  max_retry_after_seconds?: number;
}

export type ErrorAction = 'success' | 'retry' | 'fail' | 'ignore' | 'rate_limited' | 'refresh_token';

export interface ErrorHandlerDefinition {
  status?: number | number[];
  /** Applies only when the body has this value at this path. */
  body_path?: string;
  equals?: string | number | boolean;
  action: ErrorAction;
  failure_type?: 'config_error' | 'transient_error' | 'system_error';
  message?: string;
}

export interface RequesterDefinition {
  headers?: Record<string, string>;
  params?: Record<string, string | number | boolean>;
  timeout_seconds?: number;
  rate_limit?: RateLimitDefinition;
  retry?: RetryDefinition;
  /** Checked in order before the defaults (401/403 config errors, 429/5xx retried). */
  error_handlers?: ErrorHandlerDefinition[];
}

export interface StopConditions {
  /** Stop after this many pages (per partition). */
  max_pages?: number;
  /** A boolean in the body that is false on the last page (`has_more`). */
  has_more_path?: string;
  /** The total number of records in the body: stop once that many have been read. */
  total_path?: string;
}

interface PageSize {
  page_size?: number;
  /** Query parameter carrying the page size (null: do not send it). */
  size_param?: string | null;
}

export type PaginationDefinition =
  | { type: 'none' }
  | ({ type: 'page_number'; page_param?: string; start_from?: number; stop?: StopConditions } & PageSize)
  | ({ type: 'offset'; offset_param?: string; stop?: StopConditions } & PageSize)
  | ({ type: 'cursor'; cursor_path?: string; cursor_record_field?: string; cursor_header?: string; cursor_param?: string; send_in_header?: string; stop?: StopConditions } & PageSize)
  | ({ type: 'link_header'; rel?: string; stop?: StopConditions } & PageSize)
  | ({ type: 'next_url'; next_url_path: string; stop?: StopConditions } & PageSize);

export interface IncrementalDefinition {
  cursor_field: string;
  /** How cursor values compare and are shifted by the lookback (default datetime). */
  cursor_type?: 'datetime' | 'number';
  /** Query parameter that receives the lower bound of the read. */
  request_param?: string;
  /** How a datetime lower bound is written into the parameter (default iso8601). */
  request_format?: 'iso8601' | 'unix_seconds' | 'unix_milliseconds' | 'date';
  /** Lower bound of the first read (interpolated; empty means everything). */
  start_value?: string | number;
  /** Re-read this far back from the saved cursor (seconds for datetimes, cursor units for numbers). */
  lookback?: number;
}

export interface ParentDefinition {
  /** The parent stream's name: each of its records is a partition of this stream. */
  stream: string;
  /** The parent field identifying a partition (default `id`); also the key of the partition's state. */
  key?: string;
  /** Adds the parent's key to each record under this name. */
  record_field?: string;
}

export type TransformationDefinition =
  | { type: 'add_fields'; fields: Record<string, unknown> }
  | { type: 'remove_fields'; fields: string[] }
  | { type: 'rename_fields'; fields: Record<string, string> }
  | { type: 'flatten'; depth?: number; separator?: string };

export interface StreamDefinition {
  name: string;
  path: string;
  method?: 'GET' | 'POST';
  params?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  /** A JSON body (POST APIs); interpolated. */
  body?: JsonObject;
  record_selector?: { path?: string };
  primary_key?: string | string[];
  pagination?: PaginationDefinition;
  incremental?: IncrementalDefinition;
  parent?: ParentDefinition;
  transformations?: TransformationDefinition[];
  /** The record JSON Schema; inferred from sampled records when absent. */
  schema?: JsonObject;
  rate_limit?: RateLimitDefinition;
  retry?: RetryDefinition;
  error_handlers?: ErrorHandlerDefinition[];
  timeout_seconds?: number;
}
