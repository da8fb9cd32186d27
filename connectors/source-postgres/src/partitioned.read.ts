// Parallel full refresh of a large table: the block range is split into partitions, each read on
// its own connection inside a transaction that imports the snapshot the main connection exported
// (pg_export_snapshot + SET TRANSACTION SNAPSHOT), so all partitions see one consistent table.
// Each partition's rows are held back until its block range is read, then handed on followed by a
// STATE that carries every partition's next block: a STATE covers exactly the rows before it (rows
// of another partition's unfinished range never precede it), so a resumed read continues each
// partition where it was without reading any row twice. What is held is bounded by one range
// (about checkpoint_rows rows) per partition.
import type { Client } from 'pg';
import type { ConnectorContext, MessageBatch } from '@tributary/connector-sdk';
import { streamKey } from '@tributary/protocol';
import type { PostgresSourceConfig } from './postgres.config';
import { beginUnderSnapshot, closeClient, exportSnapshot, openClient } from './postgres.session';
import { blockRangeQuery } from './read.sql';
import { addOutput, BatchBuilder, type CopyOutput, copyOutput, type FullRefreshState, stateMessage, type StreamReader } from './stream.reader';

type Partition = { from: number; to: number; next: number };
type Rows = { partition: number; output: CopyOutput };
type Item = Rows | { partition: number; next: number } | { error: unknown } | { done: true };

/** Splits blocks [start, pages) into `count` contiguous partitions. */
export function splitBlocks(start: number, pages: number, count: number): Partition[] {
  const size = Math.max(1, Math.ceil((pages - start) / count));
  const out: Partition[] = [];
  for (let from = start; from < pages; from += size) out.push({ from, to: Math.min(from + size, pages), next: from });
  return out;
}

/** A bounded queue between the partition readers and the consumer: readers wait when it is full. */
class BoundedQueue {
  private items: Item[] = [];
  private takers: ((item: Item) => void)[] = [];
  private putters: (() => void)[] = [];
  closed = false;
  constructor(private readonly capacity: number) {}

  /** Rejects once the consumer has gone, which stops the reader's COPY. */
  async put(item: Item): Promise<void> {
    while (!this.closed && this.items.length >= this.capacity) await new Promise<void>((resolve) => this.putters.push(resolve));
    if (this.closed) throw new Error('the partitioned read was stopped');
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  async take(): Promise<Item> {
    const item = this.items.shift();
    if (item) {
      this.putters.shift()?.();
      return item;
    }
    return new Promise<Item>((resolve) => this.takers.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const resolve of this.putters.splice(0)) resolve();
  }
}

export async function* readPartitioned(
  client: Client,
  config: PostgresSourceConfig,
  reader: StreamReader,
  state: FullRefreshState | undefined,
  pages: number,
  chunkPages: number,
  context: ConnectorContext,
): AsyncGenerator<MessageBatch> {
  const key = streamKey(reader.descriptor);
  const partitions: Partition[] = state?.partitions?.map((p) => ({ ...p })) ?? splitBlocks(state?.next_block ?? 0, pages, config.max_partitions);
  // Pages added since the partitions were planned (a resumed read) belong to the last one.
  if (partitions.length > 0) partitions[partitions.length - 1]!.to = Math.max(partitions[partitions.length - 1]!.to, pages);
  const snapshot = await exportSnapshot(client);
  const pending = partitions.map((p, index) => ({ p, index })).filter(({ p }) => p.next < p.to);
  context.logger.info(`reading "${key}" in ${pending.length} partitions under snapshot ${snapshot}`);
  const queue = new BoundedQueue(8);
  const extra: Client[] = [];
  const readers: Promise<void>[] = [];
  try {
    for (let i = 0; i < pending.length; i++) {
      let connection = client;
      if (i > 0) {
        connection = await openClient(config, context);
        extra.push(connection);
        await beginUnderSnapshot(connection, snapshot);
      }
      const { p, index } = pending[i]!;
      readers.push(
        (async () => {
          try {
            for (let from = p.next; from < p.to && !queue.closed; from += chunkPages) {
              const to = Math.min(from + chunkPages, p.to);
              for await (const output of copyOutput(connection, blockRangeQuery(reader, from, to), `reading "${key}"`, reader)) await queue.put({ partition: index, output });
              await queue.put({ partition: index, next: to });
            }
            await queue.put({ done: true });
          } catch (error) {
            await queue.put({ error }).catch(() => undefined);
          }
        })(),
      );
    }
    const batch = new BatchBuilder(reader);
    const held: Rows[][] = partitions.map(() => []);
    for (let running = readers.length; running > 0; ) {
      const item = await queue.take();
      if ('error' in item) throw item.error;
      if ('done' in item) running--;
      else if ('output' in item) held[item.partition]!.push(item);
      else {
        for (const { output } of held[item.partition]!.splice(0)) if (addOutput(batch, output)) yield batch.take();
        partitions[item.partition]!.next = item.next;
        batch.push(stateMessage(reader.descriptor, { partitions: partitions.map((p) => ({ ...p })) }));
        yield batch.take();
      }
    }
    if (batch.size > 0) yield batch.take();
    yield [stateMessage(reader.descriptor, { complete: true })];
  } finally {
    queue.close();
    await Promise.all(extra.map(closeClient));
    await Promise.allSettled(readers);
  }
}
