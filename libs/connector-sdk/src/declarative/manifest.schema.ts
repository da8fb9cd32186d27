// The JSON Schema (draft 2020-12) of declarative manifests: validation at the edge (API, connector
// config) and completion in editors. connectors/source-declarative/manifest.schema.json is this
// object written out (a test keeps the two equal). Variants are chosen by `type` with if/then, so
// an error names the field of the chosen variant instead of every alternative.
import type { JsonObject } from '@tributary/protocol';

export const MANIFEST_SCHEMA_ID = 'https://tributary.dev/schemas/declarative-manifest.schema.json';

const templated = (description: string): JsonObject => ({ type: 'string', description: `${description} Interpolated: {{ config.x }}, {{ parent.x }}.` });

const stringMap = (description: string): JsonObject => ({
  type: 'object',
  description,
  additionalProperties: { type: ['string', 'number', 'boolean'] },
});

/** A `type`-discriminated union: `variants` maps each type to the properties (besides `type`) it allows. */
function variants(description: string, byType: Record<string, { description: string; properties: JsonObject; required?: string[] }>): JsonObject {
  const types = Object.keys(byType);
  return {
    type: 'object',
    description,
    required: ['type'],
    properties: { type: { enum: types, description: types.map((t) => `${t}: ${byType[t]!.description}`).join(' | ') } },
    allOf: types.map((t) => ({
      if: { properties: { type: { const: t } }, required: ['type'] },
      then: {
        properties: { type: { const: t }, ...byType[t]!.properties },
        required: ['type', ...(byType[t]!.required ?? [])],
        additionalProperties: false,
      },
    })),
  };
}

const stop: JsonObject = {
  type: 'object',
  description: 'When to stop besides the paginator running out of pages.',
  additionalProperties: false,
  properties: {
    max_pages: { type: 'integer', minimum: 1, description: 'Stop after this many pages (per partition).' },
    has_more_path: { type: 'string', description: 'Dotted path of a boolean in the body that is false on the last page (has_more).' },
    total_path: { type: 'string', description: 'Dotted path of the total record count in the body: stop once that many records are read.' },
  },
};

const pageSize: JsonObject = {
  page_size: { type: 'integer', minimum: 1, description: 'Records asked per page; a shorter page ends page-number and offset pagination.' },
  size_param: { type: ['string', 'null'], description: 'Query parameter of the page size (page_number: per_page, offset: limit, others: none; null to not send it).' },
};

const pagination = variants('How the stream walks its pages.', {
  none: { description: 'one page', properties: {} },
  page_number: {
    description: '?page=1, 2, ... until a short or empty page',
    properties: { ...pageSize, page_param: { type: 'string', description: 'Default page.' }, start_from: { type: 'integer', description: 'First page number (default 1).' }, stop },
    required: ['page_size'],
  },
  offset: {
    description: '?offset=0&limit=n, then offset n, ... until a short page',
    properties: { ...pageSize, offset_param: { type: 'string', description: 'Default offset.' }, stop },
    required: ['page_size'],
  },
  cursor: {
    description: 'an opaque cursor from the body or a header, sent back for the next page',
    properties: {
      ...pageSize,
      cursor_path: { type: 'string', description: 'Dotted path of the next cursor in the body (e.g. meta.next_cursor).' },
      cursor_record_field: { type: 'string', description: 'Take the cursor from this field of the last record of the page (Stripe: id, sent as starting_after).' },
      cursor_header: { type: 'string', description: 'Response header carrying the next cursor (instead of cursor_path).' },
      cursor_param: { type: 'string', description: 'Query parameter the cursor is sent in (default cursor).' },
      send_in_header: { type: 'string', description: 'Request header the cursor is sent in (instead of cursor_param).' },
      stop,
    },
  },
  link_header: {
    description: 'RFC 8288 Link header with rel="next" (GitHub, GitLab)',
    properties: { ...pageSize, rel: { type: 'string', description: 'Default next.' }, stop },
  },
  next_url: {
    description: 'the next page URL in the body',
    properties: { ...pageSize, next_url_path: { type: 'string', description: 'Dotted path of the next URL (e.g. links.next).' }, stop },
    required: ['next_url_path'],
  },
});

