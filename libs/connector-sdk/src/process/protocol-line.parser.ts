// One line of a connector's stdout → a protocol message, or the reason it is not one. Connectors
// print other things too (a library's banner, a stray print): those lines are reported, never fatal.
import type { ProtocolMessage } from '@tributary/protocol';

const TYPES = new Set(['RECORD', 'STATE', 'LOG', 'TRACE', 'CATALOG', 'SPEC', 'CONNECTION_STATUS', 'CONTROL']);
const MAX_LINE_IN_MESSAGE = 500;

export type ParsedLine = { message: ProtocolMessage } | { malformed: string } | { empty: true };

export function parseProtocolLine(line: string): ParsedLine {
  const trimmed = line.trim();
  if (!trimmed) return { empty: true };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return { malformed: 'not JSON' };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { malformed: 'not a JSON object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !TYPES.has(type)) return { malformed: `unknown message type ${JSON.stringify(type)}` };
  const body = (value as Record<string, unknown>)[BODY_FIELD[type] ?? ''];
  if (BODY_FIELD[type] && (!body || typeof body !== 'object')) return { malformed: `a ${type} message without "${BODY_FIELD[type]}"` };
  if (type === 'RECORD') {
    const record = body as { stream?: unknown; data?: unknown };
    if (typeof record.stream !== 'string' || !record.data || typeof record.data !== 'object') return { malformed: 'a RECORD without stream or data' };
  }
  return { message: value as ProtocolMessage };
}

const BODY_FIELD: Record<string, string> = {
  RECORD: 'record',
  STATE: 'state',
  LOG: 'log',
  TRACE: 'trace',
  CATALOG: 'catalog',
  SPEC: 'spec',
  CONNECTION_STATUS: 'connectionStatus',
  CONTROL: 'control',
};

/** The line as it appears in a report: trimmed and cut to a readable length. */
export function quoteLine(line: string): string {
  const trimmed = line.trim();
  return trimmed.length > MAX_LINE_IN_MESSAGE ? `${trimmed.slice(0, MAX_LINE_IN_MESSAGE)}… (${trimmed.length} characters)` : trimmed;
}
