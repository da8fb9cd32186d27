// Raw COPY output against a real server: the compacting COPY-out stream gives exactly the bytes
// PostgreSQL prints (checked against pg-copy-streams), survives notices between rows and errors in
// the middle, and leaves the connection usable; the row splitters cut text and binary output at
// row boundaries whatever the chunking; the source emits chunks only when they are offered.
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { ReadContext } from '@tributary/connector-sdk';
import type { ConfiguredAirbyteStream, JsonObject, ProtocolMessage, RecordChunkMessage, RecordChunkFormat, StateMessage } from '@tributary/protocol';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing';
import { PostgresSource } from '../src';
import { BinaryTupleSplitter, TextRowSplitter } from '../src/copy-text.parser';
import { copyOut } from '../src/copy-out.stream';

async function collect(stream: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

describe('raw COPY output', () => {
  let db: TestDatabase;
  let sql: Client;

  /** The source's config for the test database. */
  const sourceConfig = (checkpointRows: number): JsonObject => {
    const u = new URL(db.url);
    return { host: u.hostname, port: Number(u.port || 5432), database: u.pathname.slice(1), username: decodeURIComponent(u.username), ...(u.password ? { password: decodeURIComponent(u.password) } : {}), schemas: ['public'], checkpoint_rows: checkpointRows };
  };

  beforeAll(async () => {
    db = await createTestDatabase('tributary_spg_chunks');
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(`
      CREATE TABLE t (id int PRIMARY KEY, name text, payload text, n numeric, b bytea);
      INSERT INTO t SELECT i, E'tab\\there\\nnew line ' || chr(233) || i, CASE WHEN i % 97 = 0 THEN repeat('x', 200000) ELSE md5(i::text) END, CASE WHEN i % 10 = 0 THEN NULL ELSE i * 1.5 END, decode(md5(i::text), 'hex')
      FROM generate_series(1, 5000) i;
      CREATE TABLE p AS SELECT i AS id, md5(i::text) AS a, md5((2 * i)::text) AS b FROM generate_series(1, 60000) i;
      CREATE FUNCTION noisy(i int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN IF i % 100 = 0 THEN RAISE NOTICE 'row %', i; END IF; RETURN i; END $$;
    `);
  });

  afterAll(async () => {
    await sql?.end();
    await db?.drop();
  });

  it.each(['', ' (FORMAT binary)'])('gives exactly the bytes pg-copy-streams gives%s', async (format) => {
    const query = `COPY (SELECT * FROM t ORDER BY id) TO STDOUT${format}`;
    const expected = await collect(sql.query(copyTo(query)) as unknown as AsyncIterable<Buffer>);
    const actual = await collect(sql.query(copyOut(query)));
    expect(actual.length).toBeGreaterThan(1_000_000);
    expect(actual.equals(expected)).toBe(true);
    expect((await sql.query('SELECT count(*)::int AS n FROM t')).rows[0].n).toBe(5000);
  });

  it('ends its slices on row boundaries: a cut row is completed in the room its chunk\'s squeezed headers left', async () => {
    const slices: Buffer[] = [];
    for await (const slice of sql.query(copyOut('COPY (SELECT * FROM p ORDER BY id) TO STDOUT'))) slices.push(Buffer.from(slice as Buffer));
    // ~4.6 MB in socket reads of up to 64 KB. A read too short to have room for the rest of its cut
    // row (fewer than ~15 rows of ~75 bytes) may still end mid-row, so not every slice must; without
    // the completion, a slice ends on a row boundary only by chance (about one in 75).
    expect(slices.length).toBeGreaterThan(20);
    const whole = slices.filter((slice) => slice[slice.length - 1] === 0x0a).length;
    expect(whole / slices.length).toBeGreaterThan(0.8);
    // Every byte where it belongs: a row's rest copied to the wrong place would show here.
    const md5 = (n: number) => createHash('md5').update(String(n)).digest('hex');
    const expected = Array.from({ length: 60_000 }, (_, i) => `${i + 1}\t${md5(i + 1)}\t${md5(2 * (i + 1))}\n`).join('');
    expect(Buffer.concat(slices).toString('utf8') === expected).toBe(true);
  });

  it('skips notices sent between rows', async () => {
    const actual = (await collect(sql.query(copyOut('COPY (SELECT noisy(i) FROM generate_series(1, 1000) i) TO STDOUT')))).toString('utf8');
    expect(actual).toBe(Array.from({ length: 1000 }, (_, i) => `${i + 1}\n`).join(''));
  });

  it('fails with the server error when a query fails midway, and the connection stays usable', async () => {
    const stream = sql.query(copyOut('COPY (SELECT 1 / (i - 3000) FROM generate_series(1, 5000) i) TO STDOUT'));
    await expect(collect(stream)).rejects.toThrow(/division by zero/);
    expect((await sql.query('SELECT 42 AS answer')).rows[0].answer).toBe(42);
  });

  it.each([
    ['text', '', () => new TextRowSplitter()],
    ['binary', ' (FORMAT binary)', () => new BinaryTupleSplitter()],
  ] as const)('cuts %s output at row boundaries, however it is chunked', async (_name, format, splitter) => {
    // Tiny slices (even inside the header) over short rows; larger ones over rows of 200 kB too.
    for (const [size, where, count] of [[5, 'id <= 2000 AND id % 97 <> 0', 1980], [4096, 'true', 5000], [65536, 'true', 5000]] as const) {
      const whole = await collect(sql.query(copyOut(`COPY (SELECT * FROM t WHERE ${where} ORDER BY id) TO STDOUT${format}`)));
      const cut = splitter();
      const parts: Buffer[] = [];
      let rows = 0;
      for (let at = 0; at < whole.length; ) {
        const n = 1 + Math.floor(Math.random() * size);
        for (const out of cut.push(Buffer.from(whole.subarray(at, at + n)))) {
          parts.push(out.data);
          rows += out.rows;
          expect(out.rows).toBeGreaterThan(0);
        }
        at += n;
      }
      cut.end();
      expect(rows).toBe(count);
      const joined = Buffer.concat(parts);
      // Binary output loses its 19-byte header (no extension) and 2-byte trailer.
      expect(joined.equals(format ? whole.subarray(19, whole.length - 2) : whole)).toBe(true);
    }
  });

  it('reads full refreshes as chunks only when the destination takes them', async () => {
    const config = sourceConfig(1000);
    const source = new PostgresSource();
    const streams = (await source.discover(config, { logger: console, signal: new AbortController().signal })).streams;
    const read = async (offered: RecordChunkFormat[], syncMode: 'full_refresh' | 'incremental' = 'full_refresh', extra: JsonObject = {}, name = 't') => {
      const stream = streams.find((s) => s.name === name)!;
      const context: ReadContext = { logger: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal, recordChunks: { formats: () => offered } };
      const configured: ConfiguredAirbyteStream = { stream, sync_mode: syncMode, destination_sync_mode: 'append', ...(syncMode === 'incremental' ? { cursor_field: ['id'] } : {}) };
      const out: ProtocolMessage[] = [];
      for await (const batch of source.read({ ...config, ...extra }, { streams: [configured] }, [], context)) out.push(...batch);
      return out;
    };
    const text = await read(['postgres_copy_text']);
    const chunks = text.filter((m): m is RecordChunkMessage => m.type === 'RECORD_CHUNK');
    expect(text.some((m) => m.type === 'RECORD')).toBe(false);
    expect(chunks.reduce((n, m) => n + m.chunk.rows, 0)).toBe(5000);
    expect(chunks[0]!.chunk).toEqual(expect.objectContaining({ format: 'postgres_copy_text', fields: ['id', 'name', 'payload', 'n', 'b'], namespace: 'public', stream: 't' }));
    expect(chunks[0]!.chunk.types.map((t) => t.typeName)).toEqual(['int4', 'text', 'text', 'numeric', 'bytea']);
    const lines = Buffer.concat(chunks.map((m) => m.chunk.data)).toString('utf8').split('\n');
    expect(lines).toHaveLength(5001);
    expect(lines[0]).toBe(`1\ttab\\there\\nnew line é1\t${'c4ca4238a0b923820dcc509a6f75849b'}\t1.5\t\\\\xc4ca4238a0b923820dcc509a6f75849b`);
    // A STATE after each checkpoint's rows, as with records.
    expect(text.filter((m) => m.type === 'STATE').length).toBeGreaterThan(2);

    // Partitions read in parallel under one snapshot: every row exactly once, as chunks.
    const partitioned = await read(['postgres_copy_text'], 'full_refresh', { max_partitions: 3, partition_min_mb: 1 }, 'p');
    const partitionChunks = partitioned.filter((m): m is RecordChunkMessage => m.type === 'RECORD_CHUNK');
    const ids = Buffer.concat(partitionChunks.map((m) => m.chunk.data)).toString('utf8').split('\n').slice(0, -1).map((line) => Number(line.split('\t')[0]));
    expect(ids).toHaveLength(60000);
    expect(new Set(ids).size).toBe(60000);
    // Every STATE covers exactly the rows before it: those of the blocks its partitions have read.
    let before = 0;
    let checked = 0;
    for (const message of partitioned) {
      if (message.type === 'RECORD_CHUNK') before += message.chunk.rows;
      const ranges = message.type === 'STATE' ? (message.state.stream?.stream_state?.partitions as { from: number; next: number }[] | undefined) : undefined;
      if (!ranges) continue;
      const where = ranges.map((r) => `((ctid::text::point)[0] >= ${r.from} AND (ctid::text::point)[0] < ${r.next})`).join(' OR ');
      expect((await sql.query(`SELECT count(*)::int AS n FROM p WHERE ${where}`)).rows[0].n).toBe(before);
      checked++;
    }
    expect(checked).toBeGreaterThan(2);

    const none = await read([]);
    expect(none.some((m) => m.type === 'RECORD_CHUNK')).toBe(false);
    expect(none.filter((m) => m.type === 'RECORD')).toHaveLength(5000);
    // Incremental reads take text only: the cursor of each raw row places the states.
    const binaryIncremental = await read(['postgres_copy_binary'], 'incremental');
    expect(binaryIncremental.some((m) => m.type === 'RECORD_CHUNK')).toBe(false);
    expect(binaryIncremental.filter((m) => m.type === 'RECORD')).toHaveLength(5000);
  });

  it('reads incremental streams as chunks with the same states, at the same rows, as records', async () => {
    // A cursor shared by runs of rows (and NULL on a few, read first), across chunk boundaries.
    await sql.query(`
      CREATE TABLE inc (id int PRIMARY KEY, g timestamptz, note text);
      INSERT INTO inc SELECT i, CASE WHEN i % 1000 = 0 THEN NULL ELSE timestamptz '2024-01-01 00:00:00+00' + (i / 37) * interval '1.5 second' END, CASE WHEN i % 5 = 0 THEN E'a\\tb' ELSE repeat('y', i % 300) END FROM generate_series(1, 20000) i;
    `);
    const config = sourceConfig(500);
    const source = new PostgresSource();
    const stream = (await source.discover(config, { logger: console, signal: new AbortController().signal })).streams.find((s) => s.name === 'inc')!;
    const configured: ConfiguredAirbyteStream = { stream, sync_mode: 'incremental', destination_sync_mode: 'append_dedup', cursor_field: ['g'], primary_key: [['id']] };
    /** Each STATE with the number of rows before it, and every row as the text of its fields. */
    const read = async (offered: RecordChunkFormat[], state: StateMessage[] = []) => {
      const context: ReadContext = { logger: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal, recordChunks: { formats: () => offered } };
      const rows: string[] = [];
      const states: { after: number; state: JsonObject }[] = [];
      let chunks = 0;
      for await (const batch of source.read(config, { streams: [configured] }, state, context)) {
        for (const m of batch) {
          if (m.type === 'RECORD_CHUNK') {
            chunks++;
            const lines = Buffer.from(m.chunk.data).toString('utf8').split('\n').slice(0, -1);
            if (lines.length !== m.chunk.rows) throw new Error(`a chunk says ${m.chunk.rows} rows and holds ${lines.length}`);
            rows.push(...lines.map((line) => line.split('\t')[0]!));
          }
          if (m.type === 'RECORD') rows.push(String(m.record.data.id));
          if (m.type === 'STATE') states.push({ after: rows.length, state: m.state.stream!.stream_state! });
        }
      }
      return { rows, states, chunks };
    };
    const records = await read([]);
    const bulk = await read(['postgres_copy_text']);
    expect(records.chunks).toBe(0);
    expect(bulk.chunks).toBeGreaterThan(10);
    expect(bulk.rows).toEqual(records.rows);
    expect(bulk.rows).toHaveLength(20000);
    expect(bulk.states).toEqual(records.states);
    expect(records.states.length).toBeGreaterThan(20);
    // A state falls where the cursor changes, and counts the rows at its value (i = 19980…19999; 20000 is NULL).
    const last = records.states.at(-1)!.state;
    expect(last).toEqual({ cursor_field: ['g'], cursor: '2024-01-01 00:13:30+00', cursor_record_count: 20 });

    // Rows join the last value: the next read takes that value again (inclusive), both ways.
    await sql.query(`INSERT INTO inc VALUES (20001, '2024-01-01 00:13:30+00', 'late'), (20002, '2024-01-02 00:00:00+00', 'new')`);
    const resumeAt = [{ type: 'STATE' as const, state: { type: 'STREAM' as const, stream: { stream_descriptor: { name: 'inc', namespace: 'public' }, stream_state: last } } }];
    const again = await read([], resumeAt);
    const againBulk = await read(['postgres_copy_text'], resumeAt);
    expect(againBulk).toEqual({ ...again, chunks: againBulk.chunks });
    expect(again.rows).toHaveLength(last.cursor_record_count as number + 2);
    expect(again.states.at(-1)!.state).toEqual({ cursor_field: ['g'], cursor: '2024-01-02 00:00:00+00', cursor_record_count: 1 });
  });
});
