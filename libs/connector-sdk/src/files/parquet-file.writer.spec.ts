// The Parquet writer's encoder thread: output that decodes, a sink failure that surfaces as the
// file's error instead of a hang, and an abort that ends the thread's work.
import { tableFromIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { ObjectSink } from './object-store';
import { releaseEncoderThread, takeEncoderThread } from './parquet-encoder.thread';
import { BATCHES_AHEAD, ParquetFileWriter } from './parquet-file.writer';
import type { Column } from './column-plan';

class MemorySink implements ObjectSink {
  parts: Uint8Array[] = [];
  closed = false;
  aborted = false;
  constructor(private readonly failAfter = Infinity) {}
  get bytes(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }
  async write(chunk: Uint8Array): Promise<void> {
    if (this.parts.length >= this.failAfter) throw new Error('disk full');
    this.parts.push(chunk);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  async abort(): Promise<void> {
    this.aborted = true;
  }
}

const COLUMNS: Column[] = [
  { name: 'id', kind: 'int64', source: 'field' },
  { name: 'name', kind: 'string', source: 'field' },
];
const OPTIONS = { format: 'parquet' as const, compression: 'snappy' as const, rowGroupBytes: 1 << 20 };

async function write(sink: MemorySink, rows: number): Promise<ParquetFileWriter> {
  const writer = new ParquetFileWriter(sink, COLUMNS, OPTIONS, { stream: 'users', path: 'users/part.parquet' });
  for (let i = 0; i < rows; i++) {
    writer.add({ id: i, name: `name ${i} ${'x'.repeat(i % 50)}` });
    if (i % 10_000 === 0) await writer.flush();
  }
  return writer;
}

describe('ParquetFileWriter', () => {
  it('encodes in its thread, file after file, what decodes to the rows written', async () => {
    for (const rows of [70_000, 3]) {
      const sink = new MemorySink();
      await (await write(sink, rows)).finish();
      expect(sink.closed).toBe(true);
      const bytes = Buffer.concat(sink.parts);
      const table = tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
      expect(table.numRows).toBe(rows);
      expect(table.getChild('id')!.get(rows - 1)).toBe(BigInt(rows - 1));
      expect(table.getChild('name')!.get(2)).toBe('name 2 xx');
    }
  });

  it('keeps the batches in flight to a few shared slots when rows come faster than they are encoded', async () => {
    // 400,000 rows are 25 batches, added far faster than the thread encodes them; flush() must hold
    // the writer back instead of lending a slot per batch.
    const sink = new MemorySink();
    await (await write(sink, 400_000)).finish();
    const thread = takeEncoderThread(); // the idle thread that file used
    try {
      expect(thread.slotCount).toBeGreaterThan(0);
      expect(thread.slotCount).toBeLessThanOrEqual(BATCHES_AHEAD + 1);
      expect(thread.lent).toBe(0);
    } finally {
      releaseEncoderThread(thread, true);
    }
    // Every row, in order: a slot overwritten while the thread still read it would show here.
    const table = tableFromIPC(parquet.readParquet(Buffer.concat(sink.parts)).intoIPCStream());
    expect(table.numRows).toBe(400_000);
    const ids = table.getChild('id')!.toArray() as BigInt64Array;
    const names = table.getChild('name')!;
    const wrong: number[] = [];
    for (let i = 0; i < 400_000; i++) if (ids[i] !== BigInt(i) || names.get(i) !== `name ${i} ${'x'.repeat(i % 50)}`) wrong.push(i);
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it('keeps three ordinary slots between batches: a burst\'s extra slots and outsized ones are let go once read', () => {
    const thread = takeEncoderThread();
    try {
      const burst = [1, 2, 3, 4, 5].map(() => thread.lend(4 << 20));
      expect(thread.slotCount).toBe(5);
      for (const { slot } of burst) thread.giveBack(slot);
      expect(thread.slotCount).toBe(3);
      expect(thread.lend(4 << 20).bytes.length).toBe(4 << 20); // a kept one, reused
      const huge = thread.lend(40 << 20);
      expect(huge.bytes.length).toBe(64 << 20);
      thread.giveBack(huge.slot);
      expect(thread.slotCount).toBe(3); // the 64 MiB buffer is gone; the lent one and two kept remain
      expect(thread.lent).toBe(1);
    } finally {
      void thread.worker.terminate();
    }
  });

  it('fails the file with the sink error instead of waiting forever', async () => {
    const sink = new MemorySink(0);
    const writer = new ParquetFileWriter(sink, COLUMNS, OPTIONS, { stream: 'users', path: 'users/part.parquet' });
    // The failure shows at the next flush, or at the latest when the file finishes.
    const writing = (async () => {
      for (let i = 0; i < 200_000; i++) {
        writer.add({ id: i, name: `name ${i}` });
        if (i % 10_000 === 0) await writer.flush();
      }
      await writer.finish();
    })();
    await expect(writing).rejects.toThrow('Writing Parquet to users/part.parquet failed: disk full');
    await writer.abort();
    expect(sink.aborted).toBe(true);
  });

  it('aborts a file in the middle', async () => {
    const sink = new MemorySink();
    const writer = await write(sink, 50_000);
    await writer.abort();
    expect(sink.aborted).toBe(true);
    expect(sink.closed).toBe(false);
  });
});
