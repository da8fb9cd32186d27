// The S3 destination against a real S3-compatible server (SeaweedFS, started for this file), its
// output read back by DuckDB: check reports each failure in words, every stream-schema type
// round-trips through Parquet, CSV and JSON Lines, an interrupted overwrite leaves the previous
// generation whole behind the manifest, a resumed sync writes every row exactly once, and large
// parts go through multipart uploads.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConnectorContext, type DestinationCommit, type MessageBatch, type WriteContext } from '@tributary/connector-sdk';
import type { Manifest } from '@tributary/connector-sdk/files';
import type { ConfiguredAirbyteCatalog, DestinationSyncMode, JsonObject, ProtocolMessage } from '@tributary/protocol';
import { duckdbQuery, sqlFileList } from '../../../tools/testing/duckdb-cli';
import { startS3Server, type S3TestServer } from '../../../tools/testing/s3-server';
import { S3Destination } from '../src';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const checkContext = (): ConnectorContext => ({ logger, signal: new AbortController().signal });
const context = (syncId: string, resumePosition?: JsonObject): WriteContext => ({ logger, signal: new AbortController().signal, syncId, ...(resumePosition ? { resumePosition } : {}) });

const EMITTED_AT = Date.UTC(2025, 4, 2, 9, 14, 3, 120);

/** One property per column type of the file layer (see column-plan.ts). */
const ALL_TYPES: JsonObject = {
  id: { type: 'integer' },
  big: { type: ['integer', 'null'] },
  price: { type: ['number', 'null'] },
  amount: { type: ['string', 'null'], precision: 38, scale: 9 },
  happened_at: { type: ['string', 'null'], format: 'date-time' },
  birthday: { type: ['string', 'null'], format: 'date' },
  name: { type: ['string', 'null'] },
  payload: { type: ['string', 'null'], contentEncoding: 'base64' },
  active: { type: ['boolean', 'null'] },
  doc: { type: ['object', 'null'] },
  tags: { type: ['array', 'null'] },
};

const FULL_ROW = {
  id: 1,
  big: '9223372036854775807',
  price: 3.141592653589793,
  amount: '12345678901234567890123456789.123456789',
  happened_at: '2024-03-10T01:59:59.123456-08:00',
  birthday: '1969-07-20',
  name: 'Zoë 🚀 日本語, "quoted"\nsecond line',
  payload: Buffer.from([0, 255, 1, 2, 128]).toString('base64'),
  active: true,
  doc: { a: [1, { b: null }], ü: 'x' },
  tags: ['x', 'y'],
};
const MIN_ROW = { id: 2, big: '-9223372036854775808', price: -0.5, amount: '-0.000000001', happened_at: '1900-01-01T00:00:00Z', birthday: '2262-04-11', name: '', payload: '', active: false, doc: {}, tags: [] };
const NULL_ROW = { id: 3, big: null, price: null, amount: null, happened_at: null, birthday: null, name: null, payload: null, active: null, doc: null, tags: null };

function catalogOf(...streams: { name: string; mode?: DestinationSyncMode; properties?: JsonObject; namespace?: string }[]): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map(({ name, mode, properties, namespace }) => ({
      stream: { name, ...(namespace ? { namespace } : {}), json_schema: { type: 'object', properties: properties ?? { id: { type: 'integer' }, note: { type: 'string' } } }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: mode ?? 'append',
    })),
  };
}

const record = (stream: string, data: Record<string, unknown>, namespace?: string): ProtocolMessage => ({
  type: 'RECORD',
  record: { stream, ...(namespace ? { namespace } : {}), data, emitted_at: EMITTED_AT },
});
const state = (stream: string, n: number, namespace?: string): ProtocolMessage => ({
  type: 'STATE',
  state: { type: 'STREAM', stream: { stream_descriptor: { name: stream, ...(namespace ? { namespace } : {}) }, stream_state: { n } } },
});

/** Rows from..to with a state after every `every` rows. */
function numbered(stream: string, from: number, to: number, every: number, namespace?: string): ProtocolMessage[] {
  const out: ProtocolMessage[] = [];
  for (let i = from; i <= to; i++) {
    out.push(record(stream, { id: i, note: `row ${i}` }, namespace));
    if ((i - from + 1) % every === 0) out.push(state(stream, i, namespace));
  }
  return out;
}

async function* batches(messages: ProtocolMessage[], size = 100): AsyncGenerator<MessageBatch> {
  for (let i = 0; i < messages.length; i += size) yield messages.slice(i, i + size);
}

