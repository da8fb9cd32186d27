// The text and JSON forms of binary COPY values, written as UTF-8 straight into a destination's
// byte buffer (a ByteSink: the Arrow value buffer of a column), never through a JavaScript string
// on the hot path. Each form is what source-postgres's record path holds for the value: PostgreSQL's
// own text under the source's session settings (ISO dates, ISO 8601 intervals, UTC), timestamps in
// RFC 3339, and for JSON columns what JSON.stringify writes of the parsed value.
import type { ChunkColumnType, JsonValue } from '@tributary/protocol';
import { SystemError } from '../errors';
import {
  MICROS_PER_DAY,
  NUMERIC_NAN,
  NUMERIC_NEG,
  NUMERIC_NINF,
  NUMERIC_PINF,
  PG_EPOCH_DAYS,
  floatRecordValue,
  readFloat4,
  readFloat8,
  readInt16,
  readInt32,
  readInt64,
  readUint16,
  readUint32,
} from './binary-copy.fields';

/** Types whose binary form is their UTF-8 text (the record path keeps that text as is). */
export const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar', 'name']);

/** A growable byte buffer the text decoders write into (a column's Arrow value buffer). */
export interface ByteSink {
  data: Buffer;
  used: number;
  /** Makes room for `extra` more bytes after `used` (may replace `data`). */
  reserve(extra: number): void;
}

/** Copies `length` bytes from `d` at `p`. */
export function putBytes(sink: ByteSink, d: Buffer, p: number, length: number): void {
  sink.reserve(length);
  const out = sink.data;
  let at = sink.used;
  // Short values: a loop beats the native call (and allocates nothing, unlike subarray).
  if (length < 24) for (let k = 0; k < length; k++) out[at++] = d[p + k];
  else d.copy(out, at, p, p + length);
  sink.used += length;
}

function putAscii(sink: ByteSink, text: string): void {
  sink.reserve(text.length);
  const out = sink.data;
  let at = sink.used;
  for (let k = 0; k < text.length; k++) out[at++] = text.charCodeAt(k);
  sink.used = at;
}

function putUtf8(sink: ByteSink, text: string): void {
  sink.reserve(text.length * 3);
  sink.used += sink.data.write(text, sink.used, 'utf8');
}

function putByte(sink: ByteSink, byte: number): void {
  sink.reserve(1);
  sink.data[sink.used++] = byte;
}

/** A non-negative integer below 2^53, at least `width` digits (zero-padded). */
function putDigits(sink: ByteSink, value: number, width = 1): void {
  let count = 1;
  for (let v = value; v >= 10; v = Math.floor(v / 10)) count++;
  if (count < width) count = width;
  sink.reserve(count);
  const out = sink.data;
  let v = value;
  for (let at = sink.used + count - 1; at >= sink.used; at--) {
    const q = Math.floor(v / 10);
    out[at] = 48 + (v - q * 10);
    v = q;
  }
  sink.used += count;
}

function putInteger(sink: ByteSink, value: number): void {
  if (value < 0) {
    putByte(sink, 45);
    putDigits(sink, -value);
  } else putDigits(sink, value);
}

const HEX = Array.from({ length: 256 }, (_, b) => [b >> 4, b & 15].map((n) => (n < 10 ? 48 + n : 87 + n)));

/** 8-4-4-4-12 lowercase hex. */
export function putUuidText(sink: ByteSink, d: Uint8Array, p: number): void {
  sink.reserve(36);
  const out = sink.data;
  let at = sink.used;
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) out[at++] = 45;
    const hex = HEX[d[p + k]];
    out[at++] = hex[0];
    out[at++] = hex[1];
  }
  sink.used = at;
}

