// The Parquet writer's two ways in must write the same file: one table of every type the
// PostgreSQL source maps (edge values, NULLs, a few thousand generated rows) is read by the real
// source twice — as RECORDs, and as binary COPY chunks (the file loop accepting them) — and written
// through writeFileStreams; DuckDB, which shares no code with us, then reads both files back and
// they must hold the same schema and the same values, row for row. Values the record path refuses
// (infinite or BC timestamps, NaN in a decimal column) must fail the same way on both.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'pg';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, JsonObject, ProtocolMessage, RecordChunkFormat } from '@tributary/protocol';
import type { DestinationCommit, ReadContext, Source, WriteContext } from '../src/connector';
import { fileOutputOptions } from '../src/files/file-output.options';
import { writeFileStreams } from '../src/files/file-streams.writer';
import { LocalObjectStore } from '../src/files/local-object-store';
import { duckdbQuery, sqlFileList } from '../../../tools/testing/duckdb-cli';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing';
import { connect } from './binary-copy.support';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** source-postgres, loaded at run time (beforeAll): connectors may not import one another (see binary-copy.support.ts). */
let PostgresSource: new () => Source;
function postgresSource(): Source {
  return new PostgresSource();
}

const TABLE_SQL = `
  CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
  CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
  CREATE TABLE everything (
    id bigint PRIMARY KEY, small smallint, int integer, big bigint, positive positive, object oid,
    amount numeric(12,2), wide_amount numeric(38,9), free numeric, r real, d double precision, flag boolean,
    t text, vc varchar(10), c char(3), n name, u uuid, day date, tm time, tmz timetz, ts timestamp, tsz timestamptz,
    iv interval, j json, jb jsonb, bin bytea, ints integer[], texts text[], floats double precision[], docs jsonb[],
    m mood);
  INSERT INTO everything VALUES
    (1, -32768, 2147483647, 9007199254740993, 5, 4294967295, -9999999999.99, '12345678901234567890123456789.123456789',
     '0.1000000000000000000001', '0.1', '0.1', true, E'tab\\there\\nnewline \\\\ back "quoted" \\x01 Zoë 🚀', 'varchar', 'ab', 'a_name',
     'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '0099-06-15', '24:00:00', '12:34:56.789-03:30', '1600-01-01 00:00:00.000001',
     '2262-04-11 23:47:16.854775+00', '-1 year -2 mons +3 days -04:05:06.5', '{"b": 1, "a": [1.0, 2e3, "x\\u00e9"], "a": 3}',
     '{"a": 1.50, "10": 2, "b": [1e2, -0, 12345678901234567890], "s": "q\\"\\\\\\n\\u0001"}', '\\x00ff10',
     '[0:2]={1,NULL,3}', '{"a b","NULL",NULL,"q\\"x",""}', '{0.1,NaN,-Infinity}', ARRAY['{"k": 1.0}'::jsonb, 'null', NULL], 'happy'),
    (2, 0, -2147483648, -9223372036854775808, 1, 0, 0, '-0.000000001', 'NaN', '-0', '-Infinity', false, '', '', '', '',
     '00000000-0000-0000-0000-000000000000', '1970-01-01', '00:00', '00:00:00+14', '1999-12-31 23:59:59.999999',
     '1969-12-31 23:59:59.5+00', '0', 'null', 'null', '', '{}', '{}', '{}', '{}', 'sad'),
    (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  INSERT INTO everything
  SELECT i, (hashint8extended(i, 1) % 32000)::smallint, (hashint8extended(i, 2) % 2000000000)::integer, hashint8extended(i, 3),
         1 + i % 100, i, (hashint8extended(i, 4) % 100000000000)::numeric / 100, hashint8extended(i, 5)::numeric / 1000000000,
         hashint8extended(i, 6)::numeric / 7, (hashint8extended(i, 7) % 100000 / 7.0)::real, hashint8extended(i, 8) / 3.0e9,
         i % 3 = 0, md5(i::text) || repeat('é', i % 7), 'v' || i % 1000, chr(65 + i % 26), 'n' || i, md5('u' || i)::uuid,
         date '2000-01-01' + (hashint8extended(i, 9) % 20000)::integer, time '00:00' + (abs(hashint8extended(i, 10)) % 86400000000) * interval '1 microsecond',
         (time '00:00' + (abs(hashint8extended(i, 11)) % 86400) * interval '1 second')::timetz,
         timestamp '2000-01-01' + hashint8extended(i, 12) % 1576800000000000 * interval '1 microsecond',
         timestamptz '2020-01-01 00:00:00+00' + hashint8extended(i, 13) % 157680000 * interval '1 second',
         make_interval(days => (hashint8extended(i, 14) % 400)::integer, secs => (hashint8extended(i, 15) % 86400)::integer),
         ('{"i": ' || i || ', "x": ' || (hashint8extended(i, 16) % 100000) / 100.0 || '}')::json,
         ('{"i": ' || i || ', "tags": ["' || md5(i::text) || '"], "price": ' || (hashint8extended(i, 17) % 100000) / 100.0 || '}')::jsonb,
         decode(md5(i::text), 'hex'), ARRAY[i, -i], ARRAY[md5(i::text), NULL], ARRAY[i / 3.0], ARRAY[('{"n": ' || i || '}')::jsonb],
         (ARRAY['sad', 'ok', 'happy']::mood[])[1 + i % 3]
  FROM generate_series(4, 6000) AS i;
  UPDATE everything SET t = NULL, jb = NULL, ints = NULL WHERE id % 10 = 0;
`;

