// Decoding the tuples of `COPY ... TO STDOUT (FORMAT binary)` (file header and trailer stripped,
// client encoding UTF-8, session in UTC) for the destinations that take `postgres_copy_binary`
// record chunks. Every value decodes to exactly what source-postgres's record path makes of the same
// value's text form (its pg-type.mapping.ts): integers as numbers (int8 beyond 2^53 as text),
// floats as the number their shortest text gives, numerics as their text, timestamps as RFC 3339
// text, bytea as base64, json parsed, arrays as JSON arrays. Destinations either ask for that record
// value (`binaryRecordValue`) or, on their hot path, for the typed form directly: 64-bit words, Unix
// days, unscaled decimals, UTF-8 text written into their own byte buffer (`ByteSink`).
//
// `binaryCopyDecodable` is the contract with the source: it sends binary chunks only for streams whose
// every column type passes it, so everything it accepts must be decoded here exactly. The tuples and
// fixed-size fields are read in binary-copy.fields.ts, text and JSON forms written in binary-copy.text.ts.
import type { ChunkColumnType, JsonValue } from '@tributary/protocol';
import {
  BinaryTupleIndex,
  floatRecordValue,
  NUMERIC_NEG,
  PG_EPOCH_DAYS,
  PG_EPOCH_MICROS,
  readFloat4,
  readFloat8,
  readInt16,
  readInt32,
  readInt64,
  readUint16,
  readUint32,
  TWO_32,
} from './binary-copy.fields';
import { arrayJsonWriter, asciiTextWriter, putDateText, putNumericText, putTimestampText, TEXT_TYPES, undecodable, writtenText } from './binary-copy.text';

/** Types whose binary form is decoded here; arrays of them are too (`_` + the element's name). */
const SCALAR_TYPES = new Set([
  'int2', 'int4', 'int8', 'oid', 'float4', 'float8', 'numeric', 'bool',
  'text', 'varchar', 'bpchar', 'name', 'uuid',
  'date', 'time', 'timetz', 'timestamp', 'timestamptz', 'interval',
  'json', 'jsonb', 'bytea',
]);

/**
 * Whether this package decodes the type's binary form exactly as the record path converts its text.
 * Enums are (their binary form is the label); arrays are when their element is a decodable base type
 * (an enum array's element cannot be told from its name, so it is not).
 */
export function binaryCopyDecodable(type: ChunkColumnType): boolean {
  if (type.typeKind === 'e') return true;
  if (type.typeName.startsWith('_')) return SCALAR_TYPES.has(type.typeName.slice(1));
  return SCALAR_TYPES.has(type.typeName);
}

/** Whether the value's binary form is its UTF-8 text, kept as is by the record path. */
export function isBinaryText(type: ChunkColumnType): boolean {
  return type.typeKind === 'e' || TEXT_TYPES.has(type.typeName);
}

// Typed forms: what a columnar destination stores (64-bit words, days, unscaled decimals)

const EPOCH_HIGH = Math.floor(PG_EPOCH_MICROS / TWO_32);
const EPOCH_LOW = PG_EPOCH_MICROS - EPOCH_HIGH * TWO_32;
/** 0001-01-01 00:00:00 in PostgreSQL microseconds, as 32-bit halves: the record path rejects BC timestamps. */
const FIRST_AD_HIGH = -14_687_489;
const FIRST_AD_LOW = 3_315_359_744;
const FIRST_AD_DAYS = -730_119;
/** JavaScript's Date range (±8.64e15 ms): what the record path can represent. */
const MAX_UNIX_MICROS = 8.64e18;
const MAX_UNIX_DAYS = 100_000_000;

