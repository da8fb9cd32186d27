import type { RecordMessage } from '@tributary/protocol';
import { StreamBuffer, type StreamPlan } from './stream.target';

const plan: StreamPlan = { key: 'users', mode: 'append', schema: 'public', table: 'users', fields: ['id', 'name'], columns: [{ name: 'id', sqlType: 'bigint' }, { name: 'name', sqlType: 'text' }], primaryKey: [] };
const record = (id: number, name: string): RecordMessage => ({ type: 'RECORD', record: { stream: 'users', data: { id, name }, emitted_at: Date.UTC(2024, 0, 2) } });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('StreamBuffer', () => {
  it('buffers rows as COPY text in UTF-8 chunks, across chunk boundaries, and reuses released chunks', () => {
    const buffer = new StreamBuffer(plan, ['bigint', 'text'], 'sync-1');
    const names = ['plain', 'tab\there', 'line\nbreak', 'back\\slash', 'é ✓ 𝄞', 'x'.repeat(300_000)];
    let characters = 0;
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200; i++) {
        const name = names[i % names.length]!;
        buffer.add(record(i, name), round + 1);
      }
      const chunks = buffer.take();
      expect(buffer.size).toBe(0);
      expect(chunks.length).toBeGreaterThan(1);
      const lines = Buffer.concat(chunks).toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(200);
      lines.forEach((line, i) => {
        const [id, name, uuid, extractedAt, syncId, checkpoint, ...rest] = line.split('\t');
        expect(rest).toEqual([]);
        expect([id, name, extractedAt, syncId, checkpoint]).toEqual([String(i), escape(names[i % names.length]!), '2024-01-02T00:00:00.000Z', 'sync-1', String(round + 1)]);
        expect(uuid).toMatch(UUID);
        characters += line.length + 1;
      });
      buffer.release(chunks);
    }
    expect(buffer.takeStats()).toEqual({ records: 600, bytes: characters });
    expect(buffer.take()).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}