describe('Parquet from binary COPY chunks', () => {
  let db: TestDatabase;
  let client: Client;
  let config: JsonObject;
  let catalog: AirbyteCatalog;
  let root: string;
  /** Chunk messages of the last sync (also when it failed). */
  let chunkMessages = 0;

  beforeAll(async () => {
    ({ PostgresSource } = (await import(join(__dirname, '../../../connectors/source-postgres/src'))) as { PostgresSource: new () => Source });
    db = await createTestDatabase('tributary_pqchunks');
    client = await connect(db.url);
    await client.query(TABLE_SQL);
    const url = new URL(db.url);
    config = { host: url.hostname, port: Number(url.port || 5432), database: url.pathname.slice(1), username: decodeURIComponent(url.username), ...(url.password ? { password: decodeURIComponent(url.password) } : {}), schemas: ['public'] };
    catalog = await postgresSource().discover(config, { logger, signal: new AbortController().signal });
    root = await mkdtemp(join(tmpdir(), 'tributary-pqchunks-'));
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Reads `table` with the real source and writes it as Parquet; how many chunk messages went by. */
  async function sync(table: string, directory: string, chunks: boolean): Promise<{ chunks: number; commits: DestinationCommit[] }> {
    const stream = catalog.streams.find((s) => s.name === table)!;
    const configured: ConfiguredAirbyteCatalog = { streams: [{ stream, sync_mode: 'full_refresh', destination_sync_mode: 'overwrite' }] };
    const accepted = new Map<string, readonly RecordChunkFormat[]>();
    const signal = new AbortController().signal;
    const readContext: ReadContext = { logger, signal, recordChunks: { formats: (key) => accepted.get(key) ?? [] } };
    chunkMessages = 0;
    const input = (async function* () {
      for await (const batch of postgresSource().read(config, configured, [], readContext)) {
        chunkMessages += batch.filter((message: ProtocolMessage) => message.type === 'RECORD_CHUNK').length;
        yield batch;
      }
    })();
    const writeContext: WriteContext = { logger, signal, syncId: 'equality', ...(chunks ? { acceptRecordChunks: (key, formats) => accepted.set(key, formats) } : {}) };
    const options = fileOutputOptions({ format: 'parquet', row_group_size_mb: 0.5 }, '{stream}/{sync_id}-{part}.{ext}');
    const commits: DestinationCommit[] = [];
    for await (const commit of writeFileStreams({ store: new LocalObjectStore(directory), catalog: configured, input, context: writeContext, options })) commits.push(commit);
    return { chunks: chunkMessages, commits };
  }

  async function parquetFiles(directory: string, table: string): Promise<string[]> {
    return (await readdir(join(directory, table))).filter((name) => name.endsWith('.parquet')).map((name) => join(directory, table, name));
  }

  it('writes the same schema and values from chunks as from records', async () => {
    const viaRecords = join(root, 'records');
    const viaChunks = join(root, 'chunks');
    const records = await sync('everything', viaRecords, false);
    const chunks = await sync('everything', viaChunks, true);
    expect(records.chunks).toBe(0);
    expect(chunks.chunks).toBeGreaterThan(0);
    const counted = (commits: DestinationCommit[]) => commits.reduce((sum, commit) => sum + (commit.stats['public.everything']?.records ?? 0), 0);
    expect(counted(chunks.commits)).toBe(6000);
    expect(counted(records.commits)).toBe(6000);

    const from = async (directory: string) => `read_parquet(${sqlFileList(await parquetFiles(directory, 'everything'))})`;
    const describe = async (directory: string) => duckdbQuery(`DESCRIBE SELECT * FROM ${await from(directory)}`);
    expect(await describe(viaChunks)).toEqual(await describe(viaRecords));
    // Every value as DuckDB prints it (VARCHAR: no rounding through JSON numbers); the row id and
    // the extraction time differ by nature.
    const rows = async (directory: string) =>
      duckdbQuery(`SELECT COLUMNS(* EXCLUDE (_tributary_raw_id, _tributary_extracted_at))::VARCHAR FROM ${await from(directory)} ORDER BY id::BIGINT`);
    const [expected, actual] = [await rows(viaRecords), await rows(viaChunks)];
    expect(actual).toHaveLength(6000);
    // A few values of the first row, to be sure the comparison compares something.
    expect(actual[0]).toMatchObject({ id: '1', big: '9007199254740993', amount: '-9999999999.99', wide_amount: '12345678901234567890123456789.123456789', r: '0.1', tm: '24:00:00' });
    expect(actual[0]).toMatchObject({ day: '0099-06-15', ts: '1600-01-01 00:00:00.000001+00', iv: 'P-1Y-2M3DT-4H-5M-6.5S', j: '{"b":1,"a":3}', ints: '[1,null,3]', m: 'happy' });
    for (let i = 0; i < expected.length; i++) expect({ i, row: actual[i] }).toEqual({ i, row: expected[i] });
    const ids = await duckdbQuery<{ ids: number }>(`SELECT count(DISTINCT _tributary_raw_id)::INT AS ids FROM ${await from(viaChunks)}`);
    expect(ids).toEqual([{ ids: 6000 }]);
  });

  it.each([
    ['an infinite timestamp', 'ts timestamp', "'infinity'"],
    ['a BC timestamp', 'tsz timestamptz', "'0044-03-15 12:00:00+00 BC'"],
    ['an infinite date', 'day date', "'-infinity'"],
    ['NaN in a decimal column', 'amount numeric(12,2)', "'NaN'"],
  ])('fails on %s as the record path does', async (_what, column, value) => {
    const table = `refused_${column.split(' ')[0]}`;
    await client.query(`CREATE TABLE ${table} (id int PRIMARY KEY, ${column}); INSERT INTO ${table} VALUES (1, ${value})`);
    catalog = await postgresSource().discover(config, { logger, signal: new AbortController().signal });
    const failure = async (chunks: boolean) => {
      try {
        await sync(table, join(root, `${table}-${chunks}`), chunks);
        return 'no failure';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const viaRecords = await failure(false);
    expect(viaRecords).toMatch(/^Stream "public\.refused_\w+", column "\w+": expected/);
    expect(await failure(true)).toBe(viaRecords);
    expect(chunkMessages).toBe(1);
  });
});
