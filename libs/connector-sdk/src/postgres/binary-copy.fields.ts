// The fields of `COPY ... TO STDOUT (FORMAT binary)` tuples: where each field of a chunk lies
// (BinaryTupleIndex) and the fixed-size values PostgreSQL sends — big-endian integers and floats,
// the 2000-01-01 epoch of dates and timestamps, the sign words of numerics. No text here.
import { SystemError } from '../errors';

/**
 * Where each field of each tuple of a chunk lies, column by column, so that a destination decodes a
 * column at a time. Reused chunk after chunk (the arrays only grow).
 */
export class BinaryTupleIndex {
  rows = 0;
  fields = 0;
  /** Offset of the bytes of field `f` of row `r` at `[f * rows + r]`. */
  starts = new Int32Array(0);
  /** Their length at the same place; -1 for NULL. */
  lengths = new Int32Array(0);
  /** Offset just past row `r` (row 0 starts at 0): a slice of rows weighs `rowEnds[b-1] - rowEnds[a-1]`. */
  rowEnds = new Int32Array(0);

  /** Indexes `rows` whole tuples of `fields` fields; throws unless `data` is exactly that. */
  index(data: Uint8Array, fields: number, rows: number): void {
    const cells = fields * rows;
    if (this.starts.length < cells) {
      this.starts = new Int32Array(cells);
      this.lengths = new Int32Array(cells);
    }
    if (this.rowEnds.length < rows) this.rowEnds = new Int32Array(rows);
    this.rows = rows;
    this.fields = fields;
    const { starts, lengths, rowEnds } = this;
    const end = data.length;
    let p = 0;
    for (let r = 0; r < rows; r++) {
      if (p + 2 > end || ((data[p] << 8) | data[p + 1]) !== fields) throw malformed(`tuple ${r} does not start with its ${fields} fields`);
      p += 2;
      for (let f = 0, cell = r; f < fields; f++, cell += rows) {
        if (p + 4 > end) throw malformed(`tuple ${r} is cut short`);
        const length = readInt32(data, p);
        p += 4;
        starts[cell] = p;
        lengths[cell] = length;
        if (length > 0) p += length;
      }
      if (p > end) throw malformed(`tuple ${r} is cut short`);
      rowEnds[r] = p;
    }
    if (p !== end) throw malformed(`${end - p} bytes follow the last of its ${rows} tuples`);
  }
}

function malformed(what: string): SystemError {
  return new SystemError(`A postgres_copy_binary record chunk is malformed: ${what}.`);
}

export function readInt16(d: Uint8Array, p: number): number {
  return (((d[p] << 8) | d[p + 1]) << 16) >> 16;
}

export function readUint16(d: Uint8Array, p: number): number {
  return (d[p] << 8) | d[p + 1];
}

export function readInt32(d: Uint8Array, p: number): number {
  return (d[p] << 24) | (d[p + 1] << 16) | (d[p + 2] << 8) | d[p + 3];
}

export function readUint32(d: Uint8Array, p: number): number {
  return readInt32(d, p) >>> 0;
}

export const TWO_32 = 4_294_967_296;

/** A 64-bit big-endian integer as a number when it is safe (|x| < 2^53), else as a bigint. */
export function readInt64(d: Uint8Array, p: number): number | bigint {
  const high = readInt32(d, p);
  const low = readUint32(d, p + 4);
  if (high >= -0x200000 && high < 0x200000) return high * TWO_32 + low;
  return (BigInt(high) << 32n) | BigInt(low);
}

/** PostgreSQL counts days and microseconds from 2000-01-01; Unix from 1970-01-01. */
export const PG_EPOCH_DAYS = 10_957;
export const PG_EPOCH_MICROS = PG_EPOCH_DAYS * 86_400_000_000;
export const MICROS_PER_DAY = 86_400_000_000;

/** The sign word of a numeric (NaN and the infinities are signs too). */
export const NUMERIC_NEG = 0x4000;
export const NUMERIC_NAN = 0xc000;
export const NUMERIC_PINF = 0xd000;
export const NUMERIC_NINF = 0xf000;

