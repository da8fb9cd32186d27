import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { columnsOf } from './column-plan';
import { LocalObjectStore } from './local-object-store';
import { readParquetFile } from './parquet-file.reader';
import { createRecordFileWriter } from './record-file.writer';

const SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    big: { type: 'integer' },
    price: { type: 'number' },
    amount: { type: 'string', precision: 20, scale: 4 },
    at: { type: 'string', format: 'date-time' },
    day: { type: 'string', format: 'date' },
    name: { type: 'string' },
    payload: { type: 'string', contentEncoding: 'base64' },
    active: { type: 'boolean' },
    doc: { type: 'object' },
  },
};

describe('readParquetFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tributary-parquet-read-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads back what the writer wrote, as JSON values with the schema of the file', async () => {
    const store = new LocalObjectStore(dir);
    const writer = createRecordFileWriter(await store.create('t.parquet'), columnsOf(SCHEMA), { format: 'parquet', compression: 'snappy', rowGroupBytes: 1 << 20, rowSizeHint: { bytesPerRow: 0 } }, { stream: 't', path: 't.parquet' });
    const full = { id: 1, big: '9223372036854775807', price: 2.5, amount: '-12.3400', at: '2024-03-10T01:59:59.123456-08:00', day: '1969-07-20', name: 'Zoë 🚀', payload: 'AP8B', active: true, doc: { a: [1, null] } };
    writer.add({ ...full, _tributary_raw_id: 'r1', _tributary_extracted_at: '2025-01-01T00:00:00Z', _tributary_sync_id: 's' });
    writer.add({ id: 2, _tributary_raw_id: 'r2', _tributary_extracted_at: '2025-01-01T00:00:00Z', _tributary_sync_id: 's' });
    await writer.finish();

    const { schema, rows } = await readParquetFile(join(dir, 't.parquet'));
    expect((schema.properties as Record<string, unknown>).amount).toEqual({ type: ['string', 'null'], precision: 20, scale: 4 });
    expect((schema.properties as Record<string, unknown>).at).toEqual({ type: ['string', 'null'], format: 'date-time' });
    const read: Record<string, unknown>[] = [];
    for await (const row of rows) read.push(row);
    expect(read).toHaveLength(2);
    expect(read[0]).toEqual(expect.objectContaining({ ...full, amount: '-12.3400', at: '2024-03-10T09:59:59.123456Z', doc: JSON.stringify(full.doc), _tributary_extracted_at: '2025-01-01T00:00:00.000Z' }));
    expect(read[1]).toEqual(expect.objectContaining({ id: 2, big: null, price: null, amount: null, at: null, day: null, name: null, payload: null, active: null, doc: null }));
  });
});
