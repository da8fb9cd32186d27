// Declarative (manifest) source definitions as the Connector Builder uses them: the manifest JSON
// Schema, a test read of one stream on a worker, and publishing a manifest as a custom connector
// definition (a new one, or a new version of one).
import { ApiRequestError, ApiUnreachableError, sessionApiClient, unwrap } from './api/api-client';
import type { JsonSchema } from './api/api-types';
import type { components } from './api/openapi';
import { stringify } from 'yaml';

type Schemas = components['schemas'];

export interface TestedPage {
  partition: string;
  request: { method: string; url: string; headers: Record<string, string>; body?: string } | null;
  response: { status: number; headers: Record<string, string>; body: unknown; truncated: boolean };
  recordCount: number;
}

export interface StreamTestResult {
  stream: string;
  pages: TestedPage[];
  records: Record<string, unknown>[];
  recordCount: number;
  more: boolean;
  inferredSchema: JsonSchema;
  state: Record<string, unknown> | null;
  logs: { level: 'info' | 'warn' | 'error'; message: string }[];
  error: { failureType: 'config_error' | 'transient_error' | 'system_error'; message: string } | null;
}

export interface StreamTestInput {
  /** The YAML text, as written. */
  manifest: string;
  config: Record<string, unknown>;
  stream: string;
  maxPages: number;
  maxRecords: number;
  state?: Record<string, unknown>;
}

export interface DeclarativeDefinition {
  id: string;
  name: string;
  version: string;
  manifestYaml: string;
}

/** The manifest JSON Schema; undefined when the API cannot serve it (the Builder then checks YAML only). */
export async function loadManifestSchema(): Promise<JsonSchema | undefined> {
  const client = await sessionApiClient();
  try {
    return unwrap(await client.GET('/api/v1/connector-definitions/manifest-schema')) as JsonSchema;
  } catch (error) {
    if (error instanceof ApiRequestError || error instanceof ApiUnreachableError) return undefined;
    throw error;
  }
}

function toResult(payload: Schemas['TestStreamResultDto']): StreamTestResult {
  return {
    stream: payload.stream,
    pages: payload.pages.map((page) => ({ ...page, response: { ...page.response, body: page.response.body as unknown } })),
    records: payload.records,
    recordCount: payload.recordCount,
    more: payload.more,
    inferredSchema: payload.inferredSchema as JsonSchema,
    state: payload.state,
    logs: payload.logs.map((line) => ({ level: line.level ?? 'info', message: line.message ?? '' })),
    error: payload.error ? { failureType: payload.error.failureType ?? 'system_error', message: payload.error.message ?? 'The read stopped.' } : null,
  };
}

export async function testStream(input: StreamTestInput): Promise<StreamTestResult> {
  const client = await sessionApiClient();
  return toResult(unwrap(await client.POST('/api/v1/connector-definitions/test-stream', { body: input })));
}

/** The definition with its manifest as written; undefined when it is not a declarative source. */
export async function getDeclarativeDefinition(id: string): Promise<DeclarativeDefinition | undefined> {
  const client = await sessionApiClient();
  const payload = unwrap(await client.GET('/api/v1/connector-definitions/{id}', { params: { path: { id } } }));
  if (!payload.declarative) return undefined;
  // A manifest registered as an object has no text: show it as YAML of its own.
  const manifestYaml = payload.manifestYaml ?? (payload.manifest ? stringify(payload.manifest) : '');
  return { id: payload.id, name: payload.name, version: payload.version, manifestYaml };
}

/** Publishes a manifest: a new custom definition, or (with `id`) a new version of one. */
export async function publishManifest(input: { id?: string; manifest: string }): Promise<DeclarativeDefinition> {
  const client = await sessionApiClient();
  const payload = input.id
    ? unwrap(await client.PUT('/api/v1/connector-definitions/{id}', { params: { path: { id: input.id } }, body: { manifest: input.manifest } }))
    : unwrap(await client.POST('/api/v1/connector-definitions', { body: { kind: 'source', manifest: input.manifest } }));
  return { id: payload.id, name: payload.name, version: payload.version, manifestYaml: payload.manifestYaml ?? input.manifest };
}
