// Parquet encoding off the main thread. parquet-wasm encodes (and compresses) on the thread that
// calls it, and on the main thread it took a third of a Parquet sync's CPU, in series with reading
// and decoding the rows. A worker thread runs it instead: the writer sends each batch as Arrow IPC
// (its buffer transferred, not copied) and gets the file's bytes back, so decoding the next batch
// and encoding this one overlap. Encoder threads are pooled: a file takes an idle one or starts
// one, gives it back when done, and an idle thread exits after a while (its wasm memory, which
// never shrinks, goes with it).
//
// Protocol (one file at a time per thread):
//   writer → thread: start {properties}, batch {ipc}, end, written (a bytes message was written)
//   thread → writer: credit (the encoder wants another batch), spent {ipc} (a batch's buffer, back),
//                    bytes {data}, done, error {message}
import { Worker } from 'node:worker_threads';

export interface EncoderProperties {
  compression: 'none' | 'snappy' | 'zstd';
  rowsPerGroup: number;
  dictionaryPageBytes: number;
  /** Columns never dictionary-encoded. */
  plainColumns: string[];
  createdBy: string;
}

export type ToEncoder = { kind: 'start'; properties: EncoderProperties } | { kind: 'batch'; ipc: Uint8Array } | { kind: 'end' } | { kind: 'written' };
export type FromEncoder = { kind: 'credit' } | { kind: 'spent'; ipc: Uint8Array } | { kind: 'bytes'; data: Uint8Array } | { kind: 'done' } | { kind: 'error'; message: string };

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
  const wasm = parquet.wasmMemory() as { buffer: ArrayBufferLike };
  const COMPRESSION = { none: parquet.Compression.UNCOMPRESSED, snappy: parquet.Compression.SNAPPY, zstd: parquet.Compression.ZSTD };
  let input: ReadableStreamDefaultController<unknown> | undefined;
  let written: (() => void) | undefined;
  const post = (message: FromEncoder, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

  async function encode(properties: EncoderProperties): Promise<void> {
    let builder = new parquet.WriterPropertiesBuilder()
      .setCompression(COMPRESSION[properties.compression])
      .setMaxRowGroupSize(properties.rowsPerGroup)
      .setDictionaryPageSizeLimit(properties.dictionaryPageBytes)
      .setCreatedBy(properties.createdBy);
    for (const column of properties.plainColumns) builder = builder.setColumnDictionaryEnabled(column, false);
    const stream = new ReadableStream<unknown>(
      {
        start: (controller) => {
          input = controller;
        },
        pull: () => post({ kind: 'credit' }),
      },
      { highWaterMark: 2 },
    );
    const output = (await parquet.transformParquetStream(stream as never, builder.build())) as ReadableStream<Uint8Array>;
    const reader = output.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      // Handed over with its buffer (a copy out of wasm memory, which itself cannot be handed over):
      // a buffer left behind would wait for this thread's rare collections.
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
      case 'batch': {
        const table = parquet.Table.fromIPCStream(message.ipc);
        try {
          for (const batch of table.recordBatches()) input!.enqueue(batch);
        } finally {
          table.free();
        }
        // Its bytes are in wasm memory now. The buffer goes back to the writer, whose frequent
        // collections free it at once: this thread allocates too little to collect often, and
        // dead buffers would pile up here (tens of MB) until the next collection.
        post({ kind: 'spent', ipc: message.ipc }, [message.ipc.buffer as ArrayBuffer]);
        break;
      }
      case 'end':
        input!.close();
        input = undefined;
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
const idle: Worker[] = [];

/** Removes the listeners of the file the thread worked for (or of its idle state). */
function detach(worker: Worker): void {
  for (const event of ['message', 'error', 'exit']) worker.removeAllListeners(event);
}

/** An encoder thread for one file: an idle one, or a new one. */
export function takeEncoderThread(): Worker {
  const worker = idle.pop() ?? new Worker(THREAD_SOURCE, { eval: true, workerData: { parquetWasm: require.resolve('parquet-wasm') }, resourceLimits: THREAD_HEAP });
  detach(worker);
  worker.ref();
  clearTimeout((worker as Worker & { idleTimer?: NodeJS.Timeout }).idleTimer);
  return worker;
}

/** Gives back a thread whose file is done (or ends it, when the file failed). */
export function releaseEncoderThread(worker: Worker, healthy: boolean): void {
  detach(worker);
  if (!healthy) {
    void worker.terminate();
    return;
  }
  worker.on('error', () => undefined);
  worker.on('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  worker.unref();
  (worker as Worker & { idleTimer?: NodeJS.Timeout }).idleTimer = setTimeout(() => void worker.terminate(), IDLE_MS).unref();
  idle.push(worker);
}
