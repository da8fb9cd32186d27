// The file source against real parts: files on disk (CSV in latin1 with semicolons, gzipped JSON
// Lines, a JSON array, Parquet written by DuckDB), an HTTP server of this test, and a real
// S3-compatible server (SeaweedFS) with a glob. Malformed rows are quarantined with file, line and
// reason; past the threshold the read fails with the counts; incremental reads skip old files.
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ConfigError, type ConnectorContext, type MessageBatch } from '@tributary/connector-sdk';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, JsonObject, ProtocolMessage, StateMessage } from '@tributary/protocol';
import { duckdbQuery, sqlString } from '../../../tools/testing/duckdb-cli';
import { startS3Server, type S3TestServer } from '../../../tools/testing/s3-server';
import { FileSource } from '../src';

const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const ctx = (): ConnectorContext => ({ logger, signal: new AbortController().signal });

function configured(catalog: AirbyteCatalog, names?: string[]): ConfiguredAirbyteCatalog {
  return {
    streams: catalog.streams
      .filter((stream) => !names || names.includes(stream.name))
      .map((stream) => ({ stream, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['_source_file_modified_at'] })),
  };
}

async function readAll(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[] = []): Promise<ProtocolMessage[]> {
  const out: ProtocolMessage[] = [];
  for await (const batch of new FileSource().read(config, catalog, state, ctx()) as AsyncIterable<MessageBatch>) out.push(...batch);
  return out;
}

const recordsOf = (messages: ProtocolMessage[], stream: string) => messages.flatMap((m) => (m.type === 'RECORD' && m.record.stream === stream ? [m.record.data] : []));
const propertiesOf = (catalog: AirbyteCatalog, stream: string) => catalog.streams.find((s) => s.name === stream)!.json_schema.properties as Record<string, JsonObject>;