/** numeric_out: every digit of the display scale, no exponent; NaN and the infinities by name. */
export function putNumericText(sink: ByteSink, d: Uint8Array, p: number): void {
  const ndigits = readUint16(d, p);
  const weight = readInt16(d, p + 2);
  const sign = readUint16(d, p + 4);
  const dscale = readUint16(d, p + 6);
  if (sign === NUMERIC_NAN) return putAscii(sink, 'NaN');
  if (sign === NUMERIC_PINF) return putAscii(sink, 'Infinity');
  if (sign === NUMERIC_NINF) return putAscii(sink, '-Infinity');
  const digit = (k: number) => (k >= 0 && k < ndigits ? readUint16(d, p + 8 + 2 * k) : 0);
  if (sign === NUMERIC_NEG) putByte(sink, 45);
  let k = 0;
  if (weight < 0) {
    k = weight + 1;
    putByte(sink, 48);
  } else {
    for (; k <= weight; k++) putDigits(sink, digit(k), k === 0 ? 1 : 4);
  }
  if (dscale <= 0) return;
  putByte(sink, 46);
  sink.reserve(dscale + 4);
  const end = sink.used + dscale;
  for (let written = 0; written < dscale; k++, written += 4) putDigits(sink, digit(k), 4);
  sink.used = end;
}

/** Proleptic Gregorian year, month, day of a count of days since 1970-01-01 (H. Hinnant's civil_from_days). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** `YYYY-MM-DD` of days since 2000-01-01; returns whether the year is BC (the caller appends " BC"). */
function putIsoDate(sink: ByteSink, pgDays: number): boolean {
  const [year, month, day] = civilFromDays(pgDays + PG_EPOCH_DAYS);
  putDigits(sink, year > 0 ? year : 1 - year, 4);
  putByte(sink, 45);
  putDigits(sink, month, 2);
  putByte(sink, 45);
  putDigits(sink, day, 2);
  return year <= 0;
}

/** AppendSeconds: seconds, then the fraction without its trailing zeros. */
function putSeconds(sink: ByteSink, seconds: number, micros: number, pad: boolean): void {
  putDigits(sink, seconds, pad ? 2 : 1);
  if (micros === 0) return;
  putByte(sink, 46);
  let digits = 6;
  let fraction = micros;
  while (fraction % 10 === 0) {
    fraction /= 10;
    digits--;
  }
  putDigits(sink, fraction, digits);
}

/** `hh:mm:ss[.ffffff]` of microseconds since midnight. */
function putTimeOfDay(sink: ByteSink, micros: number): void {
  const seconds = Math.floor(micros / 1_000_000);
  putDigits(sink, Math.floor(seconds / 3600), 2);
  putByte(sink, 58);
  putDigits(sink, Math.floor(seconds / 60) % 60, 2);
  putByte(sink, 58);
  putSeconds(sink, seconds % 60, micros - seconds * 1_000_000, true);
}

/** EncodeTimezone (ISO style): the zone is seconds west of UTC, shown as +hh[:mm[:ss]] east. */
function putZone(sink: ByteSink, secondsWest: number): void {
  const total = Math.abs(secondsWest);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor(total / 60) % 60;
  const seconds = total % 60;
  putByte(sink, secondsWest <= 0 ? 43 : 45);
  putDigits(sink, hours, 2);
  if (minutes === 0 && seconds === 0) return;
  putByte(sink, 58);
  putDigits(sink, minutes, 2);
  if (seconds === 0) return;
  putByte(sink, 58);
  putDigits(sink, seconds, 2);
}

const BC = ' BC';

export function putDateText(sink: ByteSink, d: Uint8Array, p: number): void {
  const days = readInt32(d, p);
  if (days === 0x7fffffff) return putAscii(sink, 'infinity');
  if (days === -0x80000000) return putAscii(sink, '-infinity');
  if (putIsoDate(sink, days)) putAscii(sink, BC);
}

export function putTimeText(sink: ByteSink, d: Uint8Array, p: number): void {
  putTimeOfDay(sink, readInt64(d, p) as number);
}

export function putTimetzText(sink: ByteSink, d: Uint8Array, p: number): void {
  putTimeOfDay(sink, readInt64(d, p) as number);
  putZone(sink, readInt32(d, p + 8));
}

