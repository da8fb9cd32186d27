// The read ceiling: `COPY … TO STDOUT (FORMAT binary)` through pg-copy-streams, every field decoded
// into a JavaScript value (numbers, strings, booleans, byte slices, arrays) and dropped. It is what
// a Node process can do at best when it must look at every value — no records, no JSON, no
// destination — so a sync's throughput divided by this is the share of the machine it uses.
// Decoding is deliberately cheap where a platform would do more: numeric → string, timestamps →
// epoch numbers, json/jsonb → text (not parsed).
import { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const SIGNATURE_LENGTH = 11;

type Decoder = (buf: Buffer, start: number, end: number) => unknown;

interface ColumnType {
  oid: number;
  /** 'b' base, 'e' enum, 'd' domain, … */
  typtype: string;
  /** Element type of an array type (0 otherwise). */
  elem: number;
  /** Base type of a domain. */
  base: number;
}

export interface CopyReadResult {
  rows: number;
  bytes: number;
  /** A checksum over decoded values, so nothing can be optimised away. */
  checksum: number;
}

/** Reads the whole table in binary COPY and decodes every value. */
export async function readTableBinary(url: string, table: string): Promise<CopyReadResult> {
  const client = new Client({ connectionString: url, application_name: 'tributary-bench-ceiling' });
  await client.connect();
  try {
    const types = await columnTypes(client, table);
    const decoders = types.map((t) => decoderFor(t, types));
    const stream = client.query(copyTo(`COPY ${table} TO STDOUT (FORMAT binary)`));
    const parser = new BinaryCopyParser(decoders);
    for await (const chunk of stream as AsyncIterable<Buffer>) parser.push(chunk);
    return { rows: parser.rows, bytes: parser.bytes, checksum: parser.checksum };
  } finally {
    await client.end();
  }
}

async function columnTypes(client: Client, table: string): Promise<ColumnType[]> {
  const { rows } = await client.query<{ oid: number; typtype: string; elem: number; base: number }>(
    `SELECT t.oid::int AS oid, t.typtype, t.typelem::int AS elem, t.typbasetype::int AS base
       FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [table],
  );
  const all = await client.query<{ oid: number; typtype: string; elem: number; base: number }>(
    `SELECT t.oid::int AS oid, t.typtype, t.typelem::int AS elem, t.typbasetype::int AS base FROM pg_type t
      WHERE t.oid IN (SELECT typelem FROM pg_type WHERE oid = ANY($1::oid[]))`,
    [rows.map((r) => r.oid)],
  );
  elementTypes.clear();
  for (const t of all.rows) elementTypes.set(t.oid, t);
  return rows;
}

const elementTypes = new Map<number, ColumnType>();

const text: Decoder = (buf, start, end) => buf.toString('utf8', start, end);
const int64: Decoder = (buf, start) => {
  const value = buf.readBigInt64BE(start);
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value.toString();
};

const BASE_DECODERS: Record<number, Decoder> = {
  16: (buf, start) => buf[start] === 1, // bool
  17: (buf, start, end) => buf.subarray(start, end), // bytea
  20: int64, // int8
  21: (buf, start) => buf.readInt16BE(start), // int2
  23: (buf, start) => buf.readInt32BE(start), // int4
  25: text,
  114: text, // json
  700: (buf, start) => buf.readFloatBE(start),
  701: (buf, start) => buf.readDoubleBE(start),
  1042: text, // bpchar
  1043: text, // varchar
  1082: (buf, start) => PG_EPOCH_MS + buf.readInt32BE(start) * 86_400_000, // date
  1083: (buf, start) => Number(buf.readBigInt64BE(start)), // time (µs)
  1266: (buf, start) => Number(buf.readBigInt64BE(start)) + buf.readInt32BE(start + 8) * 1e6, // timetz
  1114: (buf, start) => PG_EPOCH_MS + Number(buf.readBigInt64BE(start)) / 1000, // timestamp
  1184: (buf, start) => PG_EPOCH_MS + Number(buf.readBigInt64BE(start)) / 1000, // timestamptz
  1186: (buf, start) => Number(buf.readBigInt64BE(start)) + buf.readInt32BE(start + 8) * 86_400e6 + buf.readInt32BE(start + 12) * 2_592_000e6, // interval
  1700: decodeNumeric,
  2950: (buf, start, end) => buf.toString('hex', start, end), // uuid
  3802: (buf, start, end) => buf.toString('utf8', start + 1, end), // jsonb: version byte, then text
};

function decoderFor(type: ColumnType, _all: ColumnType[]): Decoder {
  if (type.typtype === 'e') return text;
  if (type.typtype === 'd') return decoderFor(elementTypes.get(type.base) ?? { oid: type.base, typtype: 'b', elem: 0, base: 0 }, _all);
  if (type.elem !== 0 && !BASE_DECODERS[type.oid]) {
    const element = elementTypes.get(type.elem) ?? { oid: type.elem, typtype: 'b', elem: 0, base: 0 };
    return arrayDecoder(decoderFor(element, _all));
  }
  return BASE_DECODERS[type.oid] ?? text;
}

/** Binary array: ndim, has-null flag, element oid, (length, lower bound) per dimension, elements. */
function arrayDecoder(element: Decoder): Decoder {
  return (buf, start) => {
    const ndim = buf.readInt32BE(start);
    if (ndim === 0) return [];
    const dims: number[] = [];
    for (let d = 0; d < ndim; d++) dims.push(buf.readInt32BE(start + 12 + d * 8));
    let offset = start + 12 + ndim * 8;
    const read = (level: number): unknown[] => {
      const out: unknown[] = new Array(dims[level]!);
      for (let i = 0; i < dims[level]!; i++) {
        if (level + 1 < ndim) {
          out[i] = read(level + 1);
          continue;
        }
        const length = buf.readInt32BE(offset);
        offset += 4;
        if (length < 0) out[i] = null;
        else {
          out[i] = element(buf, offset, offset + length);
          offset += length;
        }
      }
      return out;
    };
    return read(0);
  };
}

/** Binary numeric: ndigits, weight, sign, dscale, then base-10000 digits → exact decimal string. */
function decodeNumeric(buf: Buffer, start: number): string {
  const ndigits = buf.readInt16BE(start);
  const weight = buf.readInt16BE(start + 2);
  const sign = buf.readUInt16BE(start + 4);
  const dscale = buf.readInt16BE(start + 6);
  if (sign === 0xc000) return 'NaN';
  let integer = '';
  let fraction = '';
  for (let i = 0; i < ndigits; i++) {
    const digit = buf.readInt16BE(start + 8 + i * 2);
    if (i <= weight) integer += i === 0 ? String(digit) : String(digit).padStart(4, '0');
    else fraction += String(digit).padStart(4, '0');
  }
  if (weight >= ndigits) integer += '0000'.repeat(weight - ndigits + 1);
  if (weight < -1) fraction = '0000'.repeat(-weight - 1) + fraction;
  if (!integer) integer = '0';
  fraction = fraction.padEnd(dscale, '0').slice(0, dscale);
  return `${sign === 0x4000 ? '-' : ''}${integer}${dscale > 0 ? `.${fraction}` : ''}`;
}

/** Parses the binary COPY stream as chunks arrive; a tuple may straddle chunks. */
class BinaryCopyParser {
  rows = 0;
  bytes = 0;
  checksum = 0;
  private pending: Buffer = Buffer.alloc(0);
  private headerDone = false;

  constructor(private readonly decoders: Decoder[]) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = 0;
    if (!this.headerDone) {
      if (buf.length < SIGNATURE_LENGTH + 8) {
        this.pending = buf;
        return;
      }
      const extension = buf.readInt32BE(SIGNATURE_LENGTH + 4);
      offset = SIGNATURE_LENGTH + 8 + extension;
      this.headerDone = true;
    }
    for (;;) {
      if (offset + 2 > buf.length) break;
      const fields = buf.readInt16BE(offset);
      if (fields === -1) {
        offset += 2;
        break;
      }
      // Is the whole tuple here?
      let cursor = offset + 2;
      let complete = true;
      for (let f = 0; f < fields; f++) {
        if (cursor + 4 > buf.length) {
          complete = false;
          break;
        }
        const length = buf.readInt32BE(cursor);
        cursor += 4 + (length > 0 ? length : 0);
        if (cursor > buf.length) {
          complete = false;
          break;
        }
      }
      if (!complete) break;
      cursor = offset + 2;
      for (let f = 0; f < fields; f++) {
        const length = buf.readInt32BE(cursor);
        cursor += 4;
        if (length < 0) continue;
        const value = this.decoders[f]!(buf, cursor, cursor + length);
        if (typeof value === 'number') this.checksum = (this.checksum + (value % 1000)) % 1_000_000_007;
        else if (typeof value === 'string') this.checksum = (this.checksum + value.length) % 1_000_000_007;
        cursor += length;
      }
      offset = cursor;
      this.rows++;
    }
    buf = buf.subarray(offset);
    // Copy the tail so the big chunk it came from can be freed.
    this.pending = buf.length ? Buffer.from(buf) : Buffer.alloc(0);
  }
}

/** `bin/bench.js --internal-copy-read <table> --url <url>`: one measured read, as a JSON line. */
export async function copyReadMain(argv: string[]): Promise<void> {
  const url = argv[argv.indexOf('--url') + 1]!;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await readTableBinary(url, argv[0]!);
  const used = process.cpuUsage(cpu);
  process.stdout.write(`${JSON.stringify({ ...result, seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: (used.user + used.system) / 1e6 })}\n`);
}
