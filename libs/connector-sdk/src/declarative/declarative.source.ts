// source-declarative's Source: check reads the first page of the check stream, discover describes
// every stream (declared schema, or one inferred from a sampled page), read walks each configured
// stream partition by partition, emitting a STATE after each partition and at the end.
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog, ConnectionStatus, ControlMessage, JsonObject, StateMessage, StreamDescriptor, StreamStatus, TraceMessage } from '@tributary/protocol';
import { streamKey } from '@tributary/protocol';
import type { ConnectorContext, MessageBatch, Source } from '../connector';
import { classifyError, ConfigError } from '../errors';
import { type ResolvedDeclarativeConfig, resolveDeclarativeConfig } from './declarative.config';
import { DeclarativeStream } from './declarative.stream';
import { IncrementalCursor } from './incremental.cursor';
import type { DeclarativeManifest, StreamDefinition } from './manifest.types';
import { partitionsOf } from './partition.router';
import type { RequesterEnvironment } from './requester.factory';
import { inferSchema } from './schema.inferrer';

/** Pages sampled to infer a schema. */
const SCHEMA_SAMPLE_PAGES = 1;

export class DeclarativeSource implements Source<JsonObject> {
  async check(raw: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    try {
      const { manifest, config } = resolveDeclarativeConfig(raw);
      const definition = checkStream(manifest);
      await sample(manifest, definition, config, { logger: context.logger, signal: context.signal }, 1);
      return { status: 'SUCCEEDED' };
    } catch (error) {
      if (context.signal.aborted) throw error;
      return { status: 'FAILED', message: classifyError(error).message };
    }
  }

  async discover(raw: JsonObject, context: ConnectorContext): Promise<AirbyteCatalog> {
    const { manifest, config } = resolveDeclarativeConfig(raw);
    const streams: AirbyteStream[] = [];
    for (const definition of manifest.streams) {
      const schema = definition.schema ?? inferSchema(await sample(manifest, definition, config, { logger: context.logger, signal: context.signal }, SCHEMA_SAMPLE_PAGES), requiredFields(definition));
      streams.push(describeStream(definition, schema));
    }
    return { streams };
  }

  async *read(raw: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ConnectorContext): AsyncGenerator<MessageBatch> {
    const resolved = resolveDeclarativeConfig(raw);
    const reads = catalog.streams.map((configured) => {
      const definition = resolved.manifest.streams.find((s) => s.name === configured.stream.name);
      if (!definition) throw new ConfigError(`stream "${configured.stream.name}" is not in the manifest (it has ${resolved.manifest.streams.map((s) => s.name).join(', ')}); refresh the connection's schema`);
      const descriptor: StreamDescriptor = configured.stream.namespace ? { name: definition.name, namespace: configured.stream.namespace } : { name: definition.name };
      return { definition, descriptor, incremental: configured.sync_mode === 'incremental' };
    });
    const tokens = new RotatedTokenKeeper(raw, resolved);
    for (const read of reads) {
      const saved = read.incremental ? findStreamState(state, read.descriptor) : undefined;
      yield* readStream(resolved, read.definition, read.descriptor, saved, context, tokens);
    }
  }
}

/**
 * OAuth2 APIs may rotate the refresh token on every refresh and revoke the old one: the new one
 * must reach the stored config, or the next sync cannot authenticate. When the manifest takes the
 * refresh token from a config field, a rotated token updates that field (for the rest of this
 * read) and a CONTROL message asks the platform to store it.
 */
class RotatedTokenKeeper {
  private readonly field: string | undefined;
  private pending: ControlMessage[] = [];

  constructor(
    private readonly raw: JsonObject,
    private readonly resolved: ResolvedDeclarativeConfig,
  ) {
    const auth = resolved.manifest.auth;
    const template = auth?.type === 'oauth2' && auth.grant_type === 'refresh_token' ? auth.refresh_token : undefined;
    this.field = template ? /^\{\{\s*config\.([A-Za-z0-9_]+)\s*\}\}$/.exec(template.trim())?.[1] : undefined;
  }

  readonly onTokens = (tokens: { refreshToken?: string }): void => {
    if (!this.field || !tokens.refreshToken || tokens.refreshToken === this.resolved.config[this.field]) return;
    this.resolved.config[this.field] = tokens.refreshToken;
    const userConfig = { ...((this.raw.config ?? {}) as JsonObject), [this.field]: tokens.refreshToken };
    this.pending.push({ type: 'CONTROL', control: { type: 'CONNECTOR_CONFIG', emitted_at: Date.now(), connectorConfig: { config: { ...this.raw, config: userConfig } } } });
  };