/** The int8/int4/int2/oid at `p` as an int64 in `words[2i]` (low) and `words[2i+1]` (high). */
export function putInt64Words(type: string, d: Uint8Array, p: number, words: Int32Array, i: number): void {
  switch (type) {
    case 'int8':
      words[2 * i] = readInt32(d, p + 4);
      words[2 * i + 1] = readInt32(d, p);
      return;
    case 'int4': {
      const value = readInt32(d, p);
      words[2 * i] = value;
      words[2 * i + 1] = value >> 31;
      return;
    }
    case 'int2': {
      const value = readInt16(d, p);
      words[2 * i] = value;
      words[2 * i + 1] = value >> 31;
      return;
    }
    default: // oid, unsigned
      words[2 * i] = readInt32(d, p);
      words[2 * i + 1] = 0;
  }
}

/**
 * The timestamp(tz) at `p` as Unix microseconds in `words[2i]` (low) and `words[2i+1]` (high).
 * Throws for what the record path cannot read back: infinity and BC (it keeps their text).
 */
export function putUnixMicrosWords(d: Uint8Array, p: number, words: Int32Array, i: number): void {
  const high = readInt32(d, p);
  const low = readUint32(d, p + 4);
  if (high < FIRST_AD_HIGH || (high === FIRST_AD_HIGH && low < FIRST_AD_LOW) || high * TWO_32 + low + PG_EPOCH_MICROS >= MAX_UNIX_MICROS) {
    throw new TypeError(`expected an ISO 8601 timestamp, got ${JSON.stringify(writtenText((sink) => putTimestampText(sink, d, p, true)))}`);
  }
  const sumLow = low + EPOCH_LOW;
  words[2 * i] = sumLow | 0;
  words[2 * i + 1] = high + EPOCH_HIGH + (sumLow >= TWO_32 ? 1 : 0);
}

/** The date at `p` as days since 1970-01-01; throws for infinity and BC (as the record path does). */
export function unixDays(d: Uint8Array, p: number): number {
  const days = readInt32(d, p);
  if (days < FIRST_AD_DAYS || days + PG_EPOCH_DAYS > MAX_UNIX_DAYS) throw new TypeError(`expected an ISO 8601 timestamp, got ${JSON.stringify(writtenText((sink) => putDateText(sink, d, p)))}`);
  return days + PG_EPOCH_DAYS;
}

/** Below this, acc * 10000 + 9999 is still a safe integer. */
const SAFE_ACCUMULATOR = Math.floor(Number.MAX_SAFE_INTEGER / 10_000) - 1;
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, k) => 10 ** k);

/**
 * The numeric at `p` as the unscaled integer of a decimal(precision, scale), as Arrow's Decimal128
 * stores it: 128-bit two's complement in four little-endian 32-bit words at `words[4i]`. Throws as
 * the record path does (NaN, infinities, more digits than the column takes).
 */
export function putUnscaledDecimalWords(d: Uint8Array, p: number, precision: number, scale: number, words: Uint32Array, i: number): void {
  const ndigits = readUint16(d, p);
  const weight = readInt16(d, p + 2);
  const sign = readUint16(d, p + 4);
  if (sign !== 0 && sign !== NUMERIC_NEG) throw new TypeError(`expected a decimal, got ${JSON.stringify(writtenText((sink) => putNumericText(sink, d, p)))}`);
  let accumulator = 0;
  let big: bigint | undefined;
  for (let k = 0, q = p + 8; k < ndigits; k++, q += 2) {
    const digit = readUint16(d, q);
    if (big === undefined && accumulator < SAFE_ACCUMULATOR) accumulator = accumulator * 10_000 + digit;
    else big = (big ?? BigInt(accumulator)) * 10_000n + BigInt(digit);
  }
  // The digits read as one integer are worth 10^shift units of the column.
  const shift = 4 * (weight - ndigits + 1) + scale;
  if (shift < 0) {
    const divisor = POWERS_OF_TEN[Math.min(-shift, 15)];
    const exact = big === undefined ? -shift <= 15 && accumulator % divisor === 0 : big % 10n ** BigInt(-shift) === 0n;
    if (!exact) throw new TypeError(`expected at most ${scale} digits after the point, got ${JSON.stringify(writtenText((sink) => putNumericText(sink, d, p)))}`);
    if (big === undefined) accumulator /= divisor;
    else big /= 10n ** BigInt(-shift);
  } else if (shift > 0) {
    if (big === undefined && shift <= 15 && accumulator <= Number.MAX_SAFE_INTEGER / POWERS_OF_TEN[shift]) accumulator *= POWERS_OF_TEN[shift];
    else big = (big ?? BigInt(accumulator)) * 10n ** BigInt(shift);
  }
  const negative = sign === NUMERIC_NEG;
  if (big === undefined) {
    if (precision < 16 && accumulator >= POWERS_OF_TEN[precision]) throw tooManyDigits(d, p, precision, scale);
    const n = negative ? -accumulator : accumulator;
    const high = Math.floor(n / TWO_32);
    words[4 * i] = n - high * TWO_32;
    words[4 * i + 1] = high >>> 0;
    words[4 * i + 2] = words[4 * i + 3] = n < 0 ? 0xffffffff : 0;
    return;
  }
  if (big.toString().length > precision) throw tooManyDigits(d, p, precision, scale);
  let unscaled = negative ? (1n << 128n) - big : big;
  for (let w = 0; w < 4; w++) {
    words[4 * i + w] = Number(unscaled & 0xffffffffn);
    unscaled >>= 32n;
  }
}