/**
 * A timestamp as the record path gives it: RFC 3339 (`2024-01-02T03:04:05.5Z` with a zone, without
 * `Z` for a timestamp without one) for years 1 to 9999, else PostgreSQL's own text (infinity, BC,
 * five-digit years), as source-postgres's converter leaves those.
 */
export function putTimestampText(sink: ByteSink, d: Uint8Array, p: number, withZone: boolean): void {
  const micros = readInt64(d, p);
  if (micros === 0x7fffffffffffffffn) return putAscii(sink, 'infinity');
  if (micros === -0x8000000000000000n) return putAscii(sink, '-infinity');
  const big = typeof micros === 'bigint';
  const days = big ? Number(micros / BigInt(MICROS_PER_DAY) - (micros % BigInt(MICROS_PER_DAY) < 0n ? 1n : 0n)) : Math.floor(micros / MICROS_PER_DAY);
  const timeOfDay = big ? Number(micros - BigInt(days) * BigInt(MICROS_PER_DAY)) : micros - days * MICROS_PER_DAY;
  const start = sink.used;
  const bc = putIsoDate(sink, days);
  const rfc3339 = !bc && sink.used - start === 10;
  putByte(sink, rfc3339 ? 84 : 32);
  putTimeOfDay(sink, timeOfDay);
  if (withZone) putAscii(sink, rfc3339 ? 'Z' : '+00');
  if (bc) putAscii(sink, BC);
}

/** ISO 8601 intervals (IntervalStyle iso_8601), as EncodeInterval prints them. */
export function putIntervalText(sink: ByteSink, d: Uint8Array, p: number): void {
  const time = readInt64(d, p);
  const day = readInt32(d, p + 8);
  const month = readInt32(d, p + 12);
  if (month === 0x7fffffff && day === 0x7fffffff && time === 0x7fffffffffffffffn) return putAscii(sink, 'infinity');
  if (month === -0x80000000 && day === -0x80000000 && time === -0x8000000000000000n) return putAscii(sink, '-infinity');
  const years = Math.trunc(month / 12);
  const months = month % 12;
  // Hours fit a double (int64 microseconds are at most 2.6e9 hours); C division truncates.
  let hours: number;
  let rest: number;
  if (typeof time === 'bigint') {
    hours = Number(time / 3_600_000_000n);
    rest = Number(time % 3_600_000_000n);
  } else {
    hours = Math.trunc(time / 3_600_000_000);
    rest = time % 3_600_000_000;
  }
  const minutes = Math.trunc(rest / 60_000_000);
  rest %= 60_000_000;
  const seconds = Math.trunc(rest / 1_000_000);
  const micros = rest % 1_000_000;
  if (years === 0 && months === 0 && day === 0 && hours === 0 && minutes === 0 && seconds === 0 && micros === 0) return putAscii(sink, 'PT0S');
  putByte(sink, 80);
  const part = (value: number, unit: number) => {
    if (value === 0) return;
    putInteger(sink, value);
    putByte(sink, unit);
  };
  part(years, 89);
  part(months, 77);
  part(day, 68);
  if (hours === 0 && minutes === 0 && seconds === 0 && micros === 0) return;
  putByte(sink, 84);
  part(hours, 72);
  part(minutes, 77);
  if (seconds === 0 && micros === 0) return;
  if (seconds < 0 || micros < 0) putByte(sink, 45);
  putSeconds(sink, Math.abs(seconds), Math.abs(micros), false);
  putByte(sink, 83);
}

// JSON forms: json/jsonb values and arrays, as JSON.stringify writes what the record path parsed

const QUOTE = 34;
const BACKSLASH = 92;
const SHORT_ESCAPES: Record<number, number> = { 8: 98, 9: 116, 10: 110, 12: 102, 13: 114 };

