// The Builder's "Test stream": runs ONE stream of a manifest for a few pages with a given config
// and reports what happened — each request and response (credentials masked), the records, a
// schema inferred from them, the state the read would save, and the warnings logged (retries,
// ignored responses). A failure is part of the result, not an exception: the Builder shows the
// response that caused it.
import { type JsonObject, SECRET_MASK, collectSecretValues } from '@tributary/protocol';
import type { ConnectorLogger } from '../connector';
import { classifyError, ConfigError } from '../errors';
import type { PreparedRequest } from '../http/http.types';
import { credentialCarriers } from './authenticator.factory';
import { resolveDeclarativeConfig } from './declarative.config';
import { DeclarativeStream, type StreamPage } from './declarative.stream';
import { IncrementalCursor } from './incremental.cursor';
import { partitionsOf } from './partition.router';
import { SchemaInferrer } from './schema.inferrer';

export interface StreamTestOptions {
  stream: string;
  /** Pages read in all (across partitions); default 5, at most 50. */
  maxPages?: number;
  /** Records returned (all are counted and used for the schema); default 100. */
  maxRecords?: number;
  /** A stream state to start from (incremental streams), as a sync would save it. */
  state?: JsonObject;
  signal?: AbortSignal;
  logger?: ConnectorLogger;
}

export interface TestedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface TestedResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON and not truncated, else the (possibly truncated) text. */
  body: unknown;
  truncated: boolean;
}

export interface TestedPage {
  /** The parent key of the partition ('' for a stream without parent). */
  partition: string;
  request: TestedRequest | null;
  response: TestedResponse;
  recordCount: number;
}

export interface StreamTestResult {
  stream: string;
  pages: TestedPage[];
  records: Record<string, unknown>[];
  recordCount: number;
  /** True when the read stopped at maxPages while more pages or partitions remained. */
  more: boolean;
  inferredSchema: JsonObject;
  /** The stream state the read would save (null for a stream that is not incremental). */
  state: JsonObject | null;
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  error: { failureType: 'config_error' | 'transient_error' | 'system_error'; message: string } | null;
}

const BODY_LIMIT_CHARS = 64 * 1024;

/** Runs the test read. Throws ManifestError / ConfigError only for a manifest or config that cannot run at all. */
export async function testDeclarativeStream(raw: { manifest: unknown; config?: JsonObject }, options: StreamTestOptions): Promise<StreamTestResult> {
  const { manifest, config } = resolveDeclarativeConfig(raw as JsonObject);
  const definition = manifest.streams.find((s) => s.name === options.stream);
  if (!definition) throw new ConfigError(`stream: no stream is named "${options.stream}" (streams: ${manifest.streams.map((s) => s.name).join(', ')})`);
  const maxPages = Math.min(Math.max(options.maxPages ?? 5, 1), 50);
  const maxRecords = options.maxRecords ?? 100;

  const secrets = new Set(collectSecretValues(manifest.spec.connection_specification, config).filter((s) => s.length >= 3));
  const mask = new Masker(secrets, credentialCarriers(manifest.auth));
  const logs: StreamTestResult['logs'] = [];
  const record = (level: 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    logs.push({ level, message: mask.text(message) });
    options.logger?.[level](message, fields);
  };
  const logger: ConnectorLogger = { debug: (m, f) => options.logger?.debug(m, f), info: record('info'), warn: record('warn'), error: record('error') };
  const environment = {
    logger,
    signal: options.signal,
    hooks: {
      onTokens: (tokens: { accessToken: string; refreshToken?: string }) => {
        secrets.add(tokens.accessToken);
        if (tokens.refreshToken) secrets.add(tokens.refreshToken);
      },
    },
  };

  const cursor = definition.incremental ? new IncrementalCursor(definition.incremental, { config }, !!definition.parent, options.state, definition.name) : undefined;
  const stream = new DeclarativeStream(manifest, definition, config, environment);
  const inferrer = new SchemaInferrer();
  const result: StreamTestResult = { stream: definition.name, pages: [], records: [], recordCount: 0, more: false, inferredSchema: {}, state: null, logs, error: null };
  // The cursor has already seen a page when the page arrives: the state shown is the one after the
  // last page kept, not after the page fetched only to learn whether more remain.
  let stateAfterKeptPages = cursor ? cursor.state() : null;
  try {
    outer: for await (const partition of partitionsOf(manifest, definition, config, environment)) {
      for await (const page of stream.pages(partition, { cursor, signal: options.signal })) {
        if (result.pages.length >= maxPages) {
          result.more = true;
          break outer;
        }
        result.pages.push(describePage(page, mask));
        for (const item of page.records) {
          inferrer.add(item);
          if (result.records.length < maxRecords) result.records.push(item);
        }
        result.recordCount += page.records.length;
        stateAfterKeptPages = cursor ? cursor.state() : null;
      }
      stateAfterKeptPages = cursor ? cursor.state() : null;
    }
  } catch (error) {
    if (options.signal?.aborted) throw error;
    const { failureType, message } = classifyError(error);
    result.error = { failureType, message: mask.text(message) };
  } finally {
    await stream.close();
  }
  result.inferredSchema = inferrer.schema();
  result.state = stateAfterKeptPages;
  result.records = result.records.map((r) => mask.value(r) as Record<string, unknown>);
  return result;
}

function describePage(page: StreamPage, mask: Masker): TestedPage {
  const { response } = page;
  const truncated = response.text.length > BODY_LIMIT_CHARS;
  return {
    partition: page.partition.key,
    request: page.request ? mask.request(page.request) : null,
    response: {
      status: response.status,
      headers: mask.headers(response.headers),
      body: truncated || response.body === undefined ? mask.text(response.text.slice(0, BODY_LIMIT_CHARS)) : mask.value(response.body),
      truncated,
    },
    recordCount: page.records.length,
  };
}

/** Replaces secret values (config secrets, tokens obtained) and credential headers/params. */
class Masker {
  constructor(
    private readonly secrets: Set<string>,
    private readonly carriers: { headers: string[]; params: string[] },
  ) {}

  text(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      out = out.split(secret).join(SECRET_MASK);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join(SECRET_MASK);
    }
    return out;
  }

  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.value(v)]));
    return value;
  }

  headers(headers: Headers): Record<string, string> {
    const out: Record<string, string> = {};
    headers.forEach((value, name) => {
      out[name] = this.carriers.headers.includes(name.toLowerCase()) || name.toLowerCase() === 'set-cookie' ? SECRET_MASK : this.text(value);
    });
    return out;
  }

  request(request: PreparedRequest): TestedRequest {
    const url = new URL(request.url.href);
    for (const param of this.carriers.params) if (url.searchParams.has(param)) url.searchParams.set(param, SECRET_MASK);
    if (url.password) url.password = SECRET_MASK;
    return {
      method: request.method,
      url: this.text(url.href),
      headers: this.headers(request.headers),
      ...(request.body !== undefined ? { body: this.text(request.body) } : {}),
    };
  }
}
