// Parsing record values into the typed representations of Parquet columns. Each function returns
// the value or throws a TypeError whose message says what was expected; the writer adds the stream
// and column. Timestamps keep microseconds and honour the zone of the text (no zone means UTC);
// beyond ±2^53 microseconds (before 1685, after 2255) they come as a bigint, so none is rounded.

const TIMESTAMP = /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const DAY_MS = 86_400_000;

/** Microseconds since the epoch, UTC. Accepts ISO 8601 / RFC 3339 text (with or without a zone) and Dates. */
export function toTimestampMicros(value: unknown): number | bigint {
  if (typeof value === 'string') {
    // The same text often repeats row after row (`_tributary_extracted_at` is one string per batch).
    if (value === lastText) return lastMicros;
    let micros = fastTimestampMicros(value);
    if (typeof micros === 'number' && Number.isNaN(micros)) micros = regexTimestampMicros(value);
    lastText = value;
    lastMicros = micros;
    return micros;
  }
  return regexTimestampMicros(value);
}

let lastText: string | undefined;
let lastMicros: number | bigint = 0;

/** ms * 1000 + micros, exactly. */
function exactMicros(ms: number, micros: number): number | bigint {
  const total = ms * 1000 + micros;
  return Number.isSafeInteger(total) ? total : BigInt(ms) * 1000n + BigInt(micros);
}

/**
 * The general (slow) path: a regular expression and `Date`. Handles every accepted form (signed and
 * 5–6 digit years, space before the zone, ...) and produces the error messages.
 * @internal exported for the tests that check the fast path against it
 */
export function regexTimestampMicros(value: unknown): number | bigint {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new TypeError('expected a timestamp, got an invalid Date');
    return ms * 1000;
  }
  if (typeof value !== 'string') throw new TypeError(`expected a timestamp text, got ${describe(value)}`);
  const m = TIMESTAMP.exec(value);
  if (!m) throw new TypeError(`expected an ISO 8601 timestamp, got ${describe(value)}`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, oh = '0', om = '0'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 24 || Number(mi) > 59 || Number(s) > 60) {
    throw new TypeError(`expected an ISO 8601 timestamp, got ${describe(value)}`);
  }
  const date = new Date(0);
  date.setUTCFullYear(Number(y), month - 1, day);
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let ms = date.getTime();
  if (sign) ms -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const micros = fraction.length === 0 ? 0 : Number(fraction.slice(0, 6).padEnd(6, '0'));
  if (Number.isNaN(ms)) throw new TypeError(`expected a timestamp within ±275,760 years of 1970, got ${describe(value)}`);
  return exactMicros(ms, micros);
}

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - 48;
  const b = text.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days from 1970-01-01 to the first of `month` (1–12) of `year`, proleptic Gregorian (H. Hinnant's days_from_civil). */
function daysToMonth(year: number, month: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9; // March = 0
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5);
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * One pass over `YYYY-MM-DD[(T|t| )hh:mm[:ss[(.|,)fraction]]][Z|z|(+|-)hh[[:]mm]]` without a regular
 * expression or a Date; NaN for anything else (the caller then takes the general path, which also
 * reports the errors). Gives exactly what `regexTimestampMicros` gives, including the day overflow
 * `Date` applies (February 31st is March 3rd or 2nd).
 */
function fastTimestampMicros(text: string): number | bigint {
  const n = text.length;
  if (n < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return Number.NaN;
  const century = twoDigits(text, 0);
  const yy = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > 31) return Number.NaN;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let micros = 0;
  let i = 10;
  if (i < n) {
    const c = text.charCodeAt(i);
    if ((c === 84 || c === 116 || c === 32) && i + 5 < n && text.charCodeAt(i + 3) === 58) {
      // T, t or space, then hh:mm
      hour = twoDigits(text, i + 1);
      minute = twoDigits(text, i + 4);
      if (hour < 0 || hour > 24 || minute < 0 || minute > 59) return Number.NaN;
      i += 6;
      if (i < n && text.charCodeAt(i) === 58) {
        second = twoDigits(text, i + 1);
        if (second < 0 || second > 60) return Number.NaN;
        i += 3;
        if (i < n && (text.charCodeAt(i) === 46 || text.charCodeAt(i) === 44)) {
          i++;
          const start = i;
          while (i < n) {
            const d = text.charCodeAt(i) - 48;
            if (d < 0 || d > 9) break;
            if (i - start < 6) micros = micros * 10 + d;
            i++;
          }
          const digits = i - start;
          if (digits === 0) return Number.NaN;
          for (let k = digits; k < 6; k++) micros *= 10;
        }
      }
    }
  }
  let offsetMinutes = 0;
  if (i < n) {
    const c = text.charCodeAt(i);
    if (c === 90 || c === 122) {
      // Z or z
      if (i + 1 !== n) return Number.NaN;
    } else if (c === 43 || c === 45) {
      const offsetHours = twoDigits(text, i + 1);
      if (offsetHours < 0) return Number.NaN;
      let offsetMins = 0;
      i += 3;
      if (i < n) {
        if (text.charCodeAt(i) === 58) i++;
        offsetMins = twoDigits(text, i);
        if (offsetMins < 0 || i + 2 !== n) return Number.NaN;
      }
      offsetMinutes = (c === 45 ? -1 : 1) * (offsetHours * 60 + offsetMins);
    } else return Number.NaN;
  }
  const days = daysToMonth(century * 100 + yy, month) + day - 1;
  const ms = days * DAY_MS + hour * 3_600_000 + minute * 60_000 + second * 1000 - offsetMinutes * 60_000;
  return exactMicros(ms, micros);
}

/** Days since 1970-01-01. Accepts `YYYY-MM-DD` (a timestamp text gives its UTC date) and Dates. */
export function toDateDays(value: unknown): number {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    // setUTCFullYear, not Date.UTC: that one reads years 0 to 99 as 1900 to 1999.
    const date = new Date(0);
    date.setUTCFullYear(Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10)));
    return Math.floor(date.getTime() / DAY_MS);
  }
  return Math.floor(Number(toTimestampMicros(value)) / 1000 / DAY_MS);
}

