// The binary COPY decoders against real PostgreSQL output: for each type, edge values (NULL,
// extremes, unicode, BC and infinite dates, many-digit and special numerics, arrays) are read both
// ways — binary tuples through postgres/binary-copy.ts, text through source-postgres's converters —
// and every form a destination can ask for (record value, 64-bit words, days, unscaled decimal,
// text, JSON) must equal what the record path gives, or fail where the record path fails.
import type { Client } from 'pg';
import type { ChunkColumnType, JsonValue } from '@tributary/protocol';
import {
  asciiTextWriter,
  BinaryTupleIndex,
  binaryCopyDecodable,
  GrowingByteSink,
  binaryRecordValue,
  isBinaryText,
  jsonValueWriter,
  putInt64Words,
  putUnixMicrosWords,
  putUnscaledDecimalWords,
  readFloat4,
  readFloat8,
  unixDays,
} from '../src/postgres';
import { toDateDays, toDouble, toInt64, toText, toTimestampMicros, toUnscaledDecimal } from '../src/files/typed-values';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing';
import { type ColumnInfo, columnsOf, connect, copyBinary, recordPath, recordValue, textValues } from './binary-copy.support';

/** The outcome of a computation: its value, or the fact that it threw. */
function outcome<T>(compute: () => T): { value: T } | { threw: true } {
  try {
    return { value: compute() };
  } catch {
    return { threw: true };
  }
}

const toBigInt = (value: number | bigint) => BigInt(value);
const toJsonText = (value: JsonValue): string => JSON.stringify(value);

/** Each way a destination decodes a value, next to what the record path's value gives for it. */
function compareForms(column: ColumnInfo, d: Buffer, p: number, length: number, expected: JsonValue): void {
  const type = column.type;
  const name = type.typeName;
  const sink = new GrowingByteSink();
  const label = `${name} ${JSON.stringify(expected)}`;
  expect({ label, value: binaryRecordValue(type, d, p, length) }).toEqual({ label, value: expected });
  if (expected === null && length < 0) return;

  if (['int2', 'int4', 'int8', 'oid'].includes(name)) {
    const words = new Int32Array(2);
    putInt64Words(name, d, p, words, 0);
    expect({ label, value: new BigInt64Array(words.buffer)[0] }).toEqual({ label, value: toBigInt(toInt64(expected)) });
  }
  if (name === 'timestamp' || name === 'timestamptz') {
    const words = new Int32Array(2);
    const binary = outcome(() => {
      putUnixMicrosWords(d, p, words, 0);
      return new BigInt64Array(words.buffer)[0];
    });
    expect({ label, ...binary }).toEqual({ label, ...outcome(() => toBigInt(toTimestampMicros(expected))) });
  }
  if (name === 'date') expect({ label, ...outcome(() => unixDays(d, p)) }).toEqual({ label, ...outcome(() => toDateDays(expected)) });
  if (name === 'float4' || name === 'float8') {
    const value = name === 'float4' ? readFloat4(d, p) : readFloat8(d, p);
    expect({ label, value }).toEqual({ label, value: toDouble(expected) });
  }
  if (name === 'numeric' && type.typmod >= 4) {
    const precision = ((type.typmod - 4) >> 16) & 0xffff;
    const rawScale = (type.typmod - 4) & 0x7ff;
    const scale = Math.max(0, rawScale > 1023 ? rawScale - 2048 : rawScale);
    if (precision <= 38) {
      const words = new Uint32Array(4);
      const binary = outcome(() => {
        putUnscaledDecimalWords(d, p, precision, scale, words, 0);
        return BigInt.asIntN(128, words.reduceRight((acc, word) => (acc << 32n) | BigInt(word), 0n));
      });
      expect({ label, ...binary }).toEqual({ label, ...outcome(() => toUnscaledDecimal(expected, precision, scale)) });
    }
  }
  const text = asciiTextWriter(name);
  if (text) {
    text(sink, d, p);
    expect({ label, value: sink.take() }).toEqual({ label, value: toText(expected) });
  }
  if (isBinaryText(type)) expect(d.toString('utf8', p, p + length)).toBe(expected);
  // JSON columns (json, jsonb, arrays, and any type whose schema the file layer reads as JSON).
  const written = jsonValueWriter(type)(sink, d, p, length);
  expect({ label, value: written ? sink.take() : null }).toEqual({ label, value: expected === null ? null : toJsonText(expected) });
}

