// Schema drift: the difference between the catalog a connection was set up with and what the source
// offers now, classified as DESIGN §5 does — breaking when a selected stream loses its primary key
// or cursor, or a column's type narrows; everything else is non-breaking.
import type { AirbyteCatalog, AirbyteStream } from './catalog';
import type { StreamSelection } from './configured-catalog';
import { splitSyncMode } from './catalog';
import { streamKey } from './messages';

export type SchemaChangeKind =
  | 'stream_added'
  | 'stream_removed'
  | 'column_added'
  | 'column_removed'
  | 'type_widened'
  | 'type_narrowed'
  | 'primary_key_changed'
  | 'cursor_removed';

export interface SchemaChange {
  kind: SchemaChangeKind;
  stream: string;
  namespace?: string;
  column?: string;
  from?: unknown;
  to?: unknown;
  breaking: boolean;
  /** Whether the stream is selected in the connection. */
  selected: boolean;
}

type Properties = Record<string, Record<string, unknown>>;

function properties(stream: AirbyteStream): Properties {
  return (stream.json_schema.properties ?? {}) as Properties;
}

function typeSet(schema: Record<string, unknown> | undefined): Set<string> {
  const raw = schema?.type;
  const types = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String));
  types.delete('null');
  return types;
}

/** A type change is a widening when every old value still fits the new type. */
function isWidening(from: Record<string, unknown>, to: Record<string, unknown>): boolean {
  const a = typeSet(from);
  const b = typeSet(to);
  if (b.size === 0) return true; // untyped accepts anything
  if (b.has('string') && !to.format) return true; // anything can be written as text
  for (const type of a) {
    if (b.has(type)) continue;
    if (type === 'integer' && b.has('number')) continue;
    return false;
  }
  if (a.has('string') && b.has('string') && from.format !== to.format) return !to.format;
  return true;
}

function sameType(from: Record<string, unknown>, to: Record<string, unknown>): boolean {
  const a = [...typeSet(from)].sort().join(',');
  const b = [...typeSet(to)].sort().join(',');
  return a === b && from.format === to.format;
}

export function diffCatalogs(accepted: AirbyteCatalog, current: AirbyteCatalog, selections: StreamSelection[]): SchemaChange[] {
  const changes: SchemaChange[] = [];
  const before = new Map(accepted.streams.map((s) => [streamKey(s), s]));
  const after = new Map(current.streams.map((s) => [streamKey(s), s]));
  const selectionByKey = new Map(selections.map((s) => [streamKey(s), s]));
  const describe = (stream: AirbyteStream) => ({ stream: stream.name, ...(stream.namespace ? { namespace: stream.namespace } : {}) });

  for (const [key, stream] of after) {
    if (!before.has(key)) changes.push({ kind: 'stream_added', ...describe(stream), breaking: false, selected: false });
  }
  for (const [key, old] of before) {
    const selection = selectionByKey.get(key);
    const selected = !!selection?.selected;
    const next = after.get(key);
    if (!next) {
      changes.push({ kind: 'stream_removed', ...describe(old), breaking: false, selected });
      continue;
    }
    const oldProps = properties(old);
    const newProps = properties(next);
    for (const column of Object.keys(newProps)) {
      if (!(column in oldProps)) changes.push({ kind: 'column_added', ...describe(next), column, to: newProps[column], breaking: false, selected });
    }
    const modes = selection ? splitSyncMode(selection.syncMode) : undefined;
    const cursor = modes?.source === 'incremental' ? (selection?.cursorField ?? old.default_cursor_field)?.[0] : undefined;
    const key0 = (selection?.primaryKey ?? old.source_defined_primary_key ?? []).map((path) => path[0]);
    const needsKey = modes?.destination === 'append_dedup';
    for (const [column, schema] of Object.entries(oldProps)) {
      const now = newProps[column];
      if (!now) {
        const isCursor = selected && column === cursor;
        const isKey = selected && needsKey && key0.includes(column);
        changes.push({ kind: isCursor ? 'cursor_removed' : 'column_removed', ...describe(old), column, from: schema, breaking: isCursor || isKey, selected });
        continue;
      }
      if (sameType(schema, now)) continue;
      const widened = isWidening(schema, now);
      changes.push({ kind: widened ? 'type_widened' : 'type_narrowed', ...describe(old), column, from: schema, to: now, breaking: selected && !widened, selected });
    }
    const oldKey = JSON.stringify(old.source_defined_primary_key ?? []);
    const newKey = JSON.stringify(next.source_defined_primary_key ?? []);
    if (oldKey !== newKey) {
      changes.push({ kind: 'primary_key_changed', ...describe(old), from: old.source_defined_primary_key ?? [], to: next.source_defined_primary_key ?? [], breaking: selected && needsKey, selected });
    }
  }
  return changes;
}

/** One line per change, for logs and job failure messages. */
export function describeSchemaChange(change: SchemaChange): string {
  const where = change.namespace ? `${change.namespace}.${change.stream}` : change.stream;
  const column = change.column ? `${where}.${change.column}` : where;
  switch (change.kind) {
    case 'stream_added':
      return `stream ${where} added`;
    case 'stream_removed':
      return `stream ${where} removed`;
    case 'column_added':
      return `column ${column} added`;
    case 'column_removed':
      return `column ${column} removed`;
    case 'cursor_removed':
      return `cursor column ${column} removed`;
    case 'type_widened':
      return `column ${column} widened from ${JSON.stringify((change.from as Record<string, unknown>)?.type)} to ${JSON.stringify((change.to as Record<string, unknown>)?.type)}`;
    case 'type_narrowed':
      return `column ${column} narrowed from ${JSON.stringify((change.from as Record<string, unknown>)?.type)} to ${JSON.stringify((change.to as Record<string, unknown>)?.type)}`;
    case 'primary_key_changed':
      return `primary key of ${where} changed from ${JSON.stringify(change.from)} to ${JSON.stringify(change.to)}`;
  }
}

/**
 * The connection's stream selections after adopting `current`: removed streams are dropped; added
 * streams join with their default mode, selected only when `addStreams` is 'selected'.
 */
export function adoptCatalog(
  selections: StreamSelection[],
  current: AirbyteCatalog,
  defaults: (stream: AirbyteStream) => StreamSelection,
  addStreams: 'selected' | 'unselected',
): StreamSelection[] {
  const currentKeys = new Set(current.streams.map((s) => streamKey(s)));
  const kept = selections.filter((s) => currentKeys.has(streamKey(s)));
  const known = new Set(kept.map((s) => streamKey(s)));
  const added = current.streams.filter((s) => !known.has(streamKey(s))).map((s) => ({ ...defaults(s), selected: addStreams === 'selected' }));
  return [...kept, ...added];
}
