// What reading one stream shares between the plain and the partitioned paths: the relation and
// its selected columns, the batch builder turning parsed COPY rows into messages, state messages.
import type { ProtocolMessage, StateMessage, StreamDescriptor, JsonObject } from '@tributary/protocol';
import type { PgRelation } from './pg-catalog.query';
import type { PgColumn, ValueConverter } from './pg-type.mapping';

/** Messages per batch handed to the platform. */
export const BATCH_SIZE = 2000;
/** State of a full refresh: the next block to read (absent once complete). */
export type FullRefreshState = { next_block?: number; complete?: boolean; partitions?: { from: number; to: number; next: number }[] };
export type IncrementalState = { cursor_field: string[]; cursor: string; cursor_record_count: number };

export function stateMessage(stream: StreamDescriptor, streamState: JsonObject): StateMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: stream, stream_state: streamState } } };
}

/** What a stream read needs: the relation, the selected columns in order and their converters. */
export interface StreamReader {
  descriptor: StreamDescriptor;
  relation: PgRelation;
  columns: PgColumn[];
  converters: ValueConverter[];
  select: string;
  table: string;
}

/** Builds batches of messages: records of parsed rows, states and traces, handed out by size. */
export class BatchBuilder {
  private messages: ProtocolMessage[] = [];
  constructor(private readonly reader: StreamReader) {}

  records(rows: (string | null)[][]): void {
    const { columns, converters, descriptor } = this.reader;
    const emittedAt = Date.now();
    for (const row of rows) this.messages.push(this.record(row, columns, converters, descriptor, emittedAt));
  }

  record(row: (string | null)[], columns: PgColumn[], converters: ValueConverter[], descriptor: StreamDescriptor, emittedAt: number): ProtocolMessage {
    const data: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) {
      const value = row[i];
      data[columns[i]!.name] = value === null || value === undefined ? null : converters[i]!(value);
    }
    return { type: 'RECORD', record: { stream: descriptor.name, namespace: descriptor.namespace, data, emitted_at: emittedAt } };
  }

  push(message: ProtocolMessage): void {
    this.messages.push(message);
  }

  get size(): number {
    return this.messages.length;
  }

  take(): ProtocolMessage[] {
    const out = this.messages;
    this.messages = [];
    return out;
  }
}

