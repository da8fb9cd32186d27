// The streams table of a connection: per discovered stream, what may be chosen (sync modes the
// source and destination both support, fields that can serve as cursor or primary key) and what is
// chosen, and the `streams` a connection is created or updated with. Pure; mirrors the API's
// checks so that the table only offers choices the API accepts.
import type { Catalog, CatalogStream, JsonSchema, StreamConfig, SyncMode } from '../api/api-types';

export type DestinationMode = 'overwrite' | 'append' | 'append_dedup';

const MODES: { mode: SyncMode; source: 'full_refresh' | 'incremental'; destination: DestinationMode; label: string }[] = [
  { mode: 'incremental_append_dedup', source: 'incremental', destination: 'append_dedup', label: 'Incremental | Append + Deduped' },
  { mode: 'incremental_append', source: 'incremental', destination: 'append', label: 'Incremental | Append' },
  { mode: 'full_refresh_overwrite', source: 'full_refresh', destination: 'overwrite', label: 'Full refresh | Overwrite' },
  { mode: 'full_refresh_append', source: 'full_refresh', destination: 'append', label: 'Full refresh | Append' },
];

export function syncModeLabel(mode: SyncMode): string {
  return MODES.find((m) => m.mode === mode)?.label ?? mode.replace(/_/g, ' ');
}

export interface StreamRow {
  name: string;
  namespace?: string;
  selected: boolean;
  syncMode: SyncMode;
  /** Top-level cursor field ('' when none). */
  cursorField: string;
  /** Top-level primary-key fields. */
  primaryKey: string[];
  /** Fields to sync; null means all (including columns added later). */
  selectedFields: string[] | null;
  /** What the source allows. */
  options: StreamOptions;
}

export interface StreamOptions {
  fields: { name: string; type: string }[];
  syncModes: SyncMode[];
  cursorCandidates: string[];
  primaryKeyCandidates: string[];
  sourceDefinedCursor: boolean;
  sourceDefinedPrimaryKey: boolean;
  defaultCursorField: string;
  defaultPrimaryKey: string[];
}

export function streamKey(stream: { name: string; namespace?: string | null }): string {
  return stream.namespace ? `${stream.namespace}.${stream.name}` : stream.name;
}

function typeName(schema: JsonSchema | undefined): string {
  if (!schema) return 'unknown';
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t): t is string => !!t && t !== 'null');
  const type = types[0] ?? (schema.oneOf || schema.anyOf ? 'mixed' : 'unknown');
  return schema.format && type === 'string' ? `${type} (${schema.format})` : type;
}

const CURSOR_TYPES = /^(integer|number|string)/;
const KEY_TYPES = /^(integer|number|string|boolean)/;

export function streamOptions(stream: CatalogStream, destinationModes: DestinationMode[]): StreamOptions {
  const properties = stream.json_schema.properties ?? {};
  const fields = Object.entries(properties).map(([name, schema]) => ({ name, type: typeName(schema) }));
  return {
    fields,
    syncModes: MODES.filter((m) => stream.supported_sync_modes.includes(m.source) && destinationModes.includes(m.destination)).map((m) => m.mode),
    cursorCandidates: fields.filter((f) => CURSOR_TYPES.test(f.type)).map((f) => f.name),
    primaryKeyCandidates: fields.filter((f) => KEY_TYPES.test(f.type)).map((f) => f.name),
    sourceDefinedCursor: !!stream.source_defined_cursor,
    sourceDefinedPrimaryKey: !!stream.source_defined_primary_key?.length,
    defaultCursorField: stream.default_cursor_field?.[0] ?? '',
    defaultPrimaryKey: (stream.source_defined_primary_key ?? []).map((path) => path[0]!).filter(Boolean),
  };
}

/** The rows of a new connection: every stream selected, in the best mode it supports. */
export function defaultRows(catalog: Catalog, destinationModes: DestinationMode[]): StreamRow[] {
  return catalog.streams.map((stream) => {
    const options = streamOptions(stream, destinationModes);
    const incrementalOk = !!options.defaultCursorField;
    const syncMode =
      options.syncModes.find((m) => (m.startsWith('incremental') ? incrementalOk && (m !== 'incremental_append_dedup' || options.defaultPrimaryKey.length > 0) : true)) ?? options.syncModes[0] ?? 'full_refresh_overwrite';
    return { name: stream.name, namespace: stream.namespace, selected: true, syncMode, cursorField: options.defaultCursorField, primaryKey: options.defaultPrimaryKey, selectedFields: null, options };
  });
}

/** The rows of an existing connection: its choices over the current catalog. */
export function rowsFromConnection(catalog: Catalog, destinationModes: DestinationMode[], streams: StreamConfig[]): StreamRow[] {
  const chosen = new Map(streams.map((s) => [streamKey(s), s]));
  return defaultRows(catalog, destinationModes).map((row) => {
    const config = chosen.get(streamKey(row));
    if (!config) return { ...row, selected: false };
    return {
      ...row,
      selected: config.selected,
      syncMode: config.syncMode,
      cursorField: config.cursorField?.[0] ?? row.cursorField,
      primaryKey: config.primaryKey?.length ? config.primaryKey.map((p) => p[0]!) : row.primaryKey,
      selectedFields: config.selectedFields ?? null,
    };
  });
}

export function isIncremental(mode: SyncMode): boolean {
  return mode.startsWith('incremental') || mode === 'cdc';
}

export function needsPrimaryKey(mode: SyncMode): boolean {
  return mode === 'incremental_append_dedup' || mode === 'cdc';
}

/** Fields that must stay selected: the cursor (incremental) and the primary key. */
export function requiredFields(row: StreamRow): string[] {
  return [...new Set([...(isIncremental(row.syncMode) && row.cursorField ? [row.cursorField] : []), ...(needsPrimaryKey(row.syncMode) || row.options.sourceDefinedPrimaryKey ? row.primaryKey : [])])];
}

/** What is wrong with a row's choices, per column of the table (empty when it can be saved). */
export function rowProblems(row: StreamRow): { cursorField?: string; primaryKey?: string; syncMode?: string } {
  if (!row.selected) return {};
  const problems: { cursorField?: string; primaryKey?: string; syncMode?: string } = {};
  if (!row.options.syncModes.includes(row.syncMode)) problems.syncMode = 'not supported by the source and destination';
  if (isIncremental(row.syncMode) && !row.cursorField) problems.cursorField = 'choose a cursor field';
  if (needsPrimaryKey(row.syncMode) && row.primaryKey.length === 0) problems.primaryKey = 'choose a primary key';
  return problems;
}

export function toStreamConfigs(rows: StreamRow[]): StreamConfig[] {
  return rows.map((row) => {
    const incremental = isIncremental(row.syncMode);
    const allFields = row.options.fields.map((f) => f.name);
    const selectedFields = row.selectedFields && row.selectedFields.length < allFields.length ? [...new Set([...row.selectedFields, ...requiredFields(row)])] : undefined;
    return {
      name: row.name,
      ...(row.namespace ? { namespace: row.namespace } : {}),
      selected: row.selected,
      syncMode: row.syncMode,
      ...(incremental && row.cursorField && !row.options.sourceDefinedCursor ? { cursorField: [row.cursorField] } : {}),
      ...(!row.options.sourceDefinedPrimaryKey && row.primaryKey.length ? { primaryKey: row.primaryKey.map((f) => [f]) } : {}),
      ...(selectedFields ? { selectedFields } : {}),
    };
  });
}
