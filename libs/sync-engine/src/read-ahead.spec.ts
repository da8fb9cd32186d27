import type { MessageBatch } from '@tributary/connector-sdk';
import type { RecordMessage } from '@tributary/protocol';
import { batchWeight, readAhead } from './read-ahead';

const batch = (id: number): MessageBatch => [{ type: 'RECORD', record: { stream: 's', data: { id }, emitted_at: 0 } }];
const ids = (batches: MessageBatch[]) => batches.map((b) => ((b[0] as RecordMessage).record.data as { id: number }).id);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('readAhead', () => {
  it('does not start the source before the first pull, then reads ahead up to its capacity, in order', async () => {
    let produced = 0;
    let closed = false;
    async function* source(): AsyncGenerator<MessageBatch> {
      try {
        for (let i = 0; i < 100; i++) {
          produced++;
          yield batch(i);
        }
      } finally {
        closed = true;
      }
    }
    const ahead = readAhead(source(), 3 * batchWeight(batch(0)));
    await tick();
    expect(produced).toBe(0);
    const first = await ahead.next();
    expect(ids([first.value as MessageBatch])).toEqual([0]);
    await tick();
    // The consumer holds one; three more wait, and the source has produced no further.
    expect(produced).toBeLessThanOrEqual(5);
    expect(produced).toBeGreaterThanOrEqual(4);
    const rest: MessageBatch[] = [];
    for await (const b of ahead) rest.push(b);
    expect(ids(rest)).toEqual(Array.from({ length: 99 }, (_, i) => i + 1));
    expect(closed).toBe(true);
  });

  it('delivers a source failure after the batches read before it', async () => {
    async function* source(): AsyncGenerator<MessageBatch> {
      yield batch(1);
      yield batch(2);
      throw new Error('source broke');
    }
    const seen: MessageBatch[] = [];
    await expect(
      (async () => {
        for await (const b of readAhead(source(), 1 << 20)) seen.push(b);
      })(),
    ).rejects.toThrow('source broke');
    expect(ids(seen)).toEqual([1, 2]);
  });

  it('closes the source when the consumer stops early', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<MessageBatch> {
      try {
        for (let i = 0; ; i++) yield batch(i);
      } finally {
        closed = true;
      }
    }
    for await (const b of readAhead(source(), 4 * batchWeight(batch(0)))) if (ids([b])[0] === 10) break;
    expect(closed).toBe(true);
  });

  it('weighs chunks by their bytes and other messages by a flat estimate', () => {
    const chunk: MessageBatch = [{ type: 'RECORD_CHUNK', chunk: { stream: 's', format: 'postgres_copy_text', fields: [], types: [], rows: 3, data: new Uint8Array(3000), emitted_at: 0 } }];
    expect(batchWeight(chunk)).toBe(3000);
    expect(batchWeight([...batch(1), ...batch(2)])).toBe(2 * batchWeight(batch(1)));
  });
});
