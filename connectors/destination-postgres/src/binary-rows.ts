// Rows that arrive as a PostgreSQL source's `COPY ... TO STDOUT (FORMAT binary)` tuples are loaded
// with `COPY ... FROM STDIN (FORMAT binary)`: PostgreSQL reads binary values with far less work than
// their text (a 10M-row table loads in about half the server time), and the values are not looked
// at here. Each tuple gets the metadata columns appended (a fresh raw id, then the chunk's constant
// extracted_at, sync id and checkpoint) and, where the table's column is wider than the source's
// (after evolution), its field widened: smallint/integer to bigint, json to jsonb. Anything else
// that differs — a float4 value in a double precision column reads differently in binary than in
// text — is not sent in binary: the stream's rows then go through the record path.
import { readInt16, readInt32 } from '@tributary/connector-sdk/postgres';
import type { ChunkColumnType } from '@tributary/protocol';

/** What happens to one field of a tuple on its way to the destination column. */
export type BinaryFieldTransform = 'same' | 'int2to4' | 'int2to8' | 'int4to8' | 'jsonb';

/** The signature, flags and header extension length of the binary COPY format: sent once per COPY. */
export const BINARY_COPY_HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);

/** A source type (pg_type.typname) and the name format_type gives the same type, without modifiers. */
const SAME_TYPE: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  oid: 'oid',
  float4: 'real',
  float8: 'double precision',
  numeric: 'numeric',
  bool: 'boolean',
  uuid: 'uuid',
  date: 'date',
  time: 'time without time zone',
  timetz: 'time with time zone',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
  json: 'json',
  jsonb: 'jsonb',
  bytea: 'bytea',
  text: 'text',
  varchar: 'character varying',
  bpchar: 'character',
};
/** Types whose binary form is their text: any of them reads into a text or varchar column as it reads from text. */
const TEXT_LIKE = new Set(['text', 'varchar', 'bpchar', 'name']);
const TEXT_COLUMNS = new Set(['text', 'character varying', 'character']);

/** A column type as format_type spells it, without its modifiers: `numeric(12,2)` → `numeric`, `timestamp(3) with time zone` → `timestamp with time zone`. */
function unmodified(columnType: string): string {
  return columnType.replace(/\(\d+(,\d+)?\)/g, '');
}

function transformFor(type: ChunkColumnType, column: string): BinaryFieldTransform | undefined {
  const target = unmodified(column);
  if (type.typeName.startsWith('_')) {
    // An array's binary form names its element type, which must be the column's element type exactly.
    const element = SAME_TYPE[type.typeName.slice(1)];
    return element !== undefined && target === `${element}[]` ? 'same' : undefined;
  }
  if (type.typeKind === 'e' || TEXT_LIKE.has(type.typeName)) return TEXT_COLUMNS.has(target) ? 'same' : undefined;
  if (SAME_TYPE[type.typeName] === target) return 'same';
  if (type.typeName === 'int2') return target === 'integer' ? 'int2to4' : target === 'bigint' ? 'int2to8' : undefined;
  if (type.typeName === 'int4') return target === 'bigint' ? 'int4to8' : undefined;
  if (type.typeName === 'json') return target === 'jsonb' ? 'jsonb' : undefined;
  return undefined;
}

/**
 * How each field of tuples of source types `types` goes into columns of actual types `columns`
 * (format_type spellings), or, for the first field that cannot go in binary, why not.
 */
export function binaryTransforms(types: readonly ChunkColumnType[], columns: readonly string[]): { transforms: BinaryFieldTransform[] } | { mismatch: string } {
  const transforms: BinaryFieldTransform[] = [];
  for (let i = 0; i < types.length; i++) {
    const transform = transformFor(types[i]!, columns[i]!);
    if (!transform) return { mismatch: `a ${types[i]!.typeName} value goes into a ${columns[i]} column` };
    transforms.push(transform);
  }
  return { transforms };
}

const RAW_ID_FIELD = 4 + 16;
const GROWTH: Record<BinaryFieldTransform, number> = { same: 0, int2to4: 2, int2to8: 6, int4to8: 4, jsonb: 1 };

/** The most bytes `rows` tuples can grow by: the raw id, the metadata `suffix` and widened fields. */
export function binaryRowsGrowth(rows: number, transforms: readonly BinaryFieldTransform[], suffixLength: number): number {
  let perRow = RAW_ID_FIELD + suffixLength;
  for (const transform of transforms) perRow += GROWTH[transform];
  return rows * perRow;
}

/**
 * The binary-COPY fields of the metadata columns after the raw id: extracted_at (microseconds since
 * 2000-01-01 UTC), the sync id (text) and the checkpoint (bigint).
 */