/** UTF-8 bytes as a JSON string, escaped as JSON.stringify escapes. */
function putJsonString(sink: ByteSink, d: Uint8Array, p: number, length: number): void {
  sink.reserve(length * 6 + 2);
  const out = sink.data;
  let at = sink.used;
  out[at++] = QUOTE;
  for (let k = p, end = p + length; k < end; k++) {
    const byte = d[k];
    if (byte >= 32 && byte !== QUOTE && byte !== BACKSLASH) out[at++] = byte;
    else {
      out[at++] = BACKSLASH;
      const short = byte === QUOTE || byte === BACKSLASH ? byte : SHORT_ESCAPES[byte];
      if (short !== undefined) out[at++] = short;
      else {
        out[at++] = 117; // u00XX
        out[at++] = 48;
        out[at++] = 48;
        out[at++] = HEX[byte][0];
        out[at++] = HEX[byte][1];
      }
    }
  }
  out[at++] = QUOTE;
  sink.used = at;
}

/**
 * The json/jsonb value at `p` as JSON.stringify(JSON.parse(text)); false for JSON null (the record
 * path then holds null). jsonb's text is canonical enough to be rewritten byte by byte in the common
 * case; anything that needs JavaScript's own reading (numbers beyond 15 digits, integer-like keys,
 * which a JavaScript object orders first) takes the general way.
 */
export function putJsonText(sink: ByteSink, jsonb: boolean, d: Buffer, p: number, length: number): boolean {
  let start = p;
  if (jsonb) {
    if (d[p] !== 1) throw new TypeError(`expected jsonb version 1, got ${d[p]}`);
    start++;
  }
  const end = p + length;
  if (end - start === 4 && d[start] === 110 && d[start + 1] === 117 && d[start + 2] === 108 && d[start + 3] === 108) return false; // null
  const mark = sink.used;
  if (jsonb && putCanonicalJsonb(sink, d, start, end)) return true;
  sink.used = mark;
  const value = JSON.parse(d.toString('utf8', start, end)) as JsonValue;
  if (value === null) return false;
  putUtf8(sink, JSON.stringify(value));
  return true;
}

function isSpace(byte: number): boolean {
  return byte === 32 || byte === 10 || byte === 13 || byte === 9;
}

/** jsonb's text (`{"a": 1, "b": [true, "x"]}`) without its spaces; false where JavaScript would write it otherwise. */
function putCanonicalJsonb(sink: ByteSink, d: Uint8Array, start: number, end: number): boolean {
  sink.reserve(end - start);
  const out = sink.data;
  let at = sink.used;
  let k = start;
  // One pass, copying as it goes: strings verbatim (jsonb escapes exactly as JSON.stringify does),
  // spaces between tokens dropped, numbers rewritten.
  while (k < end) {
    let byte = d[k];
    if (byte === QUOTE) {
      const from = ++k;
      out[at++] = QUOTE;
      while ((byte = d[k++]) !== QUOTE) {
        out[at++] = byte;
        if (byte === BACKSLASH) out[at++] = d[k++];
      }
      out[at++] = QUOTE;
      // A key ("...":) that reads as an array index: JavaScript orders such keys first.
      let next = k;
      while (next < end && d[next] === 32) next++;
      if (d[next] === 58 && isArrayIndexKey(d, from, k - 1)) return false;
    } else if (byte === 45 || (byte >= 48 && byte <= 57)) {
      const from = k;
      while (k < end && (byte = d[k]) !== 44 && byte !== 93 && byte !== 125 && byte !== 32) k++; // , ] } space
      at = putCanonicalNumber(out, at, d, from, k);
      if (at < 0) return false;
    } else {
      if (!isSpace(byte)) out[at++] = byte;
      k++;
    }
  }
  sink.used = at;
  return true;
}

/** A canonical array index ("0", "17", below 2^32 - 1): JavaScript orders such keys first. */
function isArrayIndexKey(d: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0 || length > 10 || (length > 1 && d[start] === 48)) return false;
  let value = 0;
  for (let k = start; k < end; k++) {
    const digit = d[k] - 48;
    if (digit < 0 || digit > 9) return false;
    value = value * 10 + digit;
  }
  return value < 4_294_967_295;
}