const auth = variants('How requests are authenticated. Put credentials in the config (secret: true) and reference them.', {
  none: { description: 'no authentication', properties: {} },
  api_key: {
    description: 'an API key in a header or query parameter',
    properties: {
      key: templated('The key, e.g. "{{ config.api_key }}".'),
      in: { enum: ['header', 'query'], description: 'Default header.' },
      name: { type: 'string', description: 'Header or parameter name (default X-API-Key / api_key).' },
      prefix: { type: 'string', description: 'Put before the key in a header, e.g. "Token ".' },
    },
    required: ['key'],
  },
  bearer: { description: 'Authorization: Bearer <token>', properties: { token: templated('The token.') }, required: ['token'] },
  basic: { description: 'HTTP Basic', properties: { username: templated('User name.'), password: templated('Password.') }, required: ['username'] },
  oauth2: {
    description: 'OAuth 2.0 access tokens from a token endpoint (client credentials or refresh token), renewed before expiry and on 401',
    properties: {
      grant_type: { enum: ['client_credentials', 'refresh_token'] },
      token_url: templated('The token endpoint.'),
      client_id: templated('Client id.'),
      client_secret: templated('Client secret.'),
      refresh_token: templated('Refresh token (refresh_token grant).'),
      scopes: { type: 'array', items: { type: 'string' } },
      client_authentication: { enum: ['basic', 'body'], description: 'Client credentials as HTTP Basic (default) or in the form body.' },
      extra_params: { type: 'object', additionalProperties: { type: 'string' }, description: 'Extra form fields of the token request (audience, ...).' },
    },
    required: ['grant_type', 'token_url', 'client_id', 'client_secret'],
  },
});

const rateLimit: JsonObject = {
  type: 'object',
  description: 'Spaces requests (retries included) evenly: at most max_requests per per_seconds.',
  additionalProperties: false,
  required: ['max_requests'],
  properties: {
    max_requests: { type: 'number', exclusiveMinimum: 0 },
    per_seconds: { type: 'number', exclusiveMinimum: 0, description: 'Default 1.' },
  },
};

const retry: JsonObject = {
  type: 'object',
  description: 'Retries of 429, 408, 5xx and network errors: exponential backoff with jitter; Retry-After wins when the API sends one.',
  additionalProperties: false,
  properties: {
    max_retries: { type: 'integer', minimum: 0, description: 'After network errors, 408 and 5xx (default 5).' },
    max_rate_limited_retries: { type: 'integer', minimum: 0, description: 'After 429 (default 10).' },
    initial_backoff_seconds: { type: 'number', minimum: 0, description: 'Default 1.' },
    backoff_factor: { type: 'number', minimum: 1, description: 'Default 2.' },
    max_backoff_seconds: { type: 'number', minimum: 0, description: 'Ceiling of one delay (default 60).' },
    jitter: { type: 'boolean', description: 'Default true.' },
    max_retry_after_seconds: { type: 'number', minimum: 0, description: 'A longer Retry-After fails the request (default 600).' },
  },
};

const errorHandlers: JsonObject = {
  type: 'array',
  description: 'Rules checked in order before the defaults (401 refresh then config error, 403 config error, 404 config error, 429 rate limited, 5xx retried). E.g. { status: 404, action: ignore }.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['action'],
    anyOf: [{ required: ['status'] }, { required: ['body_path'] }],
    properties: {
      status: { oneOf: [{ type: 'integer', minimum: 100, maximum: 599 }, { type: 'array', items: { type: 'integer', minimum: 100, maximum: 599 }, minItems: 1 }] },
      body_path: { type: 'string', description: 'Applies only when the body has `equals` at this dotted path.' },
      equals: { type: ['string', 'number', 'boolean'] },
      action: { enum: ['success', 'retry', 'fail', 'ignore', 'rate_limited', 'refresh_token'] },
      failure_type: { enum: ['config_error', 'transient_error', 'system_error'] },
      message: { type: 'string', description: 'A sentence for the user.' },
    },
  },
};

const requesterSettings: JsonObject = {
  headers: stringMap('Headers sent with every request (interpolated).'),
  params: stringMap('Query parameters sent with every request (interpolated; an empty value is not sent).'),
  timeout_seconds: { type: 'number', exclusiveMinimum: 0, description: 'Per attempt (default 30).' },
  rate_limit: rateLimit,
  retry,
  error_handlers: errorHandlers,
};

