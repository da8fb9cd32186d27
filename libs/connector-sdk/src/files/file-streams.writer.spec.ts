import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { tableFromIPC } from 'apache-arrow';
import * as parquet from 'parquet-wasm';
import type { ChunkColumnType, ConfiguredAirbyteCatalog, DestinationSyncMode, JsonObject, RecordChunkMessage, RecordChunkFormat, RecordMessage, StateMessage } from '@tributary/protocol';
import type { DestinationCommit, MessageBatch, WriteContext } from '../connector';
import { fileOutputOptions } from './file-output.options';
import { publishFileStreams, writeFileStreams } from './file-streams.writer';
import { LocalObjectStore } from './local-object-store';
import type { Manifest } from './manifest';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const EMITTED_AT = Date.UTC(2025, 4, 2, 9, 14, 3, 120);
const TEMPLATE = '{namespace}/{stream}/{sync_id}-{part}.{ext}';

const SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    big: { type: ['null', 'integer'] },
    amount: { type: 'number' },
    price: { type: 'string', format: 'decimal', precision: 20, scale: 4 },
    name: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    day: { type: 'string', format: 'date' },
    blob: { type: 'string', contentEncoding: 'base64' },
    ok: { type: 'boolean' },
    meta: { type: 'object' },
  },
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tributary-files-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function catalogOf(mode: DestinationSyncMode = 'append', schema: JsonObject = SCHEMA): ConfiguredAirbyteCatalog {
  return { streams: [{ stream: { name: 'users', json_schema: schema, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: mode }] };
}

const record = (id: number, extra: Record<string, unknown> = {}): RecordMessage => ({ type: 'RECORD', record: { stream: 'users', data: { id, name: `user ${id}`, ...extra }, emitted_at: EMITTED_AT } });
const records = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => record(from + i));
const state = (id: number): StateMessage => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { id } } } });

async function* feed(...batches: MessageBatch[]): AsyncGenerator<MessageBatch> {
  for (const batch of batches) yield batch;
}

function context(syncId: string, resumePosition?: JsonObject, accepted?: Map<string, readonly RecordChunkFormat[]>): WriteContext {
  return { logger: silent, signal: new AbortController().signal, syncId, resumePosition, ...(accepted ? { acceptRecordChunks: (key, formats) => accepted.set(key, formats) } : {}) };
}

/** Rows (id, name, ok) as binary COPY tuples, as source-postgres sends them in a chunk. */
function chunk(rows: [number | bigint, string | null, boolean][]): RecordChunkMessage {
  const field = (bytes: Buffer | null) => {
    const length = Buffer.alloc(4);
    length.writeInt32BE(bytes ? bytes.length : -1);
    return bytes ? [length, bytes] : [length];
  };
  const parts = rows.flatMap(([id, name, ok]) => {
    const int8 = Buffer.alloc(8);
    int8.writeBigInt64BE(BigInt(id));
    return [Buffer.from([0, 3]), ...field(int8), ...field(name === null ? null : Buffer.from(name)), ...field(Buffer.from([ok ? 1 : 0]))];
  });
  const types: ChunkColumnType[] = ['int8', 'text', 'bool'].map((typeName) => ({ typeName, typmod: -1, typeKind: 'b' }));
  return { type: 'RECORD_CHUNK', chunk: { stream: 'users', format: 'postgres_copy_binary', fields: ['id', 'name', 'ok'], types, rows: rows.length, data: Buffer.concat(parts), emitted_at: EMITTED_AT } };
}

async function run(config: JsonObject, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, ctx: WriteContext, seen: DestinationCommit[] = []): Promise<DestinationCommit[]> {
  const options = fileOutputOptions({ commit_interval_seconds: 0, ...config }, TEMPLATE);
  for await (const commit of writeFileStreams({ store: new LocalObjectStore(root), catalog, input, context: ctx, options })) seen.push(commit);
  return seen;
}

async function manifest(): Promise<Manifest> {
  return JSON.parse(await readFile(join(root, 'users', '_tributary', 'manifest.json'), 'utf8')) as Manifest;
}