/**
 * numeric_out's `-?digits[.digits]` as String(Number(text)) writes it, when that is a plain rewrite:
 * at most 15 significant digits (a double keeps them) and 1e-6 <= |x| < 1e21 (no exponent). Returns
 * where the output ends, or -1 to take the general way.
 */
function putCanonicalNumber(out: Buffer, at: number, d: Uint8Array, start: number, end: number): number {
  let k = start;
  const negative = d[k] === 45;
  if (negative) k++;
  const intStart = k;
  while (k < end && d[k] >= 48 && d[k] <= 57) k++;
  const intEnd = k;
  let fracStart = k;
  let fracEnd = k;
  if (k < end && d[k] === 46) {
    fracStart = ++k;
    while (k < end && d[k] >= 48 && d[k] <= 57) k++;
    fracEnd = k;
  }
  if (k !== end || intEnd === intStart || (intEnd - intStart > 1 && d[intStart] === 48)) return -1; // exponent, leading zero
  while (fracEnd > fracStart && d[fracEnd - 1] === 48) fracEnd--;
  const integerIsZero = intEnd - intStart === 1 && d[intStart] === 48;
  if (integerIsZero) {
    if (fracEnd === fracStart) {
      out[at++] = 48; // 0, -0 and 0.000 are all "0"
      return at;
    }
    let firstNonZero = fracStart;
    while (d[firstNonZero] === 48) firstNonZero++;
    if (firstNonZero - fracStart > 5 || fracEnd - firstNonZero > 15) return -1;
  } else if (intEnd - intStart > 21 || intEnd - intStart + (fracEnd - fracStart) > 15) return -1;
  if (negative) out[at++] = 45;
  for (let c = intStart; c < intEnd; c++) out[at++] = d[c];
  if (fracEnd > fracStart) {
    out[at++] = 46;
    for (let c = fracStart; c < fracEnd; c++) out[at++] = d[c];
  }
  return at;
}

type ElementWriter = (sink: ByteSink, d: Buffer, p: number, length: number) => void;

/**
 * Writes a value's JSON (what JSON.stringify makes of its record value); false, writing nothing,
 * when that value is null (a json/jsonb `null`).
 */
export type JsonValueWriter = (sink: ByteSink, d: Buffer, p: number, length: number) => boolean;

/** The JSON writer of a column type: json/jsonb values, arrays, and scalars as their record value's JSON. */
export function jsonValueWriter(type: ChunkColumnType): JsonValueWriter {
  const name = type.typeName;
  if (name === 'json' || name === 'jsonb') return (sink, d, p, length) => putJsonText(sink, name === 'jsonb', d, p, length);
  const write = type.typeKind === 'e' ? putJsonString : name.startsWith('_') ? arrayJsonWriter(name) : elementWriter(name);
  return (sink, d, p, length) => {
    write(sink, d, p, length);
    return true;
  };
}

/** An int8 as JSON: a number when a double holds it exactly, else its digits as a string. */
function putInt8Json(sink: ByteSink, d: Buffer, p: number): void {
  const value = readInt64(d, p);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return putInteger(sink, value);
  putByte(sink, QUOTE);
  putAscii(sink, value.toString());
  putByte(sink, QUOTE);
}

