// Reading ahead of the destination. The destination pulls batches only between its own work, and
// while it commits a checkpoint (ends a COPY, commits, the platform records the checkpoint) it
// pulls nothing: without a buffer the source would stall for every commit. A bounded queue keeps
// the source reading meanwhile; its bound (bytes, estimated) keeps memory flat.
import type { MessageBatch } from '@tributary/connector-sdk';

/** Bytes a record is assumed to weigh (its real size is not known without serialising it). */
const RECORD_WEIGHT = 512;

/** The estimated weight of a batch: chunk bytes, plus a flat size per other message. */
export function batchWeight(batch: MessageBatch): number {
  let weight = 0;
  for (const message of batch) weight += message.type === 'RECORD_CHUNK' ? message.chunk.data.byteLength : RECORD_WEIGHT;
  return weight;
}

/**
 * The batches of `source`, read up to `capacity` (estimated bytes) ahead of the consumer. A source
 * failure reaches the consumer after the batches read before it; closing the consumer closes the
 * source (once a read in progress has finished); an aborted `signal` stops the hand-over.
 */
export function readAhead(source: AsyncGenerator<MessageBatch>, capacity: number, signal?: AbortSignal): AsyncGenerator<MessageBatch> {
  const queue: { batch: MessageBatch; weight: number }[] = [];
  let queued = 0;
  let finished = false;
  let failed = false;
  let failure: unknown;
  let stopped = false;
  let wakeConsumer: (() => void) | undefined;
  let wakeProducer: (() => void) | undefined;
  const wake = (which: 'consumer' | 'producer') => {
    const resume = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = undefined;
    else wakeProducer = undefined;
    resume?.();
  };

  // Started by the consumer's first pull, not before: a destination prepares (and says which bulk
  // formats it takes) before it pulls, and the source must not start reading earlier than that.
  const run = async () => {
    try {
      for (;;) {
        while (!stopped && queued >= capacity) await new Promise<void>((resolve) => (wakeProducer = resolve));
        if (stopped) return;
        const next = await source.next();
        if (next.done) return;
        const weight = batchWeight(next.value);
        queue.push({ batch: next.value, weight });
        queued += weight;
        wake('consumer');
      }
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      finished = true;
      wake('consumer');
    }
  };
  let pump: Promise<void> | undefined;

  async function* consume(): AsyncGenerator<MessageBatch> {
    pump = run();
    try {
      for (;;) {
        // Batches read ahead are not handed on once the sync is cancelled.
        signal?.throwIfAborted();
        const item = queue.shift();
        if (item) {
          queued -= item.weight;
          wake('producer');
          yield item.batch;
          continue;
        }
        if (finished) {
          if (failed) throw failure;
          return;
        }
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
    } finally {
      stopped = true;
      wake('producer');
      // Queued behind a read in progress, if any (an async generator runs its requests in order).
      const closing = source.return(undefined);
      await pump;
      await closing;
    }
  }
  return consume();
}