function readParquetRows(bytes: Buffer): Record<string, unknown>[] {
  const table = tableFromIPC(parquet.readParquet(bytes).intoIPCStream());
  return table.toArray().map((row) => row.toJSON() as Record<string, unknown>);
}

async function jsonlIds(): Promise<number[]> {
  const ids: number[] = [];
  for (const file of (await manifest()).files) {
    for (const line of (await readFile(join(root, file.path), 'utf8')).split('\n')) if (line) ids.push((JSON.parse(line) as { id: number }).id);
  }
  return ids;
}

describe('writeFileStreams', () => {
  it('writes typed Parquet columns that round-trip', async () => {
    const full = record(1, {
      big: '9007199254740993',
      amount: 1.5,
      price: '12345678.9012',
      name: 'Zoë — 東京',
      at: '2024-03-10T12:34:56.789123+02:00',
      day: '2024-02-29',
      blob: Buffer.from([0, 1, 2, 255]).toString('base64'),
      ok: true,
      meta: { tags: ['a'], n: 1 },
    });
    const empty: RecordMessage = { type: 'RECORD', record: { stream: 'users', data: { id: 2 }, emitted_at: EMITTED_AT } };
    await run({ format: 'parquet', compression: 'zstd' }, catalogOf(), feed([full, empty, state(2)]), context('sync-1'));

    const [file] = (await manifest()).files;
    expect(file).toMatchObject({ path: 'users/sync-1-00000.parquet', records: 2, sync_id: 'sync-1' });
    const rows = readParquetRows(await readFile(join(root, file.path)));
    expect(rows[0]).toMatchObject({ id: 1n, big: 9007199254740993n, amount: 1.5, name: 'Zoë — 東京', ok: true, meta: '{"tags":["a"],"n":1}', _tributary_sync_id: 'sync-1' });
    // Arrow gives milliseconds with the microseconds as a fraction.
    expect(Math.round((rows[0].at as number) * 1000)).toBe(Date.UTC(2024, 2, 10, 10, 34, 56, 789) * 1000 + 123);
    expect(Buffer.from(rows[0].blob as Uint8Array)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(rows[1]).toMatchObject({ id: 2n, big: null, amount: null, price: null, at: null, day: null, blob: null, ok: null, meta: null });
  });

  it('rolls over by size and commits only at states, resuming without duplicates', async () => {
    const config = { format: 'jsonl', file_size_mb: 0.01 };
    const seen: DestinationCommit[] = [];
    async function* firstAttempt(): AsyncGenerator<MessageBatch> {
      for (let from = 1; from <= 3000; from += 500) yield records(from, from + 499);
      yield [state(3000)];
      yield records(3001, 6000);
      throw new Error('worker killed');
    }
    await expect(run(config, catalogOf(), firstAttempt(), context('sync-1'), seen)).rejects.toThrow('worker killed');
    expect(seen).toHaveLength(1);
    const committedFiles = (seen[0].position as { streams: { users: { files: unknown[] } } }).streams.users.files.length;
    expect(committedFiles).toBeGreaterThan(1);

    await run(config, catalogOf(), feed([...records(3001, 6000), state(6000)]), context('sync-1', seen[0].position as JsonObject));
    const ids = await jsonlIds();
    expect(ids).toHaveLength(6000);
    expect(new Set(ids).size).toBe(6000);
    const onDisk = (await readdir(join(root, 'users'))).filter((name) => name.endsWith('.jsonl'));
    expect(onDisk.sort()).toEqual((await manifest()).files.map((f) => f.path.slice('users/'.length)).sort());
  });

  it('overwrite flips the manifest at the end and removes the previous generation; an interrupted one changes nothing', async () => {
    await run({ format: 'jsonl', compression: 'gzip' }, catalogOf('overwrite'), feed([...records(1, 5), state(5)]), context('sync-a'));
    expect((await manifest()).files.map((f) => f.path)).toEqual(['users/sync-a-00000.jsonl.gz']);

    async function* interrupted(): AsyncGenerator<MessageBatch> {
      yield [...records(10, 12), state(12)];
      throw new Error('worker killed');
    }
    await expect(run({ format: 'jsonl', compression: 'gzip' }, catalogOf('overwrite'), interrupted(), context('sync-b'))).rejects.toThrow('worker killed');
    const during = await manifest();
    expect(during.files.map((f) => f.path)).toEqual(['users/sync-a-00000.jsonl.gz']);
    const lines = gunzipSync(await readFile(join(root, during.files[0].path))).toString('utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2, 3, 4, 5]);

    await run({ format: 'jsonl', compression: 'gzip' }, catalogOf('overwrite'), feed([...records(20, 21), state(21)]), context('sync-c'));
    const after = await manifest();
    expect(after.files.map((f) => f.path)).toEqual(['users/sync-c-00000.jsonl.gz']);
    expect(after.generation).toBe(2);
    expect(after.obsolete).toEqual([]);
    expect((await readdir(join(root, 'users'))).filter((n) => n.startsWith('sync-a'))).toEqual([]);
  });

  it('writes partitions beside each other without touching the manifest, then publishes them as one generation, idempotently', async () => {
    const options = { format: 'jsonl' };
    await run(options, catalogOf('overwrite'), feed([...records(1, 3), state(3)]), context('sync-old'));
    const startedAt = '2026-01-01T00:00:00.000Z';
    const partition = (index: number, resume?: JsonObject): WriteContext => ({ ...context('sync-p', resume), partition: { index, startedAt } });
    // Partition 2 dies after a commit; its retry resumes there and rewrites only what came after.
    const seen: DestinationCommit[] = [];
    async function* dies(): AsyncGenerator<MessageBatch> {
      yield [...records(20, 24), state(24)];
      yield [...records(25, 26)];
      throw new Error('worker killed');
    }
    const [first] = await Promise.all([run(options, catalogOf('overwrite'), feed([...records(10, 14), state(14)]), partition(1)), run(options, catalogOf('overwrite'), dies(), partition(2), seen).catch(() => seen)]);
    const second = await run(options, catalogOf('overwrite'), feed([...records(25, 29), state(29)]), partition(2, seen[0]!.position));
    // Nothing is visible before the publish.
    expect((await manifest()).files.map((f) => f.path)).toEqual(['users/sync-old-00000.jsonl']);
    const partitions = [
      { index: 2, position: second.at(-1)!.position },
      { index: 1, position: first!.at(-1)!.position },
    ];
    const publish = () => publishFileStreams({ store: new LocalObjectStore(root), catalog: catalogOf('overwrite'), context: { logger: silent, signal: new AbortController().signal, syncId: 'sync-p', startedAt, partitions }, options: fileOutputOptions(options, TEMPLATE) });
    await publish();
    const published = await manifest();
    expect(published.files.map((f) => f.path)).toEqual(['users/sync-p-p1-00000.jsonl', 'users/sync-p-p2-00000.jsonl', 'users/sync-p-p2-00001.jsonl']);
    expect((await jsonlIds()).sort((a, b) => a - b)).toEqual([...records(10, 14), ...records(20, 29)].map((r) => r.record.data.id));
    expect(published.generation).toBe(2);
    expect((await readdir(join(root, 'users'))).filter((n) => n.startsWith('sync-old'))).toEqual([]);
    await publish();
    expect(await manifest()).toEqual({ ...published, updated_at: expect.any(String) });
  });

  it('writes CSV with a header and quoted fields', async () => {
    await run({ format: 'csv' }, catalogOf('append', { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } }), feed([record(1, { name: 'a, "b"\nc' }), state(1)]), context('sync-1'));
    const text = await readFile(join(root, 'users', 'sync-1-00000.csv'), 'utf8');
    const [header, first] = text.split('\r\n');
    expect(header).toBe('id,name,_tributary_raw_id,_tributary_extracted_at,_tributary_sync_id');
    expect(first).toMatch(/^1,"a, ""b""\nc",[0-9a-f-]{36},2025-05-02T09:14:03.120Z,sync-1$/);
  });

  it('offers binary COPY chunks for Parquet and writes their rows as it writes the same records', async () => {
    const accepted = new Map<string, readonly RecordChunkFormat[]>();
    const seen = await run(
      { format: 'parquet' },
      catalogOf(),
      feed([record(1, { name: 'record one', ok: false }), chunk([[2, 'Zoë 🚀', true], [9007199254740993n, null, false]]), state(2)], [chunk([[4, '', true]]), state(4)], [chunk([]), state(5)]),
      context('sync-1', undefined, accepted),
    );
    expect([...accepted]).toEqual([['users', ['postgres_copy_binary']]]);
    expect(seen.map((commit) => commit.stats.users?.records)).toEqual([3, 1, undefined, undefined]);
    const files = (await manifest()).files;
    expect(files.map((file) => file.records)).toEqual([3, 1]);
    const rows = (await Promise.all(files.map(async (file) => readParquetRows(await readFile(join(root, file.path)))))).flat();
    expect(rows.map(({ id, name, ok, big, _tributary_sync_id: syncId }) => ({ id, name, ok, big, syncId }))).toEqual([
      { id: 1n, name: 'record one', ok: false, big: null, syncId: 'sync-1' },
      { id: 2n, name: 'Zoë 🚀', ok: true, big: null, syncId: 'sync-1' },
      { id: 9007199254740993n, name: null, ok: false, big: null, syncId: 'sync-1' },
      { id: 4n, name: '', ok: true, big: null, syncId: 'sync-1' },
    ]);
    expect(new Set(rows.map((row) => row._tributary_raw_id)).size).toBe(4);
    for (const row of rows) {
      expect(row._tributary_raw_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row._tributary_extracted_at).toBe(EMITTED_AT);
    }
  });

  it('rolls Parquet parts over by size with chunks too', async () => {
    // Rows reach the file a batch (4 MiB) and a row group at a time: ~2 MiB chunks, 64 KiB row groups.
    const many = (from: number) => chunk(Array.from({ length: 1000 }, (_, i): [number, string, boolean] => [from + i, randomBytes(1000).toString('hex'), i % 2 === 0]));
    async function* source(): AsyncGenerator<MessageBatch> {
      for (let k = 0; k < 10; k++) {
        yield [many(k * 1000)];
        // A real source waits on its database: the file gets written meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      yield [state(10_000)];
    }
    await run({ format: 'parquet', file_size_mb: 0.05, row_group_size_mb: 0.0625 }, catalogOf(), source(), context('sync-1'));
    const files = (await manifest()).files;
    expect(files.length).toBeGreaterThan(1);
    expect(files.reduce((sum, file) => sum + file.records, 0)).toBe(10_000);
  });

  it('does not offer chunks for JSON Lines, nor for a schemaless Parquet stream, and still takes one sent anyway', async () => {
    const accepted = new Map<string, readonly RecordChunkFormat[]>();
    await run({ format: 'jsonl' }, catalogOf(), feed([chunk([[1, 'a', true]]), record(2), state(2)]), context('sync-1', undefined, accepted));
    expect(accepted.size).toBe(0);
    const lines = (await readFile(join(root, 'users', 'sync-1-00000.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ id, name, ok }) => ({ id, name, ok }))).toEqual([
      { id: 1, name: 'a', ok: true },
      { id: 2, name: 'user 2', ok: undefined },
    ]);

    await rm(root, { recursive: true, force: true });
    await run({ format: 'parquet' }, catalogOf('append', { type: 'object' }), feed([chunk([[3, 'b', false]]), state(3)]), context('sync-2', undefined, accepted));
    expect(accepted.size).toBe(0);
    const [file] = (await manifest()).files;
    const rows = readParquetRows(await readFile(join(root, file.path)));
    expect(rows.map((row) => row._tributary_data)).toEqual(['{"id":3,"name":"b","ok":false}']);
  });

  it('fails with the stream and column when a value does not fit its type', async () => {
    await expect(run({ format: 'parquet' }, catalogOf(), feed([record(1, { amount: 'lots' })]), context('sync-1'))).rejects.toThrow(
      'Stream "users", column "amount": expected a number, got "lots".',
    );
    expect((await readdir(join(root, 'users'))).filter((n) => !n.startsWith('_'))).toEqual([]);
  });
});
