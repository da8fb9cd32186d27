// From a discovered catalog and a connection's per-stream choices to the configured catalog a
// sync runs with, checking every choice against what the source and destination support.
import { splitSyncMode, type AirbyteCatalog, type AirbyteStream, type ConfiguredAirbyteCatalog, type DestinationSyncMode, type SyncMode } from './catalog';
import { streamKey } from './messages';
import type { StreamContract } from './data-contract';
import type { ValidationIssue } from './schema-validation';

export interface StreamSelection {
  name: string;
  namespace?: string;
  selected: boolean;
  syncMode: SyncMode;
  cursorField?: string[];
  primaryKey?: string[][];
  /** Top-level fields to sync; absent means all. Cursor and primary-key fields must be among them. */
  selectedFields?: string[];
  /** What to do with values that do not fit their column; absent means evolve. */
  contract?: StreamContract;
}

export interface CatalogConfiguration {
  catalog: ConfiguredAirbyteCatalog;
  issues: ValidationIssue[];
}

/** The default choice for a stream: incremental dedup when it can, else full refresh overwrite. */
export function defaultSelection(stream: AirbyteStream, destinationModes: DestinationSyncMode[]): StreamSelection {
  const incremental = stream.supported_sync_modes.includes('incremental') && !!stream.default_cursor_field?.length;
  const hasKey = !!stream.source_defined_primary_key?.length;
  // Preferred first: the modes that copy the least and never duplicate.
  const candidates: SyncMode[] = incremental
    ? [...(hasKey ? (['incremental_append_dedup'] as const) : []), 'incremental_append', 'full_refresh_overwrite', 'full_refresh_append']
    : ['full_refresh_overwrite', 'full_refresh_append'];
  const syncMode = candidates.find((mode) => destinationModes.includes(splitSyncMode(mode).destination)) ?? candidates[0]!;
  return {
    name: stream.name,
    ...(stream.namespace ? { namespace: stream.namespace } : {}),
    selected: true,
    syncMode,
    ...(syncMode.startsWith('incremental') ? { cursorField: stream.default_cursor_field } : {}),
    ...(hasKey ? { primaryKey: stream.source_defined_primary_key } : {}),
  };
}

export function configureCatalog(catalog: AirbyteCatalog, selections: StreamSelection[], destinationModes: DestinationSyncMode[]): CatalogConfiguration {
  const byKey = new Map(catalog.streams.map((s) => [streamKey(s), s]));
  const issues: ValidationIssue[] = [];
  const configured: ConfiguredAirbyteCatalog = { streams: [] };
  const seen = new Set<string>();
  selections.forEach((selection, index) => {
    const field = `streams[${index}]`;
    const key = streamKey(selection);
    if (seen.has(key)) {
      issues.push({ field: `${field}.name`, message: `stream "${key}" is listed twice` });
      return;
    }
    seen.add(key);
    const stream = byKey.get(key);
    if (!stream) {
      issues.push({ field: `${field}.name`, message: `the source has no stream "${key}" (known: ${[...byKey.keys()].join(', ') || 'none'})` });
      return;
    }
    if (!selection.selected) return;
    const modes = splitSyncMode(selection.syncMode);
    if (!stream.supported_sync_modes.includes(modes.source)) {
      issues.push({ field: `${field}.syncMode`, message: `stream "${key}" does not support ${modes.source.replace('_', ' ')} reads` });
      return;
    }
    if (!destinationModes.includes(modes.destination)) {
      issues.push({ field: `${field}.syncMode`, message: `the destination does not support ${modes.destination.replace('_', ' ')} (supported: ${destinationModes.join(', ')})` });
      return;
    }
    const properties = (stream.json_schema.properties ?? {}) as Record<string, unknown>;
    let cursorField = selection.cursorField;
    if (modes.source === 'incremental') {
      if (stream.source_defined_cursor && cursorField && JSON.stringify(cursorField) !== JSON.stringify(stream.default_cursor_field)) {
        issues.push({ field: `${field}.cursorField`, message: `stream "${key}" has a cursor defined by the source (${(stream.default_cursor_field ?? []).join('.')}); it cannot be changed` });
        return;
      }
      cursorField = stream.source_defined_cursor ? stream.default_cursor_field : (cursorField ?? stream.default_cursor_field);
      if (!cursorField?.length) {
        issues.push({ field: `${field}.cursorField`, message: `incremental sync of "${key}" needs a cursor field` });
        return;
      }
      if (!(cursorField[0]! in properties)) {
        issues.push({ field: `${field}.cursorField`, message: `"${cursorField.join('.')}" is not a field of stream "${key}"` });
        return;
      }
    }
    const primaryKey = stream.source_defined_primary_key?.length ? stream.source_defined_primary_key : selection.primaryKey;
    if (modes.destination === 'append_dedup') {
      if (!primaryKey?.length) {
        issues.push({ field: `${field}.primaryKey`, message: `deduplication of "${key}" needs a primary key` });
        return;
      }
      const unknown = primaryKey.find((path) => !(path[0]! in properties));
      if (unknown) {
        issues.push({ field: `${field}.primaryKey`, message: `"${unknown.join('.')}" is not a field of stream "${key}"` });
        return;
      }
    }
    const contractColumns = Object.keys(selection.contract?.columns ?? {});
    const unknownContractColumn = contractColumns.find((c) => !(c in properties));
    if (unknownContractColumn !== undefined) {
      issues.push({ field: `${field}.contract.columns`, message: `"${unknownContractColumn}" is not a field of stream "${key}"` });
      return;
    }
    let configuredStream = stream;
    if (selection.selectedFields) {
      const unknownField = selection.selectedFields.find((f) => !(f in properties));
      if (unknownField !== undefined) {
        issues.push({ field: `${field}.selectedFields`, message: `"${unknownField}" is not a field of stream "${key}"` });
        return;
      }
      const required = [...(modes.source === 'incremental' ? [cursorField![0]!] : []), ...(primaryKey ?? []).map((p) => p[0]!)];
      const missing = required.filter((f) => !selection.selectedFields!.includes(f));
      if (missing.length) {
        issues.push({ field: `${field}.selectedFields`, message: `must include the cursor and primary-key fields (${missing.join(', ')})` });
        return;
      }
      const kept = Object.fromEntries(selection.selectedFields.map((f) => [f, properties[f]]));
      configuredStream = { ...stream, json_schema: { ...stream.json_schema, properties: kept as never } };
    }
    configured.streams.push({
      stream: configuredStream,
      sync_mode: modes.source,
      destination_sync_mode: modes.destination,
      ...(modes.source === 'incremental' ? { cursor_field: cursorField } : {}),
      ...(primaryKey?.length ? { primary_key: primaryKey } : {}),
    });
  });
  return { catalog: configured, issues };
}