function tooManyDigits(d: Uint8Array, p: number, precision: number, scale: number): TypeError {
  return new TypeError(`expected at most ${precision} significant digits (scale ${scale}), got ${JSON.stringify(writtenText((sink) => putNumericText(sink, d, p)))}`);
}

// Record values: what the record path would have put in a RECORD

function scalarRecordValue(name: string, d: Buffer, p: number, length: number): JsonValue {
  switch (name) {
    case 'int2':
      return readInt16(d, p);
    case 'int4':
      return readInt32(d, p);
    case 'oid':
      return readUint32(d, p);
    case 'int8': {
      const value = readInt64(d, p);
      // As the record path reads the text: what a double cannot hold exactly stays text.
      return typeof value === 'number' && Number.isSafeInteger(value) ? value : value.toString();
    }
    case 'float4':
      return floatRecordValue(readFloat4(d, p));
    case 'float8':
      return floatRecordValue(readFloat8(d, p));
    case 'bool':
      return d[p] === 1;
    case 'json':
    case 'jsonb': {
      const start = name === 'jsonb' ? p + 1 : p;
      return JSON.parse(d.toString('utf8', start, p + length)) as JsonValue;
    }
    case 'bytea':
      return d.toString('base64', p, p + length);
    default: {
      if (TEXT_TYPES.has(name)) return d.toString('utf8', p, p + length);
      const put = asciiTextWriter(name);
      if (!put) throw undecodable(name);
      return writtenText((sink) => put(sink, d, p));
    }
  }
}

/** The value at `p` as the record path gives it (what source-postgres puts in a RECORD). */
export function binaryRecordValue(type: ChunkColumnType, d: Buffer, p: number, length: number): JsonValue {
  if (length < 0) return null;
  if (type.typeKind === 'e') return d.toString('utf8', p, p + length);
  if (type.typeName.startsWith('_')) {
    // The JSON written is JSON.stringify's of the record path's array, so it reads back as that array.
    const write = arrayJsonWriter(type.typeName);
    return JSON.parse(writtenText((sink) => write(sink, d, p), 'utf8')) as JsonValue;
  }
  return scalarRecordValue(type.typeName, d, p, length);
}

/**
 * The records of a chunk's tuples, one object per row (field name → record value), for writers
 * that take whole records only.
 */
export function* binaryChunkRecords(fields: readonly string[], types: readonly ChunkColumnType[], data: Uint8Array, rows: number): Generator<Record<string, JsonValue>> {
  const d = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const tuples = new BinaryTupleIndex();
  tuples.index(d, fields.length, rows);
  for (let r = 0; r < rows; r++) {
    const record: Record<string, JsonValue> = {};
    for (let f = 0; f < fields.length; f++) record[fields[f]] = binaryRecordValue(types[f], d, tuples.starts[f * rows + r], tuples.lengths[f * rows + r]);
    yield record;
  }
}