const float4 = new Float32Array(1);
const float4Bits = new Uint32Array(float4.buffer);
const float8 = new Float64Array(1);
const float8Bytes = new Uint8Array(float8.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The float8 at `p`. */
export function readFloat8(d: Uint8Array, p: number): number {
  if (littleEndian) for (let k = 0; k < 8; k++) float8Bytes[k] = d[p + 7 - k];
  else for (let k = 0; k < 8; k++) float8Bytes[k] = d[p + k];
  return float8[0];
}

/** The float4 at `p` as the number its text gives (`0.1`, not 0.10000000149011612). */
export function readFloat4(d: Uint8Array, p: number): number {
  float4Bits[0] = readUint32(d, p);
  return float4RecordNumber(float4[0], float4Bits[0]);
}

/**
 * PostgreSQL prints a float4 (extra_float_digits > 0) as the shortest decimal strictly inside the
 * float4's rounding interval (its Ryu is built without STRICTLY_SHORTEST: never a decimal exactly
 * halfway to a neighbour float4), the nearest one when several are as short, the even one on a tie;
 * the record path reads that text as a double. The shortest length is found by rounding to 1, 2, ...
 * significant digits. Two cases need the neighbour of the nearest rounding: a value exactly halfway
 * between two decimals (toPrecision rounds half away from zero, Ryu to even), and a power of two,
 * whose float4 neighbours below are twice as close as those above, so the nearest rounding may fall
 * out of the interval while the next decimal up is in it.
 */
function float4RecordNumber(value: number, bits: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const magnitude = Math.abs(value);
  const magnitudeBits = bits & 0x7fffffff;
  float4Bits[0] = magnitudeBits - 1;
  const halfwayDown = (magnitude + float4[0]) / 2;
  float4Bits[0] = magnitudeBits + 1;
  // Above the largest float4 the interval is as wide as below it.
  const halfwayUp = Number.isFinite(float4[0]) ? (magnitude + float4[0]) / 2 : magnitude + (magnitude - halfwayDown);
  const inside = (candidate: number) => candidate > halfwayDown && candidate < halfwayUp;
  const asymmetric = (bits & 0x7fffff) === 0 && ((bits >>> 23) & 0xff) > 1;
  // A tie needs the whole value in at most 9 significant digits: most float4s have many more.
  const short = hasShortExpansion(magnitude);
  /** The decimal of `digits` significant digits Ryu would print, if there is one in the interval. */
  const shortest = (digits: number): number | undefined => {
    const nearest = Number(magnitude.toPrecision(digits));
    const longer = short ? magnitude.toPrecision(digits + 1) : '';
    if (short && Number(longer) === magnitude && lastMantissaDigit(longer) === 53) {
      // Exactly halfway between two decimals of this length: the even one first.
      const below = neighbour(magnitude, digits, -1);
      const belowIsEven = lastMantissaDigit(String(below.toExponential(digits - 1))) % 2 === 0;
      const [first, second] = belowIsEven ? [below, nearest] : [nearest, below];
      return inside(first) ? first : inside(second) ? second : undefined;
    }
    if (inside(nearest)) return nearest;
    if (!asymmetric) return undefined;
    const up = neighbour(magnitude, digits, 1);
    return inside(up) ? up : undefined;
  };
  // Whether some decimal of a length is in the interval only grows with the length: search it.
  let low = 1;
  let high = 9;
  let found: number | undefined;
  while (low < high) {
    const middle = (low + high) >> 1;
    const candidate = shortest(middle);
    if (candidate === undefined) low = middle + 1;
    else {
      high = middle;
      found = candidate;
    }
  }
  found ??= shortest(9) ?? Number(magnitude.toPrecision(9));
  return value < 0 ? -found : found;
}

/** Whether the exact decimal expansion of a float4 has at most 9 significant digits. */
function hasShortExpansion(magnitude: number): boolean {
  if (Number.isInteger(magnitude)) {
    if (magnitude >= Number.MAX_SAFE_INTEGER) {
      let n = BigInt(magnitude);
      while (n % 10n === 0n) n /= 10n;
      return n < 1_000_000_000n;
    }
    let n = magnitude;
    while (n % 10 === 0) n /= 10;
    return n < 1e9;
  }
  // magnitude = scaled / 2^k = scaled * 5^k / 10^k, with scaled below 2^24 (exact in a double).
  let scaled = magnitude;
  let k = 0;
  while (!Number.isInteger(scaled)) {
    if (++k > 12) return false; // scaled * 5^k has at least 10 digits
    scaled *= 2;
  }
  let n = scaled * 5 ** k;
  while (n % 10 === 0) n /= 10;
  return n < 1e9;
}

/** The character code of the last digit of a mantissa in `d.ddd[e±x]` text. */
function lastMantissaDigit(text: string): number {
  const e = text.indexOf('e');
  return text.charCodeAt((e < 0 ? text.length : e) - 1);
}

/** The decimal `steps` units of the last of `digits` significant digits away from `magnitude` rounded to them. */
function neighbour(magnitude: number, digits: number, steps: number): number {
  const [mantissa, exponent] = magnitude.toExponential(digits - 1).split('e');
  return Number(`${Number(mantissa.replace('.', '')) + steps}e${Number(exponent) - (digits - 1)}`);
}

/** A float as the record path holds it: the number, or NaN and the infinities as PostgreSQL spells them. */
export function floatRecordValue(value: number): number | string {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}
