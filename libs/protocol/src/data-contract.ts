// Data contracts: what happens to a value that does not fit its column's accepted type (DESIGN §5).
// evolve lets it through (the destination widens the column); freeze fails the sync; discard_row
// sends the whole row to quarantine; discard_value writes the row with that value nulled and the
// original row to quarantine. Quarantined rows can be replayed once the contract changes.
import type { JsonObject } from './messages';

export const DATA_CONTRACTS = ['evolve', 'freeze', 'discard_row', 'discard_value'] as const;
export type DataContract = (typeof DATA_CONTRACTS)[number];

export interface StreamContract {
  /** The contract of every column without its own. */
  default: DataContract;
  columns?: Record<string, DataContract>;
}

/** The destination stream that receives a stream's quarantined rows. */
export function quarantineStreamName(stream: string): string {
  return `_tributary_quarantine_${stream}`;
}

/** The schema of a quarantine stream: the original row, the reason and the offending column. */
export const QUARANTINE_STREAM_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    _tributary_source_stream: { type: 'string' },
    _tributary_quarantine_column: { type: 'string' },
    _tributary_quarantine_reason: { type: 'string' },
    _tributary_quarantine_contract: { type: 'string' },
    record: { type: 'object' },
  },
};

function types(schema: Record<string, unknown>): string[] {
  const raw = schema.type;
  return Array.isArray(raw) ? raw.map(String) : raw === undefined ? [] : [String(raw)];
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INTEGER_TEXT = /^-?\d+$/;
// Numbers JSON cannot hold travel as text: exact decimals, and NaN and ±Infinity as PostgreSQL spells them.
const NUMBER_TEXT = /^(-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|NaN|-?Infinity)$/;

/**
 * Why `value` does not fit a column of `schema`, or undefined when it does. Numbers may arrive as
 * text (64-bit integers and decimals travel as strings so they stay exact).
 */
export function misfit(schema: Record<string, unknown>, value: unknown): string | undefined {
  const allowed = types(schema);
  if (!allowed.length) return undefined;
  if (value === null || value === undefined) return allowed.includes('null') || schema.nullable === true ? undefined : 'null in a non-null column';
  for (const type of allowed) {
    switch (type) {
      case 'string':
        if (typeof value !== 'string') break;
        if (schema.format === 'date-time' && !DATE_TIME.test(value)) return `"${value.slice(0, 40)}" is not a date-time`;
        if (schema.format === 'date' && !DATE.test(value)) return `"${value.slice(0, 40)}" is not a date`;
        return undefined;
      case 'integer':
        if ((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint' || (typeof value === 'string' && INTEGER_TEXT.test(value))) return undefined;
        break;
      case 'number':
        if ((typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && NUMBER_TEXT.test(value))) return undefined;
        break;
      case 'boolean':
        if (typeof value === 'boolean') return undefined;
        break;
      case 'object':
        if (typeof value === 'object' && !Array.isArray(value)) return undefined;
        break;
      case 'array':
        if (Array.isArray(value)) return undefined;
        break;
      case 'null':
        break;
      default:
        return undefined;
    }
  }
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : JSON.stringify(value)?.slice(0, 40);
  return `${shown} is not of type ${allowed.filter((t) => t !== 'null').join(' or ')}`;
}