const transformation = variants('A change to each record, applied in order.', {
  add_fields: { description: 'set fields (dotted paths) to values', properties: { fields: { type: 'object', description: 'path → value; strings are interpolated with record, parent and config.' } }, required: ['fields'] },
  remove_fields: { description: 'drop fields', properties: { fields: { type: 'array', items: { type: 'string' }, minItems: 1 } }, required: ['fields'] },
  rename_fields: { description: 'rename fields', properties: { fields: { type: 'object', additionalProperties: { type: 'string' }, description: 'old path → new path.' } }, required: ['fields'] },
  flatten: {
    description: 'flatten nested objects into parent_child fields (without it nested JSON is kept as is)',
    properties: { depth: { type: 'integer', minimum: 1, description: 'Levels flattened (default all).' }, separator: { type: 'string', description: 'Default _.' } },
  },
});

const stream: JsonObject = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'path'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$', description: 'Stream name: letters, digits, _ . -' },
    path: templated('Path relative to base_url, e.g. /users/{{ parent.id }}/orders.'),
    method: { enum: ['GET', 'POST'] },
    ...requesterSettings,
    body: { type: 'object', description: 'JSON body for POST APIs (interpolated).' },
    record_selector: {
      type: 'object',
      additionalProperties: false,
      properties: { path: { type: 'string', description: 'Dotted path of the records in the body (data.items; * for every element). Default: the body itself.' } },
    },
    primary_key: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }], description: 'A field, or several for a composite key.' },
    pagination,
    incremental: {
      type: 'object',
      additionalProperties: false,
      required: ['cursor_field'],
      description: 'Read only what changed since the last sync: the saved cursor (minus the lookback) is sent as request_param; state is kept per partition.',
      properties: {
        cursor_field: { type: 'string' },
        cursor_type: { enum: ['datetime', 'number'], description: 'Default datetime.' },
        request_param: { type: 'string', description: 'Query parameter receiving the lower bound (e.g. updated_since).' },
        request_format: { enum: ['iso8601', 'unix_seconds', 'unix_milliseconds', 'date'], description: 'How a datetime bound is written (default iso8601).' },
        start_value: { type: ['string', 'number'], description: 'Lower bound of the first sync, e.g. "{{ config.start_date }}".' },
        lookback: { type: 'number', minimum: 0, description: 'Re-read this far back from the saved cursor: seconds for datetimes, cursor units for numbers.' },
      },
    },
    parent: {
      type: 'object',
      additionalProperties: false,
      required: ['stream'],
      description: 'Read this stream once per record of another stream ({{ parent.<field> }} in path, params, headers).',
      properties: {
        stream: { type: 'string' },
        key: { type: 'string', description: 'Parent field naming the partition (default id).' },
        record_field: { type: 'string', description: 'Add the parent key to each record under this name.' },
      },
    },
    transformations: { type: 'array', items: transformation },
    schema: { type: 'object', description: 'JSON Schema of a record; inferred from sampled records when absent.' },
  },
};

export const DECLARATIVE_MANIFEST_SCHEMA: JsonObject = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: MANIFEST_SCHEMA_ID,
  title: 'Tributary declarative REST API manifest',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'spec', 'base_url', 'streams'],
  properties: {
    $schema: { type: 'string' },
    version: { type: 'string', enum: ['1'], description: 'Manifest format version.' },
    name: { type: 'string', description: 'Connector name shown in the catalog.' },
    description: { type: 'string' },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['connection_specification'],
      description: 'The config users fill in; referenced as {{ config.<field> }}.',
      properties: {
        documentation_url: { type: 'string' },
        connection_specification: {
          type: 'object',
          description: 'JSON Schema (draft 2020-12) of the config: title, description, default, examples, order; secret: true on credentials.',
          required: ['type'],
          properties: { type: { const: 'object' } },
        },
      },
    },
    base_url: templated('Base URL of the API, e.g. https://api.example.com/v1.'),
    auth,
    requester: { type: 'object', additionalProperties: false, description: 'Defaults for every stream.', properties: requesterSettings },
    check: {
      type: 'object',
      additionalProperties: false,
      required: ['stream'],
      description: 'The stream whose first page check reads (default the first stream without a parent).',
      properties: { stream: { type: 'string' } },
    },
    streams: { type: 'array', minItems: 1, items: stream },
  },
};
