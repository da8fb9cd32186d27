import type { RecordMessage } from '@tributary/protocol';
import { releaseChunks, StreamBuffer, type StreamPlan } from './stream.target';

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
      releaseChunks(chunks);
    }
    expect(buffer.takeStats()).toEqual({ records: 600, bytes: characters });
    expect(buffer.take()).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

describe('StreamBuffer.addChunk (rows as PostgreSQL COPY text)', () => {
  const chunk = (text: string, rows: number, fields = ['id', 'name']) => ({
    type: 'RECORD_CHUNK' as const,
    chunk: { stream: 'users', format: 'postgres_copy_text' as const, fields, types: [], rows, data: Buffer.from(text, 'utf8'), emitted_at: Date.UTC(2024, 0, 2) },
  });

  it('appends a fresh v4 raw id, extracted_at, sync id and checkpoint to every row, leaving the values untouched', () => {
    const buffer = new StreamBuffer(plan, ['bigint', 'text'], 'sync\t1');
    const rows = ['1\tplain', '2\ttab\\there', '3\t\\N', '4\té ✓ 𝄞', `5\t${'x'.repeat(100_000)}`];
    const { columns, data } = buffer.addChunk(chunk(`${rows.join('\n')}\n`, rows.length), 7);
    expect(columns).toEqual(['id', 'name']);
    const lines = data.toString('utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(rows.length);
    const ids = new Set<string>();
    lines.forEach((line, i) => {
      expect(line.startsWith(`${rows[i]}\t`)).toBe(true);
      const [raw, extracted, sync, checkpoint] = line.slice(rows[i]!.length + 1).split('\t');
      expect(raw).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      ids.add(raw!);
      // The sync id is COPY-escaped (its tab written as backslash-t).
      expect([extracted, sync, checkpoint]).toEqual(['2024-01-02T00:00:00.000Z', 'sync\\t1', '7']);
    });
    expect(ids.size).toBe(rows.length);
    expect(buffer.takeStats()).toEqual({ records: rows.length, bytes: data.length });
  });

  it('maps a subset of fields to their columns, and refuses chunks that do not hold whole rows', () => {
    const buffer = new StreamBuffer(plan, ['bigint', 'text'], 's');
    expect(buffer.addChunk(chunk('x\n', 1, ['name']), 1).columns).toEqual(['name']);
    expect(() => buffer.addChunk(chunk('1\ta\n2\tb', 2), 1)).toThrow(/announced 2 rows/);
    expect(() => buffer.addChunk(chunk('1\ta\n2\tb\n', 1), 1)).toThrow(/announced 1 rows/);
    expect(() => buffer.addChunk(chunk('1\n', 1, ['nope']), 1)).toThrow(/field "nope"/);
  });

  it('takes COPY text only where the table reads it as the record path would store it', () => {
    expect(new StreamBuffer(plan, ['bigint', 'text'], 's').takesCopyText).toBe(true);
    expect(new StreamBuffer(plan, ['numeric', 'character varying(20)'], 's').takesCopyText).toBe(true);
    const stamped: StreamPlan = { ...plan, columns: [{ name: 'id', sqlType: 'bigint' }, { name: 'name', sqlType: 'timestamp with time zone' }] };
    expect(new StreamBuffer(stamped, ['bigint', 'text'], 's').takesCopyText).toBe(false);
  });
});
