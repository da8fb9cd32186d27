// Parquet encoding off the main thread. parquet-wasm encodes (and compresses) on the thread that
// calls it, and on the main thread it took a third of a Parquet sync's CPU, in series with reading
// and decoding the rows. A worker thread runs it instead, so decoding the next batch and encoding
// this one overlap. Encoder threads are pooled: a file takes an idle one or starts one, gives it
// back when done, and an idle thread exits after a while (its wasm memory, which never shrinks,
// goes with it).
//
// Batches travel through shared memory, reused batch after batch: the writer serialises each
// batch as Arrow IPC into a slot (a SharedArrayBuffer the thread is lent until it has read the
// batch into wasm memory). A fresh ArrayBuffer per batch, handed over and handed back, was most of
// what a sync allocated outside V8's heap, and V8 runs a full collection after every 64 MB of such
// allocations: one every ~130 ms, a sixth of the worker's CPU. Shared memory is not counted that
// way. The file's bytes come back as a buffer handed over per row group (freed by the writer's
// frequent collections; this thread collects rarely).
//
// Protocol (one file at a time per thread):
//   writer → thread: start {properties}, batch {slot, ipc (a view of the slot)}, end,
//                    written (a bytes message was written)
//   thread → writer: spent {slot} (its batch was read into the encoder: the slot is free again),
//                    bytes {data}, done, error {message}
// The writer's flush() waits while two slots are out (the file writer calls it after each chunk),
// the thread reads a batch only when the encoder asks for the next one, and slots beyond three (a
// chunk that filled several batches at once) or outsized ones are let go once read, so what is in
// flight and what is kept stay bounded however far the writer runs ahead of the encoder.
import { Worker } from 'node:worker_threads';

export interface EncoderProperties {
  compression: 'none' | 'snappy' | 'zstd';
  rowsPerGroup: number;
  dictionaryPageBytes: number;
  /** Columns never dictionary-encoded. */
  plainColumns: string[];
  createdBy: string;
}

export type ToEncoder = { kind: 'start'; properties: EncoderProperties } | { kind: 'batch'; slot: number; ipc: Uint8Array } | { kind: 'end' } | { kind: 'written' };
export type FromEncoder = { kind: 'spent'; slot: number } | { kind: 'bytes'; data: Uint8Array } | { kind: 'done' } | { kind: 'error'; message: string };

/**
 * The thread's code. Its source text becomes the thread's script (`eval`), so it must use nothing
 * from this module's scope: everything it needs it requires itself.
 */