/** A 64-bit integer: safe-integer numbers, bigints and integer text. */
export function toInt64(value: unknown): bigint | number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return value;
    if (Number.isInteger(value)) return BigInt(value);
    throw new TypeError(`expected an integer, got ${value}`);
  }
  if (typeof value === 'bigint') return checkInt64(value);
  if (typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())) return checkInt64(BigInt(value.trim()));
  throw new TypeError(`expected an integer, got ${describe(value)}`);
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function checkInt64(value: bigint): bigint {
  if (value < INT64_MIN || value > INT64_MAX) throw new TypeError(`expected a 64-bit integer, got ${value} (out of range)`);
  return value;
}

export function toDouble(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (!Number.isNaN(n) || value.trim() === 'NaN') return n;
  }
  throw new TypeError(`expected a number, got ${describe(value)}`);
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The unscaled integer of a decimal with `scale` digits after the point, checked against `precision`. */
export function toUnscaledDecimal(value: unknown, precision: number, scale: number): bigint {
  let text: string;
  if (typeof value === 'string') text = value.trim();
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else if (typeof value === 'bigint') text = value.toString();
  else throw new TypeError(`expected a decimal, got ${describe(value)}`);
  const m = DECIMAL.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new TypeError(`expected a decimal, got ${describe(value)}`);
  const [, sign, whole, fraction = '', exponent = '0'] = m;
  let digits = whole + fraction;
  // The position of the decimal point, counted from the left of `digits`.
  const point = whole.length + Number(exponent);
  const wanted = point + scale; // digits to keep
  if (wanted < 0) digits = '0';
  else if (digits.length >= wanted) {
    const dropped = digits.slice(wanted);
    if (/[1-9]/.test(dropped)) throw new TypeError(`expected at most ${scale} digits after the point, got ${describe(value)}`);
    digits = digits.slice(0, wanted);
  } else digits = digits.padEnd(wanted, '0');
  const unscaled = BigInt(digits === '' ? '0' : digits);
  if (unscaled.toString().length > precision) throw new TypeError(`expected at most ${precision} significant digits (scale ${scale}), got ${describe(value)}`);
  return sign === '-' ? -unscaled : unscaled;
}

export function toBoolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new TypeError(`expected a boolean, got ${describe(value)}`);
}

export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return Buffer.from(value, 'base64');
  throw new TypeError(`expected base64 text or bytes, got ${describe(value)}`);
}

export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