async function collect(commits: AsyncIterable<DestinationCommit>, into: DestinationCommit[] = []): Promise<DestinationCommit[]> {
  for await (const commit of commits) into.push(commit);
  return into;
}

describe('S3 destination (SeaweedFS)', () => {
  let s3: S3TestServer;
  let bucket: string;
  let work: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    bucket = await s3.createBucket();
    work = await mkdtemp(join(tmpdir(), 'tributary-s3-test-'));
  });

  afterAll(async () => {
    await s3?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  const configOf = (prefix: string, extra: JsonObject = {}): JsonObject => ({
    bucket,
    prefix,
    endpoint: s3.endpoint,
    access_key_id: s3.credentials.accessKeyId,
    secret_access_key: s3.credentials.secretAccessKey,
    commit_interval_seconds: 0,
    ...extra,
  });

  const write = (config: JsonObject, catalog: ConfiguredAirbyteCatalog, messages: ProtocolMessage[] | AsyncIterable<MessageBatch>, ctx: WriteContext, into?: DestinationCommit[]) =>
    collect(new S3Destination().write(config, catalog, Array.isArray(messages) ? batches(messages) : messages, ctx), into);

  async function manifestOf(prefix: string, streamRoot: string): Promise<Manifest> {
    const bytes = await s3.getObject(bucket, `${prefix}/${streamRoot}/_tributary/manifest.json`);
    if (!bytes) throw new Error(`no manifest under ${prefix}/${streamRoot}`);
    return JSON.parse(bytes.toString('utf8')) as Manifest;
  }

  /** Downloads the files the manifest lists (what a manifest-aware reader reads) and returns their local paths. */
  async function downloadListed(prefix: string, streamRoot: string): Promise<string[]> {
    const manifest = await manifestOf(prefix, streamRoot);
    const dir = await mkdtemp(join(work, 'download-'));
    return Promise.all(
      manifest.files.map(async (file, index) => {
        const bytes = await s3.getObject(bucket, `${prefix}/${file.path}`);
        if (!bytes) throw new Error(`the manifest lists ${file.path}, which is missing`);
        const local = join(dir, `${index}-${file.path.split('/').pop()}`);
        await writeFile(local, bytes);
        return local;
      }),
    );
  }

  describe('check', () => {
    it('succeeds with write and delete permission, and leaves nothing behind', async () => {
      await expect(new S3Destination().check(configOf('checked/here'), checkContext())).resolves.toEqual({ status: 'SUCCEEDED' });
      expect(await s3.listKeys(bucket, 'checked/')).toEqual([]);
    });

    it.each([
      ['a missing bucket', () => ({ bucket: 'no-such-bucket-here' }), /Cannot write s3:\/\/no-such-bucket-here\/p\/_tributary\/check-.*: the bucket does not exist \(NoSuchBucket\)\./],
      ['read-only credentials', () => ({ access_key_id: s3.readOnlyCredentials.accessKeyId, secret_access_key: s3.readOnlyCredentials.secretAccessKey }), /Cannot write .*: access denied: the credentials lack permission on this bucket or prefix \(AccessDenied\)\./],
      ['a wrong secret', () => ({ secret_access_key: 'not-the-secret' }), /the secret access key does not match the access key id \(SignatureDoesNotMatch\)/],
      ['an unknown access key', () => ({ access_key_id: 'AKNOBODY' }), /the access key id is not known to the server \(InvalidAccessKeyId\)/],
      ['an unreachable endpoint', () => ({ endpoint: 'http://127.0.0.1:9' }), /Cannot write .*: the endpoint is unreachable: connection refused \(ECONNREFUSED\)\./],
      ['a config that breaks the spec', () => ({ bucket: undefined, format: 'xml' }), /Invalid S3 destination configuration: .*bucket.*format/s],
      ['a compression that does not fit the format', () => ({ format: 'csv', compression: 'zstd' }), /compression "zstd" does not apply to csv/],
    ])('reports %s in words, without throwing', async (_what, override, message) => {
      const config = { ...configOf('p'), ...override() } as JsonObject;
      for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
      const status = await new S3Destination().check(config, checkContext());
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(message);
    });
  });

  describe('types', () => {
    const catalog = () => catalogOf({ name: 'typed', properties: ALL_TYPES });
    const rows = [FULL_ROW, MIN_ROW, NULL_ROW];

    it.each(['snappy', 'zstd'])('round-trips every type through Parquet (%s), typed as the schema says', async (compression) => {
      const prefix = `types-parquet-${compression}`;
      await write(configOf(prefix, { format: 'parquet', compression }), catalog(), [...rows.map((r) => record('typed', r)), state('typed', 3)], context('sync-types'));
      const files = await downloadListed(prefix, 'typed');
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\.parquet$/);
      const from = `read_parquet(${sqlFileList(files)})`;

      const types = Object.fromEntries((await duckdbQuery<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${from}`)).map((c) => [c.column_name, c.column_type]));
      expect(types).toEqual({
        id: 'BIGINT',
        big: 'BIGINT',
        price: 'DOUBLE',
        amount: 'DECIMAL(38,9)',
        happened_at: 'TIMESTAMP WITH TIME ZONE',
        birthday: 'DATE',
        name: 'VARCHAR',
        payload: 'BLOB',
        active: 'BOOLEAN',
        doc: expect.stringMatching(/^(VARCHAR|JSON)$/),
        tags: expect.stringMatching(/^(VARCHAR|JSON)$/),
        _tributary_raw_id: 'VARCHAR',
        _tributary_extracted_at: 'TIMESTAMP WITH TIME ZONE',
        _tributary_sync_id: 'VARCHAR',
      });

      const read = await duckdbQuery(
        `SELECT id, big::VARCHAR AS big, price, amount::VARCHAR AS amount, epoch_us(happened_at)::VARCHAR AS at_us, birthday::VARCHAR AS birthday, name, to_base64(payload) AS payload, active, doc::VARCHAR AS doc, tags::VARCHAR AS tags,
                epoch_ms(_tributary_extracted_at) AS extracted_ms, _tributary_sync_id AS sync_id, length(_tributary_raw_id) AS raw_id_length
         FROM ${from} ORDER BY id`,
      );
      expect(read).toEqual([
        {
          id: 1,
          big: '9223372036854775807',
          price: 3.141592653589793,
          amount: '12345678901234567890123456789.123456789',
          at_us: String(Date.UTC(2024, 2, 10, 9, 59, 59) * 1000 + 123456),
          birthday: '1969-07-20',
          name: FULL_ROW.name,
          payload: FULL_ROW.payload,
          active: true,
          doc: JSON.stringify(FULL_ROW.doc),
          tags: JSON.stringify(FULL_ROW.tags),
          extracted_ms: EMITTED_AT,
          sync_id: 'sync-types',
          raw_id_length: 36,
        },
        {
          id: 2,
          big: '-9223372036854775808',
          price: -0.5,
          amount: '-0.000000001',
          at_us: String(Date.UTC(1900, 0, 1) * 1000),
          birthday: '2262-04-11',
          name: '',
          payload: '',
          active: false,
          doc: '{}',
          tags: '[]',
          extracted_ms: EMITTED_AT,
          sync_id: 'sync-types',
          raw_id_length: 36,
        },
        { id: 3, big: null, price: null, amount: null, at_us: null, birthday: null, name: null, payload: null, active: null, doc: null, tags: null, extracted_ms: EMITTED_AT, sync_id: 'sync-types', raw_id_length: 36 },
      ]);
    });

    it('round-trips every type through gzipped CSV as text DuckDB parses back', async () => {
      const prefix = 'types-csv';
      await write(configOf(prefix, { format: 'csv', compression: 'gzip' }), catalog(), [...rows.map((r) => record('typed', r)), state('typed', 3)], context('sync-types'));
      const files = await downloadListed(prefix, 'typed');
      expect(files[0]).toMatch(/\.csv\.gz$/);
      const read = await duckdbQuery(`SELECT id, big, price, amount, happened_at, birthday, name, payload, active, doc, tags FROM read_csv(${sqlFileList(files)}, header = true, all_varchar = true) ORDER BY id::INT`);
      expect(read[0]).toEqual({
        id: '1',
        big: '9223372036854775807',
        price: '3.141592653589793',
        amount: '12345678901234567890123456789.123456789',
        happened_at: '2024-03-10T01:59:59.123456-08:00',
        birthday: '1969-07-20',
        name: FULL_ROW.name,
        payload: FULL_ROW.payload,
        active: 'true',
        doc: JSON.stringify(FULL_ROW.doc),
        tags: JSON.stringify(FULL_ROW.tags),
      });
      expect(read[2]).toEqual({ id: '3', big: null, price: null, amount: null, happened_at: null, birthday: null, name: null, payload: null, active: null, doc: null, tags: null });
    });

    it('round-trips every value through JSON Lines unchanged', async () => {
      const prefix = 'types-jsonl';
      await write(configOf(prefix, { format: 'jsonl' }), catalog(), [...rows.map((r) => record('typed', r)), state('typed', 3)], context('sync-types'));
      const files = await downloadListed(prefix, 'typed');
      expect(files[0]).toMatch(/\.jsonl$/);
      const read = await duckdbQuery<{ line: string }>(`SELECT json::VARCHAR AS line FROM read_json_objects(${sqlFileList(files)}, format = 'newline_delimited')`);
      const parsed = read.map((r) => JSON.parse(r.line) as Record<string, unknown>);
      expect(parsed.map(({ _tributary_raw_id: _r, _tributary_extracted_at: _e, _tributary_sync_id: _s, ...data }) => data)).toEqual(rows);
    });
  });

  describe('atomicity and idempotency', () => {
    it('an overwrite interrupted halfway leaves the previous generation whole behind the manifest; its retry replaces it', async () => {
      const prefix = 'overwrite';
      const catalog = catalogOf({ name: 'users', mode: 'overwrite' });
      const config = configOf(prefix, { format: 'parquet' });
      await write(config, catalog, numbered('users', 1, 30, 10), context('sync-a'));
      const first = await manifestOf(prefix, 'users');
      expect(first.generation).toBe(1);
      expect(first.files.map((f) => f.records)).toEqual([10, 10, 10]);

      // sync-b writes two checkpoints of a new generation, then its worker dies.
      async function* interrupted(): AsyncGenerator<MessageBatch> {
        yield numbered('users', 101, 120, 10);
        yield [record('users', { id: 121, note: 'never committed' })];
        throw new Error('worker killed');
      }
      const seen: DestinationCommit[] = [];
      await expect(write(config, catalog, interrupted(), context('sync-b'), seen)).rejects.toThrow('worker killed');
      expect(seen).toHaveLength(2);

      const during = await manifestOf(prefix, 'users');
      expect(during.generation).toBe(1);
      expect(during.files).toEqual(first.files);
      expect(Object.keys(during.pending)).toEqual(['sync-b']);
      const keys = await s3.listKeys(bucket, `${prefix}/users/`);
      expect(keys.filter((k) => k.includes('sync-b-'))).toHaveLength(2); // written, but not listed
      const previous = await duckdbQuery<{ n: number; lo: number; hi: number }>(`SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM read_parquet(${sqlFileList(await downloadListed(prefix, 'users'))})`);
      expect(previous).toEqual([{ n: 30, lo: 1, hi: 30 }]);

      // The retry resumes from the last commit the platform recorded (the first one).
      await write(config, catalog, numbered('users', 111, 125, 5), context('sync-b', seen[0].position));
      const after = await manifestOf(prefix, 'users');
      expect(after.generation).toBe(2);
      expect(after.pending).toEqual({});
      expect(after.obsolete).toEqual([]);
      expect(after.files.every((f) => f.sync_id === 'sync-b')).toBe(true);
      const rowsNow = await duckdbQuery<{ n: number; ids: number; lo: number; hi: number }>(
        `SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi FROM read_parquet(${sqlFileList(await downloadListed(prefix, 'users'))})`,
      );
      expect(rowsNow).toEqual([{ n: 25, ids: 25, lo: 101, hi: 125 }]);
      // The previous generation is gone from the bucket, and so is the part the retry rewrote.
      const left = await s3.listKeys(bucket, `${prefix}/users/`);
      expect(left.filter((k) => k.includes('sync-a-'))).toEqual([]);
      expect(left.filter((k) => !k.endsWith('manifest.json')).sort()).toEqual(after.files.map((f) => `${prefix}/${f.path}`).sort());
    });

    it('a resumed append sync writes every row exactly once, in date-partitioned paths', async () => {
      const prefix = 'resume';
      const catalog = catalogOf({ name: 'events', namespace: 'shop' });
      const config = configOf(prefix, { format: 'jsonl', compression: 'gzip' });
      async function* firstAttempt(): AsyncGenerator<MessageBatch> {
        yield numbered('events', 1, 40, 20, 'shop');
        yield numbered('events', 41, 50, 100, 'shop');
        throw new Error('worker killed');
      }
      const seen: DestinationCommit[] = [];
      await expect(write(config, catalog, firstAttempt(), context('sync-r'), seen)).rejects.toThrow('worker killed');
      expect(seen).toHaveLength(2);
      // Only the first commit reached the platform: the second part must not survive.
      await write(config, catalog, numbered('events', 21, 60, 20, 'shop'), context('sync-r', seen[0].position));

      const manifest = await manifestOf(prefix, 'shop/events');
      expect(manifest.files.map((f) => f.path)).toEqual([0, 1, 2].map((part) => expect.stringMatching(new RegExp(`^shop/events/\\d{4}/\\d{2}/\\d{2}/sync-r-0000${part}\\.jsonl\\.gz$`))));
      const files = await downloadListed(prefix, 'shop/events');
      const read = await duckdbQuery<{ n: number; ids: number; lo: number; hi: number }>(
        `SELECT count(*) AS n, count(DISTINCT id) AS ids, min(id) AS lo, max(id) AS hi FROM read_json(${sqlFileList(files)}, format = 'newline_delimited')`,
      );
      expect(read).toEqual([{ n: 60, ids: 60, lo: 1, hi: 60 }]);
      const keys = (await s3.listKeys(bucket, `${prefix}/`)).filter((k) => !k.endsWith('manifest.json'));
      expect(keys).toHaveLength(3);
    });

    it('streams a part larger than the upload part size through a multipart upload', async () => {
      const prefix = 'multipart';
      const padding = 'x'.repeat(1000);
      const messages: ProtocolMessage[] = [];
      for (let i = 1; i <= 12_000; i++) messages.push(record('wide', { id: i, note: padding }));
      messages.push(state('wide', 12_000));
      await write(configOf(prefix, { format: 'csv' }), catalogOf({ name: 'wide' }), messages, context('sync-m'));
      const manifest = await manifestOf(prefix, 'wide');
      expect(manifest.files).toHaveLength(1);
      expect(manifest.files[0].bytes).toBeGreaterThan(10 << 20);
      const read = await duckdbQuery<{ n: number; ids: number }>(`SELECT count(*) AS n, count(DISTINCT id) AS ids FROM read_csv(${sqlFileList(await downloadListed(prefix, 'wide'))}, header = true)`);
      expect(read).toEqual([{ n: 12_000, ids: 12_000 }]);
    });
  });

  describe('clear', () => {
    const clear = (config: JsonObject, catalog: ConfiguredAirbyteCatalog) => new S3Destination().clear(config, catalog.streams, checkContext());

    it('removes every object of the streams — parts of all syncs, unlisted parts, the manifest — and leaves other streams', async () => {
      const prefix = 'clearing';
      const config = configOf(prefix, { format: 'jsonl' });
      const orders = catalogOf({ name: 'orders', namespace: 'shop', mode: 'overwrite' });
      const both = catalogOf({ name: 'orders', namespace: 'shop', mode: 'overwrite' }, { name: 'users', namespace: 'shop' }, { name: 'shop' });
      const input = () => [...numbered('orders', 1, 4, 2, 'shop'), ...numbered('users', 1, 2, 2, 'shop'), ...numbered('shop', 1, 2, 2)];
      await write(config, both, input(), context('sync-1'));
      await write(config, both, input(), context('sync-2'));
      // An overwrite that died after its first commit: its part is listed in no manifest yet.
      for await (const commit of new S3Destination().write(config, orders, batches(numbered('orders', 1, 4, 2, 'shop'), 3), context('sync-3'))) {
        void commit;
        break;
      }
      const under = (root: string) => s3.listKeys(bucket, `${prefix}/${root}/`);
      expect((await under('shop/orders')).filter((k) => k.includes('sync-3'))).toHaveLength(1);

      // `shop` (no namespace) holds the folders of shop.orders and shop.users: only its own objects go.
      await clear(config, catalogOf({ name: 'shop' }));
      const left = await under('shop');
      expect(left.filter((k) => !k.startsWith(`${prefix}/shop/orders/`) && !k.startsWith(`${prefix}/shop/users/`))).toEqual([]);
      expect(left).toContain(`${prefix}/shop/orders/_tributary/manifest.json`);

      await clear(config, orders);
      expect(await under('shop/orders')).toEqual([]);
      expect(await under('shop/users')).toEqual(expect.arrayContaining([`${prefix}/shop/users/_tributary/manifest.json`]));

      // Clearing again is a no-op; the next sync starts from nothing.
      await clear(config, orders);
      await write(config, orders, numbered('orders', 7, 8, 2, 'shop'), context('sync-4'));
      const manifest = await manifestOf(prefix, 'shop/orders');
      expect(manifest.files.map((f) => f.sync_id)).toEqual(['sync-4']);
      expect((await under('shop/orders')).filter((k) => !k.endsWith('manifest.json'))).toHaveLength(1);
    });
  });
});