/** Values of one type, as SQL literals; the first one carries the cast that types the column. */
const CASES: [string, string[]][] = [
  ['smallint', ["'0'", "'-32768'", "'32767'", 'NULL']],
  ['integer', ["'-2147483648'", "'2147483647'", "'-1'", 'NULL']],
  ['bigint', ["'-9223372036854775808'", "'9223372036854775807'", "'9007199254740993'", "'-9007199254740992'", "'9007199254740991'", "'123456789012345'", "'-42'", 'NULL']],
  ['oid', ["'4294967295'", "'0'"]],
  ['real', ["'0.1'", "'-0'", "'1e-45'", "'3.4028235e38'", "'NaN'", "'Infinity'", "'-Infinity'", "'0.33333334'", "'16777217'", "'1.17549435e-38'", "'123.456'", 'NULL']],
  ['double precision', ["'0.1'", "'-0'", "'5e-324'", "'1.7976931348623157e308'", "'NaN'", "'-Infinity'", "'3.141592653589793'", "'1e21'", "'1e-7'"]],
  ['numeric', ["'0'", "'-0.00001'", "'123456789012345678901234567890.123456789'", "'NaN'", "'Infinity'", "'-Infinity'", "'1e-20'", "'10000'", "'0.1000'", "'-99999999.99990000'", "'1e100'"]],
  ['numeric(12,2)', ["'0'", "'-0.01'", "'9999999999.99'", "'-9999999999.99'", "'12345678.9'", "'0.5'", "'NaN'", 'NULL']],
  ['numeric(38,9)', ["'12345678901234567890123456789.123456789'", "'-12345678901234567890123456789.123456789'", "'-0.000000001'", "'1'"]],
  ['numeric(18,6)', ["'999999999999.999999'", "'-123.456789'", "'0.000001'"]],
  ['numeric(5,-2)', ["'12300'", "'-99900'"]],
  ['numeric(3,5)', ["'0.00123'", "'-0.00999'"]],
  ['boolean', ['true', 'false', 'NULL']],
  ['text', ["''", "'Zoë 🚀 日本語'", "E'tab\\there\\nnewline \\\\ back \"quoted\" \\x01'", "'NULL'", 'NULL']],
  ['varchar(5)', ["'abc'", "'ééééé'"]],
  ['char(5)', ["'ab'", "'abcde'"]],
  ['name', ["'a_name'"]],
  ['uuid', ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'", "'00000000-0000-0000-0000-000000000000'", "'ffffffff-ffff-ffff-ffff-ffffffffffff'"]],
  ['date', ["'2000-01-01'", "'1999-12-31'", "'1970-01-01'", "'1969-12-31'", "'0001-01-01'", "'0099-06-15'", "'0044-03-15 BC'", "'infinity'", "'-infinity'", "'9999-12-31'", "'10000-01-01'", "'2024-02-29'"]],
  ['time', ["'00:00'", "'23:59:59.999999'", "'24:00:00'", "'12:00:00.5'", "'01:02:03.000100'"]],
  ['timetz', ["'12:00:00+05:30'", "'12:00:00-08'", "'00:00:00+00'", "'12:34:56.789-03:30:15'", "'23:59:59.999999+15:59'"]],
  [
    'timestamp',
    [
      "'2000-01-01 00:00:00'",
      "'1999-12-31 23:59:59.999999'",
      "'1900-01-01 00:00:00'",
      "'1970-01-01 00:00:00'",
      "'1969-12-31 23:59:59.5'",
      "'0001-01-01 00:00:00'",
      "'0044-03-15 12:00:00 BC'",
      "'infinity'",
      "'-infinity'",
      "'10000-01-01 00:00:00'",
      "'2262-04-11 23:47:16.854775'",
      "'1600-01-01 00:00:00.000001'",
      "'2300-06-30 12:00:00.000003'",
      "'0099-06-15 01:02:03'",
    ],
  ],
  ['timestamptz', ["'2024-03-10 01:59:59.123456-08'", "'1999-12-31 23:59:59.999999+00'", "'0001-01-01 00:00:00+00'", "'0044-03-15 12:00:00+00 BC'", "'infinity'", "'10000-01-01 00:00:00+00'", "'1600-01-01 00:00:00.000001+00'"]],
  [
    'interval',
    [
      "'0'",
      "'1 year 2 months 3 days 04:05:06.789'",
      "'-1 year -2 mons +3 days -04:05:06.5'",
      "'-0.000001 sec'",
      "'100000 hours'",
      "'1 mon -1 day'",
      "'-1 months'",
      "'13 months'",
      "'2562047788 hours'",
      "'00:00:01'",
      "'-00:01:00'",
    ],
  ],
  ['json', ['\'{"b":1, "a": [1.0, 2e3, "x\\u00e9\\/"], "a": 3}\'', "'null'", '\'  "str" \'', "'1e400'", "'[]'", '\'{"__proto__": {"x": 1}}\'', "'12345678901234567890'"]],
  [
    'jsonb',
    [
      '\'{"a": 1.50, "b": [1e2, -0, 0.000001, 1e-7, 12345678901234567890, 0.1234567890123456, 1e21, 123456789012345678901], "s": "q\\"\\\\\\n\\t\\u0001é😀"}\'',
      '\'{"10": 1, "9": 2, "b": 3}\'',
      '\'{"007": 1, "x": 2}\'',
      "'null'",
      '\'"x"\'',
      "'[]'",
      "'{}'",
      "'123.4500'",
      "'[null, true, false, {\"k\": null}]'",
      "'-0.0'",
    ],
  ],
  ['bytea', ["'\\x00ff10'", "''", "'\\x'"]],
  ['integer[]', ["'{1,NULL,3}'", "'{{1,2},{3,NULL}}'", "'[0:1]={5,6}'", "'{}'", 'NULL']],
  ['text[]', ['\'{"a b","NULL",NULL,"q\\"x","",é,"back\\\\slash","tab\tnl\n"}\'', "'{{a,b},{c,d}}'"]],
  ['bigint[]', ["'{9007199254740993,-1,NULL}'"]],
  ['real[]', ["'{0.1,NaN,-Infinity,1e-45}'"]],
  ['double precision[]', ["'{0.1,NaN,1e300}'"]],
  ['numeric[]', ["'{1.50,NaN,-0.001}'"]],
  ['boolean[]', ["'{t,f,NULL}'"]],
  ['date[]', ["'{2024-02-29,infinity,0044-03-15 BC}'"]],
  ['timestamptz[]', ["'{\"2024-03-10 01:59:59.123456+00\",infinity,\"0044-03-15 12:00:00+00 BC\",\"10000-01-01 00:00:00+00\"}'"]],
  ['timestamp[]', ["'{\"2024-03-10 01:59:59\"}'"]],
  ['jsonb[]', ['ARRAY[\'{"a": 1.0}\'::jsonb, \'null\'::jsonb, NULL]']],
  ['json[]', ['ARRAY[\'{"a": 1.0, "a": 2}\'::json]']],
  ['bytea[]', ["ARRAY['\\x00ff'::bytea, NULL]"]],
  ['uuid[]', ["'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'"]],
  ['interval[]', ["'{\"1 day\",\"-1 mon\"}'"]],
  ['time[]', ["'{12:00:00.5}'"]],
  ['timetz[]', ["'{12:00:00+05:30}'"]],
  ['smallint[]', ["'{1,-2}'"]],
  ['varchar[]', ["'{a,b}'"]],
  ['mood', ["'happy'", "'sad'", 'NULL']],
];

describe('binary COPY decoders', () => {
  let db: TestDatabase;
  let client: Client;
  let path: Awaited<ReturnType<typeof recordPath>>;

  beforeAll(async () => {
    path = await recordPath();
    db = await createTestDatabase('tributary_bincopy');
    client = await connect(db.url);
    await client.query("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  async function expectDecodedAsRecordPath(query: string): Promise<void> {
    const columns = await columnsOf(client, query);
    const texts = await textValues(client, query);
    const copy = await copyBinary(client, query);
    expect(copy.rows).toBe(texts.length);
    const tuples = new BinaryTupleIndex();
    tuples.index(copy.data, columns.length, copy.rows);
    for (let f = 0; f < columns.length; f++) {
      expect({ type: columns[f].type, decodable: binaryCopyDecodable(columns[f].type) }).toEqual({ type: columns[f].type, decodable: true });
      for (let r = 0; r < copy.rows; r++) {
        const cell = f * copy.rows + r;
        compareForms(columns[f], copy.data, tuples.starts[cell], tuples.lengths[cell], recordValue(path, columns[f], texts[r][f]));
      }
    }
  }

  it.each(CASES)('decodes %s as the record path reads its text', async (type, values) => {
    const rows = values.map((value, i) => `(${i === 0 ? `${value}::${type}` : value})`).join(', ');
    await expectDecodedAsRecordPath(`SELECT v FROM (VALUES ${rows}) AS t(v)`);
  });

  it('reads every float4 power of two as the record path does (Ryu takes the next decimal up at those)', async () => {
    await expectDecodedAsRecordPath('SELECT (2::float8 ^ k)::real AS v FROM generate_series(-149, 127) AS k');
    await expectDecodedAsRecordPath('SELECT (-(2::float8 ^ k))::real AS v FROM generate_series(-149, 127, 7) AS k');
  });

  it('reads float4, float8 and numeric values spread over their ranges', async () => {
    await expectDecodedAsRecordPath(`
      SELECT (hashint8extended(i, 1)::float8 / 3e18 * 10 ^ (i % 70 - 35))::real AS a,
             hashint8extended(i, 2)::float8 / 7e18 * 10 ^ (i % 600 - 300) AS b,
             (hashint8extended(i, 3) % 1000000000000) / 1000000.0 AS c,
             ((hashint8extended(i, 4) % 100000000)::numeric / 100)::numeric(12,2) AS d
      FROM generate_series(1, 5000) AS i`);
  });

  it('reads 200,000 float4 values of every magnitude as their shortest text gives them', async () => {
    const query = `SELECT ((0.5 + abs(hashint8extended(i, 7))::float8 / 1.85e19) * 2 ^ (i % 270 - 145) * (i % 2 * 2 - 1))::real AS v FROM generate_series(1, 200000) AS i`;
    const texts = await textValues(client, query);
    const copy = await copyBinary(client, query);
    const tuples = new BinaryTupleIndex();
    tuples.index(copy.data, 1, copy.rows);
    const mismatches: string[] = [];
    for (let r = 0; r < copy.rows; r++) {
      const value = readFloat4(copy.data, tuples.starts[r]);
      if (!Object.is(value, Number(texts[r][0]))) mismatches.push(`${texts[r][0]} read as ${value}`);
    }
    expect(mismatches.slice(0, 20)).toEqual([]);
  });

  it('rejects a type it cannot decode exactly, and array types of enums', () => {
    const type = (typeName: string, typeKind = 'b'): ChunkColumnType => ({ typeName, typmod: -1, typeKind });
    expect(binaryCopyDecodable(type('money'))).toBe(false);
    expect(binaryCopyDecodable(type('inet'))).toBe(false);
    expect(binaryCopyDecodable(type('_mood'))).toBe(false);
    expect(binaryCopyDecodable(type('mood', 'e'))).toBe(true);
    expect(binaryCopyDecodable(type('_int4'))).toBe(true);
  });

  it('refuses a chunk that is not whole tuples of the announced fields', async () => {
    const copy = await copyBinary(client, 'SELECT 1::int AS a, 2::int AS b');
    const tuples = new BinaryTupleIndex();
    expect(() => tuples.index(copy.data, 3, 1)).toThrow(/does not start with its 3 fields/);
    expect(() => tuples.index(copy.data.subarray(0, copy.data.length - 1), 2, 1)).toThrow(/cut short/);
    expect(() => tuples.index(Buffer.concat([copy.data, Buffer.from([0])]), 2, 1)).toThrow(/1 bytes follow/);
  });
});