export function binaryMetadataSuffix(extractedAtMs: number, syncId: string, checkpoint: number): Buffer {
  const sync = Buffer.from(syncId, 'utf8');
  const out = Buffer.allocUnsafe(12 + 4 + sync.length + 12);
  let at = out.writeInt32BE(8, 0);
  // Whole milliseconds, as the text path's Date gives them.
  at = out.writeBigInt64BE(BigInt(Math.trunc(extractedAtMs) - PG_EPOCH_MS) * 1000n, at);
  at = out.writeInt32BE(sync.length, at);
  at += sync.copy(out, at);
  at = out.writeInt32BE(8, at);
  out.writeBigInt64BE(BigInt(checkpoint), at);
  return out;
}

const PG_EPOCH_MS = Date.UTC(2000, 0, 1);

function writeInt32(out: Buffer, at: number, value: number): number {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 255;
  out[at + 2] = (value >>> 8) & 255;
  out[at + 3] = value & 255;
  return at + 4;
}

/**
 * Writes the `rows` tuples of `data` to `out` (which has room for `binaryRowsGrowth` more bytes
 * than `data`), each with its fields transformed, a raw id (a version 4 UUID from 16 bytes of
 * `random` per row) and `suffix` appended. Returns the bytes written, or undefined unless `data` is
 * exactly `rows` whole tuples of `transforms.length` fields.
 */
export function writeBinaryRows(data: Buffer, rows: number, transforms: readonly BinaryFieldTransform[], suffix: Buffer, random: Buffer, out: Buffer): number | undefined {
  const fields = transforms.length;
  const countWithMetadata = fields + 4;
  if (transforms.every((t) => t === 'same')) return writeUnchangedRows(data, rows, fields, suffix, random, out);
  const end = data.length;
  let p = 0;
  let at = 0;
  for (let row = 0; row < rows; row++) {
    if (p + 2 > end || ((data[p]! << 8) | data[p + 1]!) !== fields) return undefined;
    p += 2;
    out[at++] = countWithMetadata >> 8;
    out[at++] = countWithMetadata & 255;
    for (let f = 0; f < fields; f++) {
      if (p + 4 > end) return undefined;
      const length = readInt32(data, p);
      const transform = transforms[f]!;
      if (length < 0 || transform === 'same') {
        const size = length > 0 ? 4 + length : 4;
        if (p + size > end) return undefined;
        at += data.copy(out, at, p, p + size);
        p += size;
        continue;
      }
      p += 4;
      if (p + length > end) return undefined;
      if (transform === 'jsonb') {
        at = writeInt32(out, at, length + 1);
        out[at++] = 1; // jsonb's binary format version
        at += data.copy(out, at, p, p + length);
      } else {
        if (length !== (transform === 'int4to8' ? 4 : 2)) return undefined;
        const value = transform === 'int4to8' ? readInt32(data, p) : readInt16(data, p);
        if (transform === 'int2to4') at = writeInt32(out, writeInt32(out, at, 4), value);
        else at = writeInt32(out, writeInt32(out, writeInt32(out, at, 8), value < 0 ? -1 : 0), value);
      }
      p += length;
    }
    at = writeMetadata(out, at, random, row, suffix);
  }
  return p === end ? at : undefined;
}

/** The raw id (a version 4 UUID from the row's 16 bytes of `random`) and `suffix`, at `at`. */
function writeMetadata(out: Buffer, at: number, random: Buffer, row: number, suffix: Buffer): number {
  at = writeInt32(out, at, 16);
  const r = row * 16;
  for (let i = 0; i < 16; i++) out[at + i] = random[r + i]!;
  out[at + 6] = (out[at + 6]! & 0x0f) | 0x40;
  out[at + 8] = (out[at + 8]! & 0x3f) | 0x80;
  return at + 16 + suffix.copy(out, at + 16);
}

/**
 * The hot path, every field as is: `data` is copied once to the end of `out`, then each tuple is
 * moved forward to its place (`copyWithin`: no view allocated per row, as `Buffer.copy` of a range
 * does) and followed by its metadata. Output never overtakes input not yet moved: each tuple grows
 * by the same amount, and `data` starts that amount per tuple into `out`.
 */
function writeUnchangedRows(data: Buffer, rows: number, fields: number, suffix: Buffer, random: Buffer, out: Buffer): number | undefined {
  const extra = rows * (RAW_ID_FIELD + suffix.length);
  if (out.length < data.length + extra) return undefined;
  out.set(data, extra);
  const end = extra + data.length;
  const countWithMetadata = fields + 4;
  let p = extra;
  let at = 0;
  for (let row = 0; row < rows; row++) {
    if (p + 2 > end || ((out[p]! << 8) | out[p + 1]!) !== fields) return undefined;
    const start = p + 2;
    p = start;
    for (let f = 0; f < fields; f++) {
      if (p + 4 > end) return undefined;
      const length = readInt32(out, p);
      p += length > 0 ? 4 + length : 4;
    }
    if (p > end) return undefined;
    out[at++] = countWithMetadata >> 8;
    out[at++] = countWithMetadata & 255;
    out.copyWithin(at, start, p);
    at += p - start;
    at = writeMetadata(out, at, random, row, suffix);
  }
  return p === end ? at : undefined;
}
