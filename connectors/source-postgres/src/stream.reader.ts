// What reading one stream shares between the plain and the partitioned paths: the relation and
// its selected columns, the batch builder turning parsed COPY rows (or raw COPY chunks, when the
// destination takes them) into messages, state messages.
import type { Client } from 'pg';
import type { ChunkColumnType, ProtocolMessage, RecordChunkFormat, StateMessage, StreamDescriptor, JsonObject } from '@tributary/protocol';
import type { PgRelation } from './pg-catalog.query';
import { chunkColumnType, type PgColumn, type ValueConverter } from './pg-type.mapping';
import { copyChunks, type CopyChunk, copyRows } from './postgres.session';

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
  /** Full refresh rows travel in this bulk format instead of as records (see chunkFormatFor). */
  chunkFormat?: RecordChunkFormat;
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

  /** The fields and types every chunk of the stream carries (the same for all: built once). */
  private chunkColumns: { fields: string[]; types: ChunkColumnType[] } | undefined;

  /** Raw COPY output of whole rows, in the reader's chunk format. */
  chunk(data: Buffer, rows: number): void {
    const { descriptor, columns, chunkFormat } = this.reader;
    this.chunkColumns ??= { fields: columns.map((c) => c.name), types: columns.map(chunkColumnType) };
    const { fields, types } = this.chunkColumns;
    this.messages.push({
      type: 'RECORD_CHUNK',
      chunk: { stream: descriptor.name, ...(descriptor.namespace ? { namespace: descriptor.namespace } : {}), format: chunkFormat!, fields, types, rows, data, emitted_at: Date.now() },
    });
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


/** What one COPY of a stream gives: raw chunks in the reader's chunk format, or parsed rows. */
export type CopyOutput = { chunk: CopyChunk } | { rows: (string | null)[][] };

export async function* copyOutput(client: Client, query: string, doing: string, reader: StreamReader): AsyncGenerator<CopyOutput> {
  if (reader.chunkFormat) {
    for await (const chunk of copyChunks(client, query, reader.chunkFormat === 'postgres_copy_binary' ? 'binary' : 'text', doing)) yield { chunk };
  } else {
    for await (const rows of copyRows(client, query, doing)) yield { rows };
  }
}

/** Adds one COPY's output to `batch`; true when the batch is due (BATCH_SIZE rows, or a chunk). */
export function addOutput(batch: BatchBuilder, output: CopyOutput): boolean {
  if ('chunk' in output) {
    batch.chunk(output.chunk.data, output.chunk.rows);
    return true;
  }
  batch.records(output.rows);
  return batch.size >= BATCH_SIZE;
}

/** Batches of one COPY of `query`, yielded as they fill (see `addOutput`). */
export async function* copyInto(client: Client, query: string, doing: string, reader: StreamReader, batch: BatchBuilder): AsyncGenerator<ProtocolMessage[]> {
  for await (const output of copyOutput(client, query, doing, reader)) if (addOutput(batch, output)) yield batch.take();
}
