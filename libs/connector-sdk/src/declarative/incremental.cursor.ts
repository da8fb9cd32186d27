// The incremental cursor of a stream: from the saved state (or the start value) it computes the
// lower bound sent as the request parameter — shifted back by the lookback window — and it tracks
// the highest cursor value of the records read. State is kept per partition for child streams:
// `{ "updated_at": "..." }` for a stream, `{ "partitions": { "<parent key>": { "updated_at": "..." } } }`
// for a child stream. Records older than the bound asked for are dropped, for APIs that ignore
// the parameter.
import type { JsonObject, JsonValue } from '@tributary/protocol';
import { ConfigError } from '../errors';
import { type InterpolationContext, interpolate } from './interpolation';
import type { IncrementalDefinition } from './manifest.types';

type CursorValue = string | number;

export class IncrementalCursor {
  private readonly saved = new Map<string, CursorValue>();
  private readonly highest = new Map<string, CursorValue>();
  private readonly start: CursorValue | undefined;

  constructor(
    readonly definition: IncrementalDefinition,
    context: InterpolationContext,
    private readonly partitioned: boolean,
    state: JsonObject | undefined,
    private readonly streamName: string,
  ) {
    const start = interpolate(definition.start_value, context);
    this.start = start === undefined || start === null || start === '' ? undefined : this.checked(start as CursorValue, 'start_value');
    if (state) this.load(state);
  }

  get field(): string {
    return this.definition.cursor_field;
  }

  /** The value sent for the read of a partition ('' for an unpartitioned stream), or undefined for none. */
  lowerBound(partition = ''): CursorValue | undefined {
    const saved = this.saved.get(partition);
    const base = saved ?? this.start;
    if (base === undefined) return undefined;
    const lookback = saved !== undefined ? (this.definition.lookback ?? 0) : 0;
    if (this.type === 'number') return Number(base) - lookback;
    const ms = toMillis(base);
    if (lookback === 0 && (this.definition.request_format ?? 'iso8601') === 'iso8601' && typeof base === 'string') return base;
    return formatDatetime(ms - lookback * 1000, this.definition.request_format ?? 'iso8601');
  }

  /** Query parameters of a partition's read. */
  requestParams(partition = ''): Record<string, CursorValue> {
    const bound = this.lowerBound(partition);
    return this.definition.request_param && bound !== undefined ? { [this.definition.request_param]: bound } : {};
  }

  /** Tracks the record's cursor; false when the record is older than what was asked for (drop it). */
  observe(record: Record<string, unknown>, partition = ''): boolean {
    const raw = record[this.field];
    if (raw === undefined || raw === null || (typeof raw !== 'string' && typeof raw !== 'number')) return true;
    const bound = this.lowerBound(partition);
    if (bound !== undefined && this.compare(raw, bound) < 0) return false;
    const current = this.highest.get(partition) ?? this.saved.get(partition);
    if (current === undefined || this.compare(raw, current) > 0) this.highest.set(partition, raw);
    return true;
  }

  /** The stream state: saved positions, advanced by what this read has seen. */
  state(): JsonObject {
    const merged = new Map(this.saved);
    for (const [partition, value] of this.highest) merged.set(partition, value);
    if (!this.partitioned) {
      const value = merged.get('');
      return value === undefined ? {} : { [this.field]: value };
    }
    const partitions: Record<string, JsonValue> = {};
    for (const [partition, value] of [...merged].sort(([a], [b]) => a.localeCompare(b))) partitions[partition] = { [this.field]: value };
    return { partitions };
  }

  private get type(): 'datetime' | 'number' {
    return this.definition.cursor_type ?? 'datetime';
  }

  private compare(a: CursorValue, b: CursorValue): number {
    if (this.type === 'number') return Number(a) - Number(b);
    return toMillis(a) - toMillis(b);
  }

  private load(state: JsonObject): void {
    if (this.partitioned) {
      const partitions = state.partitions;
      if (partitions === undefined) return;
      if (!partitions || typeof partitions !== 'object' || Array.isArray(partitions)) throw this.badState(state);
      for (const [key, value] of Object.entries(partitions)) {
        const cursor = (value as JsonObject | null)?.[this.field];
        if (cursor !== undefined) this.saved.set(key, this.checked(cursor as CursorValue, 'state'));
      }
    } else if (state[this.field] !== undefined) {
      this.saved.set('', this.checked(state[this.field] as CursorValue, 'state'));
    }
  }

  private checked(value: CursorValue, what: string): CursorValue {
    const valid = this.type === 'number' ? Number.isFinite(Number(value)) : Number.isFinite(toMillis(value));
    if (!valid) throw new ConfigError(`stream "${this.streamName}": the ${what} cursor ${JSON.stringify(value)} is not a ${this.type === 'number' ? 'number' : 'date-time'}${what === 'state' ? "; reset the stream's state" : ''}`);
    return value;
  }

  private badState(state: JsonObject): ConfigError {
    return new ConfigError(`stream "${this.streamName}": the saved state ${JSON.stringify(state).slice(0, 200)} is not per partition; reset the stream's state`);
  }
}

/** Milliseconds since the epoch of an ISO date-time, or of unix seconds/milliseconds. */
function toMillis(value: CursorValue): number {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  if (/^\d+(\.\d+)?$/.test(value)) return toMillis(Number(value));
  return Date.parse(value);
}

function formatDatetime(ms: number, format: NonNullable<IncrementalDefinition['request_format']>): CursorValue {
  switch (format) {
    case 'unix_seconds':
      return Math.floor(ms / 1000);
    case 'unix_milliseconds':
      return ms;
    case 'date':
      return new Date(ms).toISOString().slice(0, 10);
    case 'iso8601':
      return new Date(ms).toISOString();
  }
}