function encoderThread(): void {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const parquet = require((workerData as { parquetWasm: string }).parquetWasm) as typeof import('parquet-wasm');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const port = parentPort!;
  const COMPRESSION = { none: parquet.Compression.UNCOMPRESSED, snappy: parquet.Compression.SNAPPY, zstd: parquet.Compression.ZSTD };
  let input: ReadableStreamDefaultController<unknown> | undefined;
  /** Batches (and the end) not read yet, in order: a batch is read when the encoder asks for it. */
  const pending: Extract<ToEncoder, { kind: 'batch' | 'end' }>[] = [];
  /** The encoder's pending ask for a batch (its stream's pull). */
  let wanted: (() => void) | undefined;
  let written: (() => void) | undefined;
  const wasm = parquet.wasmMemory() as { buffer: ArrayBufferLike };
  const post = (message: FromEncoder, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

  /** Answers the encoder's ask with the next batch (or the end), once there is one. */
  function feed(): void {
    if (!wanted || pending.length === 0) return;
    const message = pending.shift()!;
    const answer = wanted;
    wanted = undefined;
    if (message.kind === 'end') {
      input!.close();
      input = undefined;
    } else {
      const table = parquet.Table.fromIPCStream(message.ipc);
      try {
        for (const batch of table.recordBatches()) input!.enqueue(batch);
      } finally {
        table.free();
      }
      // Its bytes are in wasm memory now: the slot goes back to the writer.
      post({ kind: 'spent', slot: message.slot });
    }
    answer();
  }

  async function encode(properties: EncoderProperties): Promise<void> {
    let builder = new parquet.WriterPropertiesBuilder()
      .setCompression(COMPRESSION[properties.compression])
      .setMaxRowGroupSize(properties.rowsPerGroup)
      .setDictionaryPageSizeLimit(properties.dictionaryPageBytes)
      .setCreatedBy(properties.createdBy);
    for (const column of properties.plainColumns) builder = builder.setColumnDictionaryEnabled(column, false);
    // One batch read ahead of the one being encoded; the rest wait in their slots, so the writer's
    // backpressure (slots lent) bounds what is in flight.
    const stream = new ReadableStream<unknown>(
      {
        start: (controller) => {
          input = controller;
        },
        pull: () =>
          new Promise<void>((resolve) => {
            wanted = resolve;
            feed();
          }),
      },
      { highWaterMark: 1 },
    );
    const output = (await parquet.transformParquetStream(stream as never, builder.build())) as ReadableStream<Uint8Array>;
    const reader = output.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Handed over with its buffer (a copy out of wasm memory, which itself cannot be handed over):
      // a buffer left behind would wait for this thread's rare collections (a row group's bytes,
      // tens of MB, each).
      const data = value.buffer === wasm.buffer ? value.slice() : value;
      const ack = new Promise<void>((resolve) => (written = resolve));
      post({ kind: 'bytes', data }, [data.buffer as ArrayBuffer]);
      await ack;
    }
  }

  port.on('message', (message: ToEncoder) => {
    switch (message.kind) {
      case 'start':
        encode(message.properties).then(
          () => post({ kind: 'done' }),
          (error: unknown) => post({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
        );
        break;
      case 'batch':
      case 'end':
        pending.push(message);
        feed();
        break;
      case 'written':
        written?.();
        break;
    }
  });
}

const THREAD_SOURCE = `(${encoderThread.toString()})();`;
/**
 * The thread's V8 heap: it holds a few handles and stream objects (the batches and the Parquet
 * bytes are outside the heap: IPC buffers and wasm memory), so a small young generation keeps its
 * resident memory down; by default it would take the process's (`--max-semi-space-size`).
 */
const THREAD_HEAP = { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 };
/** An idle encoder thread exits after this long. */
const IDLE_MS = 15_000;

/** A shared buffer of at least `bytes`, sized in powers of two from 1 MiB (a few sizes serve every batch). */
function sharedBytes(bytes: number): Uint8Array {
  let size = 1 << 20;
  while (size < bytes) size *= 2;
  return new Uint8Array(new SharedArrayBuffer(size));
}

/** Slots kept for the next batches once given back: a burst's extra slots are let go. */
const KEEP_SLOTS = 3;
/** A slot larger than this (a batch of huge values) is let go once read, not kept for the next batch. */
const KEEP_SLOT_BYTES = 16 << 20;
const NO_BYTES = new Uint8Array(0);

/** An encoder thread and the batch slots it is lent (both outlive a file: threads are reused). */
export class EncoderThread {
  readonly worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { parquetWasm: require.resolve('parquet-wasm') }, resourceLimits: THREAD_HEAP });
  /** Shared buffers batches are serialised into; a lent one is the thread's until it answers 'spent'. */
  private readonly slots: { bytes: Uint8Array; lent: boolean }[] = [];
  idleTimer?: NodeJS.Timeout;

  /**
   * A free slot of at least `bytes` (a free one too small, or let go, gets a new buffer; none free:
   * one more). The writer's backpressure keeps the slots lent at once to a few.
   */
  lend(bytes: number): { slot: number; bytes: Uint8Array } {
    let slot = this.slots.findIndex((s) => !s.lent && s.bytes.length >= bytes);
    if (slot < 0) {
      slot = this.slots.findIndex((s) => !s.lent);
      if (slot < 0) slot = this.slots.push({ bytes: NO_BYTES, lent: false }) - 1;
      this.slots[slot]!.bytes = sharedBytes(bytes);
    }
    this.slots[slot]!.lent = true;
    return { slot, bytes: this.slots[slot]!.bytes };
  }

  /** The thread has read the slot's batch. Beyond KEEP_SLOTS, or outsized, its buffer is let go. */
  giveBack(slot: number): void {
    const given = this.slots[slot]!;
    given.lent = false;
    if (given.bytes.length > KEEP_SLOT_BYTES || this.slotCount > KEEP_SLOTS) given.bytes = NO_BYTES;
  }

  /** Slots holding a buffer, lent or not. */
  get slotCount(): number {
    return this.slots.filter((s) => s.bytes.length > 0).length;
  }

  /** Slots lent and not given back: batches sent and not yet read into the encoder. */
  get lent(): number {
    let count = 0;
    for (const slot of this.slots) if (slot.lent) count++;
    return count;
  }

  /** Removes the listeners of the file the thread worked for (or of its idle state). */
  detach(): void {
    for (const event of ['message', 'error', 'exit']) this.worker.removeAllListeners(event);
  }
}

const idle: EncoderThread[] = [];

/** An encoder thread for one file: an idle one, or a new one. */
export function takeEncoderThread(): EncoderThread {
  const thread = idle.pop() ?? new EncoderThread();
  thread.detach();
  thread.worker.ref();
  clearTimeout(thread.idleTimer);
  return thread;
}

/** Gives back a thread whose file is done (or ends it, when the file failed). */
export function releaseEncoderThread(thread: EncoderThread, healthy: boolean): void {
  thread.detach();
  if (!healthy) {
    void thread.worker.terminate();
    return;
  }
  thread.worker.on('error', () => undefined);
  thread.worker.on('exit', () => {
    const at = idle.indexOf(thread);
    if (at >= 0) idle.splice(at, 1);
  });
  thread.worker.unref();
  thread.idleTimer = setTimeout(() => void thread.worker.terminate(), IDLE_MS).unref();
  idle.push(thread);
}
