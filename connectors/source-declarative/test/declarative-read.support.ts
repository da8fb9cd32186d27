// Shared by the declarative tests: run the source on a manifest and collect what it emits.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ConnectorContext } from '@tributary/connector-sdk';
import { DeclarativeSource } from '@tributary/connector-sdk/declarative';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, JsonObject, RecordMessage, StateMessage } from '@tributary/protocol';

export function loadManifest(file: string): JsonObject {
  return parse(readFileSync(join(__dirname, file), 'utf8')) as JsonObject;
}

export function context(signal: AbortSignal = new AbortController().signal): ConnectorContext & { warnings: string[] } {
  const warnings: string[] = [];
  const noop = () => undefined;
  return { logger: { debug: noop, info: noop, warn: (m: string) => warnings.push(m), error: (m: string) => warnings.push(m) }, signal, warnings };
}

export interface ReadResult {
  records: Map<string, Record<string, unknown>[]>;
  states: StateMessage[];
  /** The last state of each stream, as the platform would hand them to the next sync. */
  lastStates: StateMessage[];
  /** Configs the source asked the platform to store (CONTROL messages), in order. */
  configUpdates: JsonObject[];
}

export function catalogOf(discovered: AirbyteCatalog, streams: string[], mode: 'full_refresh' | 'incremental' = 'full_refresh'): ConfiguredAirbyteCatalog {
  return {
    streams: discovered.streams
      .filter((s) => streams.includes(s.name))
      .map((stream) => ({ stream, sync_mode: mode === 'incremental' && stream.supported_sync_modes.includes('incremental') ? 'incremental' : 'full_refresh', destination_sync_mode: 'append', cursor_field: stream.default_cursor_field, primary_key: stream.source_defined_primary_key })),
  } as ConfiguredAirbyteCatalog;
}

/** A catalog without discovering (no schema sampling requests). */
export function configuredCatalog(manifest: JsonObject, streams: string[], mode: 'full_refresh' | 'incremental' = 'full_refresh'): ConfiguredAirbyteCatalog {
  const defined = (manifest.streams as { name: string; incremental?: unknown }[]).filter((s) => streams.includes(s.name));
  return {
    streams: defined.map((s) => ({
      stream: { name: s.name, json_schema: {}, supported_sync_modes: s.incremental ? ['full_refresh', 'incremental'] : ['full_refresh'] },
      sync_mode: mode === 'incremental' && s.incremental ? 'incremental' : 'full_refresh',
      destination_sync_mode: 'append',
    })),
  } as ConfiguredAirbyteCatalog;
}

export async function readAll(manifest: JsonObject | string, config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[] = [], ctx = context()): Promise<ReadResult> {
  const records = new Map<string, Record<string, unknown>[]>();
  const states: StateMessage[] = [];
  const configUpdates: JsonObject[] = [];
  for await (const batch of new DeclarativeSource().read({ manifest, config }, catalog, state, ctx)) {
    for (const message of batch) {
      if (message.type === 'CONTROL') configUpdates.push(message.control.connectorConfig.config);
      else if (message.type === 'RECORD') {
        const list = records.get((message as RecordMessage).record.stream) ?? [];
        list.push((message as RecordMessage).record.data);
        records.set((message as RecordMessage).record.stream, list);
      } else if (message.type === 'STATE') states.push(message);
    }
  }
  const last = new Map<string, StateMessage>();
  for (const s of states) last.set(s.state.stream!.stream_descriptor.name, s);
  return { records, states, lastStates: [...last.values()], configUpdates };
}

export function ids(records: Record<string, unknown>[] | undefined): unknown[] {
  return (records ?? []).map((r) => r.id);
}