describe('file source', () => {
  let dir: string;
  let s3: S3TestServer;
  let http: Server;
  let httpUrl: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tributary-source-file-'));
    s3 = await startS3Server();
    http = createServer((request, response) => {
      if (request.url === '/export.csv') {
        response.writeHead(200, { 'content-type': 'text/csv', 'last-modified': new Date(Date.UTC(2025, 0, 2)).toUTCString() });
        response.end(request.method === 'HEAD' ? undefined : 'id,name\n1,alpha\n2,beta\n');
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const address = http.address();
    httpUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => http?.close(resolve));
    await s3?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reads CSV in another encoding and delimiter, infers types, honours the override, and quarantines malformed rows with file, line and reason', async () => {
    const csv = 'id;name;price;joined;active\n1;"Zoë; the ""first""";9.5;2024-01-02;true\n2;Łukasz;10;2024-01-03;false\n3;too;few\nx4;bad;1;2024-01-04;true\n5;ok;2.25;2024-01-05;true\n';
    const path = join(dir, 'people.csv');
    await writeFile(path, Buffer.from(csv.replace('Ł', 'L'), 'latin1'));
    const config: JsonObject = {
      streams: [{ name: 'people', url: path, format: 'csv', csv: { delimiter: ';', encoding: 'latin1' }, schema: { id: { type: 'integer' } } }],
      max_malformed_rows: 5,
      max_malformed_percent: 50,
    };
    await expect(new FileSource().check(config, ctx())).resolves.toEqual({ status: 'SUCCEEDED' });
    const catalog = await new FileSource().discover(config, ctx());
    expect(catalog.streams.map((s) => s.name)).toEqual(['people', '_tributary_malformed_people']);
    expect(propertiesOf(catalog, 'people')).toEqual(
      expect.objectContaining({
        id: { type: 'integer' },
        name: { type: ['string', 'null'] },
        price: { type: ['number', 'null'] },
        joined: { type: ['string', 'null'], format: 'date' },
        active: { type: ['boolean', 'null'] },
      }),
    );

    const messages = await readAll(config, configured(catalog));
    const people = recordsOf(messages, 'people');
    expect(people.map(({ id, name, price, joined, active }) => ({ id, name, price, joined, active }))).toEqual([
      { id: 1, name: 'Zoë; the "first"', price: 9.5, joined: '2024-01-02', active: true },
      { id: 2, name: 'Lukasz', price: 10, joined: '2024-01-03', active: false },
      { id: 5, name: 'ok', price: 2.25, joined: '2024-01-05', active: true },
    ]);
    expect(people[0]._source_file).toBe(path);
    expect(recordsOf(messages, '_tributary_malformed_people')).toEqual([
      { stream: 'people', file: path, line: 4, reason: 'expected 5 fields, found 3', raw: '3;too;few' },
      { stream: 'people', file: path, line: 5, reason: 'column "id": expected an integer, got "x4"', raw: expect.stringContaining('x4') },
    ]);
    const logs = messages.flatMap((m) => (m.type === 'LOG' ? [m.log.message] : []));
    expect(logs).toContain(`Stream "people": malformed row quarantined — ${path}, line 4: expected 5 fields, found 3`);
  });

  it('fails past the malformed-row threshold with a ConfigError giving the counts', async () => {
    const path = join(dir, 'broken.jsonl');
    await writeFile(path, '{"id":1}\nnot json\n{"id":2}\n[1,2]\n{"id":3}\n');
    const config: JsonObject = { streams: [{ name: 'broken', url: path, format: 'jsonl' }], max_malformed_rows: 1 };
    const catalog = await new FileSource().discover(config, ctx());
    const failure = readAll(config, configured(catalog, ['broken']));
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    await expect(failure).rejects.toThrow(/Stream "broken": 2 malformed rows out of 4 read \(50\.0%\) exceed the threshold \(max_malformed_rows 1.*First: .*broken\.jsonl, line 2: invalid JSON/);
  });

  it('reads gzipped JSON Lines and JSON arrays from a glob, oldest file first, and incrementally skips files already read', async () => {
    await writeFile(join(dir, 'events-1.jsonl.gz'), gzipSync('{"id":1,"doc":{"a":[1]}}\n{"id":2,"doc":null}\n'));
    await writeFile(join(dir, 'events-2.json'), JSON.stringify([{ id: 3, doc: { b: 'ü' } }]));
    await utimes(join(dir, 'events-1.jsonl.gz'), new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:00:00Z'));
    await utimes(join(dir, 'events-2.json'), new Date('2025-01-02T00:00:00Z'), new Date('2025-01-02T00:00:00Z'));
    const jsonl: JsonObject = { streams: [{ name: 'events', url: join(dir, 'events-*.jsonl.gz'), format: 'jsonl' }] };
    const catalog = await new FileSource().discover(jsonl, ctx());
    expect(propertiesOf(catalog, 'events')).toEqual(expect.objectContaining({ id: { type: ['integer', 'null'] }, doc: { type: ['object', 'null'] } }));
    const first = await readAll(jsonl, configured(catalog, ['events']));
    expect(recordsOf(first, 'events').map((r) => [r.id, r.doc])).toEqual([[1, { a: [1] }], [2, null]]);
    const states = first.filter((m): m is StateMessage => m.type === 'STATE');
    expect(states.at(-1)!.state.stream!.stream_state).toEqual({ modified_at: '2025-01-01T00:00:00.000Z', files_at_cursor: [join(dir, 'events-1.jsonl.gz')] });
    // Nothing new: nothing read.
    expect(recordsOf(await readAll(jsonl, configured(catalog, ['events']), [states.at(-1)!]), 'events')).toEqual([]);

    const array: JsonObject = { streams: [{ name: 'events', url: `file://${join(dir, 'events-*.json')}`, format: 'json' }] };
    expect(recordsOf(await readAll(array, configured(await new FileSource().discover(array, ctx()), ['events'])), 'events').map((r) => r.doc)).toEqual([{ b: 'ü' }]);
  });

  it('reads Parquet written by DuckDB with its own schema', async () => {
    const path = join(dir, 'typed.parquet');
    await duckdbQuery(
      `COPY (SELECT 1::BIGINT AS id, 12.5::DECIMAL(10,2) AS amount, TIMESTAMPTZ '2024-03-10 09:59:59.123456+00' AS at, DATE '1969-07-20' AS day, 'Zoë' AS name, true AS active
             UNION ALL SELECT 9007199254740993, NULL, NULL, NULL, NULL, NULL) TO ${sqlString(path)} (FORMAT parquet)`,
    );
    const config: JsonObject = { streams: [{ name: 'typed', url: path, format: 'parquet' }] };
    const catalog = await new FileSource().discover(config, ctx());
    expect(propertiesOf(catalog, 'typed')).toEqual(
      expect.objectContaining({ id: { type: ['integer', 'null'] }, amount: { type: ['string', 'null'], precision: 10, scale: 2 }, at: { type: ['string', 'null'], format: 'date-time' }, day: { type: ['string', 'null'], format: 'date' } }),
    );
    const rows = recordsOf(await readAll(config, configured(catalog, ['typed'])), 'typed');
    expect(rows.map(({ id, amount, at, day, name, active }) => ({ id, amount, at, day, name, active }))).toEqual([
      { id: 1, amount: '12.50', at: '2024-03-10T09:59:59.123456Z', day: '1969-07-20', name: 'Zoë', active: true },
      { id: '9007199254740993', amount: null, at: null, day: null, name: null, active: null },
    ]);
  });

  it('reads one file over HTTP, and reports a missing URL in words', async () => {
    const config: JsonObject = { streams: [{ name: 'remote', url: `${httpUrl}/export.csv`, format: 'csv' }] };
    const catalog = await new FileSource().discover(config, ctx());
    const rows = recordsOf(await readAll(config, configured(catalog, ['remote'])), 'remote');
    expect(rows.map(({ id, name, _source_file_modified_at: modified }) => [id, name, modified])).toEqual([
      [1, 'alpha', '2025-01-02T00:00:00.000Z'],
      [2, 'beta', '2025-01-02T00:00:00.000Z'],
    ]);
    const missing = await new FileSource().check({ streams: [{ name: 'remote', url: `${httpUrl}/nope.csv`, format: 'csv' }] }, ctx());
    expect(missing).toEqual({ status: 'FAILED', message: `Cannot fetch ${httpUrl}/nope.csv: HTTP 404 Not Found.` });
  });

  it('reads the objects of an S3 glob, and reports a missing bucket in words', async () => {
    const bucket = await s3.createBucket();
    const client = s3.client();
    for (const [key, body] of [
      ['exports/2025-01/part-1.jsonl', '{"id":1}\n'],
      ['exports/2025-02/part-2.jsonl', '{"id":2}\n{"id":3}\n'],
      ['exports/2025-02/skip.csv', 'id\n99\n'],
      ['other/part-9.jsonl', '{"id":9}\n'],
    ]) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
    const s3Access = { endpoint: s3.endpoint, access_key_id: s3.credentials.accessKeyId, secret_access_key: s3.credentials.secretAccessKey };
    const config: JsonObject = { streams: [{ name: 'exports', url: `s3://${bucket}/exports/**/*.jsonl`, format: 'jsonl' }], s3: s3Access };
    const catalog = await new FileSource().discover(config, ctx());
    const rows = recordsOf(await readAll(config, configured(catalog, ['exports'])), 'exports');
    expect(rows.map((r) => r.id).sort()).toEqual([1, 2, 3]);
    expect(new Set(rows.map((r) => r._source_file))).toEqual(new Set([`s3://${bucket}/exports/2025-01/part-1.jsonl`, `s3://${bucket}/exports/2025-02/part-2.jsonl`]));

    const missing = await new FileSource().check({ streams: [{ name: 'x', url: 's3://no-such-bucket-here/a/*.jsonl', format: 'jsonl' }], s3: s3Access }, ctx());
    expect(missing.status).toBe('FAILED');
    expect(missing.message).toMatch(/Cannot list s3:\/\/no-such-bucket-here\/a\/: the bucket does not exist \(NoSuchBucket\)\./);
  });
});