/** How each array element type is written as JSON: what JSON.stringify makes of its record value. */
function elementWriter(name: string): ElementWriter {
  if (TEXT_TYPES.has(name)) return putJsonString;
  switch (name) {
    case 'int2':
      return (sink, d, p) => putInteger(sink, readInt16(d, p));
    case 'int4':
      return (sink, d, p) => putInteger(sink, readInt32(d, p));
    case 'oid':
      return (sink, d, p) => putInteger(sink, readUint32(d, p));
    case 'int8':
      return putInt8Json;
    case 'bool':
      return (sink, d, p) => putAscii(sink, d[p] === 1 ? 'true' : 'false');
    case 'float4':
      return (sink, d, p) => putUtf8(sink, JSON.stringify(floatRecordValue(readFloat4(d, p))));
    case 'float8':
      return (sink, d, p) => putUtf8(sink, JSON.stringify(floatRecordValue(readFloat8(d, p))));
    case 'json':
    case 'jsonb':
      return (sink, d, p, length) => {
        if (!putJsonText(sink, name === 'jsonb', d, p, length)) putAscii(sink, 'null');
      };
    case 'bytea':
      return (sink, d, p, length) => {
        putByte(sink, QUOTE);
        putAscii(sink, d.toString('base64', p, p + length));
        putByte(sink, QUOTE);
      };
    default: {
      // Text forms that need no escaping (digits, dates, times, intervals, uuids, numerics).
      const put = asciiTextWriter(name);
      if (!put) throw undecodable(name);
      return (sink, d, p) => {
        putByte(sink, QUOTE);
        put(sink, d, p);
        putByte(sink, QUOTE);
      };
    }
  }
}

export type TextWriter = (sink: ByteSink, d: Buffer, p: number) => void;

/** The text form of a value of a type whose text is ASCII (uuid, numeric, dates, times, intervals). */
export function asciiTextWriter(name: string): TextWriter | undefined {
  switch (name) {
    case 'uuid':
      return putUuidText;
    case 'numeric':
      return putNumericText;
    case 'date':
      return putDateText;
    case 'time':
      return putTimeText;
    case 'timetz':
      return putTimetzText;
    case 'interval':
      return putIntervalText;
    case 'timestamp':
      return (sink, d, p) => putTimestampText(sink, d, p, false);
    case 'timestamptz':
      return (sink, d, p) => putTimestampText(sink, d, p, true);
    default:
      return undefined;
  }
}

export function undecodable(name: string): SystemError {
  return new SystemError(`No binary COPY decoder for PostgreSQL type "${name}".`);
}

const arrayWriters = new Map<string, TextWriter>();

/** A JSON-array writer for an array type (`_int4`, ...): nested arrays per dimension, bounds dropped. */
export function arrayJsonWriter(typeName: string): TextWriter {
  let writer = arrayWriters.get(typeName);
  if (writer) return writer;
  const element = elementWriter(typeName.slice(1));
  writer = (sink, d, p) => {
    const dimensions = readInt32(d, p);
    if (dimensions === 0) return putAscii(sink, '[]');
    const sizes: number[] = [];
    for (let k = 0; k < dimensions; k++) sizes.push(readInt32(d, p + 12 + 8 * k));
    let at = p + 12 + 8 * dimensions;
    const level = (depth: number): void => {
      putByte(sink, 91);
      for (let k = 0; k < sizes[depth]; k++) {
        if (k > 0) putByte(sink, 44);
        if (depth + 1 < dimensions) level(depth + 1);
        else {
          const length = readInt32(d, at);
          at += 4;
          if (length < 0) putAscii(sink, 'null');
          else {
            element(sink, d, at, length);
            at += length;
          }
        }
      }
      putByte(sink, 93);
    };
    level(0);
  };
  arrayWriters.set(typeName, writer);
  return writer;
}

/** A ByteSink of its own that grows as needed; `take` returns what was written and empties it. */
export class GrowingByteSink implements ByteSink {
  data = Buffer.allocUnsafe(256);
  used = 0;
  reserve(extra: number): void {
    if (this.used + extra <= this.data.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.used + extra));
    this.data.copy(grown, 0, 0, this.used);
    this.data = grown;
  }
  take(encoding: 'latin1' | 'utf8' = 'utf8'): string {
    const text = this.data.toString(encoding, 0, this.used);
    this.used = 0;
    return text;
  }
}

const scratch = new GrowingByteSink();

/** What a writer writes, as a string (for record values and error messages, not the hot path). */
export function writtenText(write: (sink: ByteSink) => void, encoding: 'latin1' | 'utf8' = 'latin1'): string {
  write(scratch);
  return scratch.take(encoding);
}