  /** Config updates not emitted yet. */
  take(): ControlMessage[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }
}

async function* readStream(
  { manifest, config }: ResolvedDeclarativeConfig,
  definition: StreamDefinition,
  descriptor: StreamDescriptor,
  saved: JsonObject | undefined,
  context: ConnectorContext,
  tokens: RotatedTokenKeeper,
): AsyncGenerator<MessageBatch> {
  const environment: RequesterEnvironment = { logger: context.logger, signal: context.signal, hooks: { onTokens: tokens.onTokens } };
  const cursor = definition.incremental ? new IncrementalCursor(definition.incremental, { config }, !!definition.parent, saved, definition.name) : undefined;
  const stream = new DeclarativeStream(manifest, definition, config, environment);
  const namespace = descriptor.namespace ? { namespace: descriptor.namespace } : {};
  yield [streamStatus(descriptor, 'STARTED')];
  try {
    // Records since the last STATE: the state's sourceStats, as the protocol counts them.
    let count = 0;
    for await (const partition of partitionsOf(manifest, definition, config, environment)) {
      for await (const page of stream.pages(partition, { cursor, signal: context.signal })) {
        if (!page.records.length) continue;
        const emittedAt = Date.now();
        count += page.records.length;
        yield [...tokens.take(), ...page.records.map((data) => ({ type: 'RECORD' as const, record: { stream: descriptor.name, ...namespace, data, emitted_at: emittedAt } }))];
      }
      // A finished partition is a checkpoint: a resumed read skips it.
      if (partition.parent && cursor) {
        yield [stateMessage(descriptor, cursor.state(), count)];
        count = 0;
      }
    }
    yield [...tokens.take(), stateMessage(descriptor, cursor?.state() ?? saved ?? {}, count), streamStatus(descriptor, 'COMPLETE')];
  } finally {
    await stream.close();
  }
}

/** Records of the first pages of a stream (its first partition for a child stream). */
async function sample(manifest: DeclarativeManifest, definition: StreamDefinition, config: Record<string, unknown>, environment: RequesterEnvironment, pages: number): Promise<Record<string, unknown>[]> {
  const stream = new DeclarativeStream(manifest, definition, config, environment);
  const records: Record<string, unknown>[] = [];
  try {
    for await (const partition of partitionsOf(manifest, definition, config, environment, { maxParentPages: 1 })) {
      for await (const page of stream.pages(partition, { maxPages: pages, signal: environment.signal })) records.push(...page.records);
      break;
    }
  } finally {
    await stream.close();
  }
  return records;
}

function checkStream(manifest: DeclarativeManifest): StreamDefinition {
  const name = manifest.check?.stream;
  return (name ? manifest.streams.find((s) => s.name === name) : manifest.streams.find((s) => !s.parent)) ?? manifest.streams[0]!;
}

function requiredFields(definition: StreamDefinition): string[] {
  const key = definition.primary_key === undefined ? [] : typeof definition.primary_key === 'string' ? [definition.primary_key] : definition.primary_key;
  return [...key, ...(definition.incremental ? [definition.incremental.cursor_field] : [])];
}

export function describeStream(definition: StreamDefinition, schema: JsonObject): AirbyteStream {
  const key = requiredFields(definition).slice(0, definition.primary_key === undefined ? 0 : typeof definition.primary_key === 'string' ? 1 : definition.primary_key.length);
  return {
    name: definition.name,
    json_schema: schema,
    supported_sync_modes: definition.incremental ? ['full_refresh', 'incremental'] : ['full_refresh'],
    ...(definition.incremental ? { source_defined_cursor: true, default_cursor_field: [definition.incremental.cursor_field] } : {}),
    ...(key.length ? { source_defined_primary_key: key.map((field) => [field]) } : {}),
  };
}

function findStreamState(states: StateMessage[], descriptor: StreamDescriptor): JsonObject | undefined {
  const key = streamKey(descriptor);
  return states.filter((m) => (m.state.type ?? 'STREAM') === 'STREAM' && m.state.stream && streamKey(m.state.stream.stream_descriptor) === key).at(-1)?.state.stream?.stream_state;
}

function stateMessage(descriptor: StreamDescriptor, state: JsonObject, records: number): StateMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: descriptor, stream_state: state }, sourceStats: { recordCount: records } } };
}

function streamStatus(descriptor: StreamDescriptor, status: StreamStatus): TraceMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: descriptor, status } } };
}
