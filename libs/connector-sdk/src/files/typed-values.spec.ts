import { regexTimestampMicros, toDateDays, toTimestampMicros } from './typed-values';

/** Exact: a bigint beyond 2^53 microseconds, as toTimestampMicros gives it there. */
const micros = (iso: string, extraMicros = 0): number | bigint => {
  const total = Date.parse(iso) * 1000 + extraMicros;
  return Number.isSafeInteger(total) ? total : BigInt(Date.parse(iso)) * 1000n + BigInt(extraMicros);
};

describe('toTimestampMicros', () => {
  it.each([
    ['2024-03-05T10:20:30Z', micros('2024-03-05T10:20:30Z')],
    ['2024-03-05T10:20:30z', micros('2024-03-05T10:20:30Z')],
    ['2024-03-05t10:20:30Z', micros('2024-03-05T10:20:30Z')],
    ['2024-03-05 10:20:30Z', micros('2024-03-05T10:20:30Z')],
    ['2024-03-05T10:20:30', micros('2024-03-05T10:20:30Z')],
    ['2024-03-05T10:20', micros('2024-03-05T10:20:00Z')],
    ['2024-03-05', micros('2024-03-05T00:00:00Z')],
    ['2024-03-05Z', micros('2024-03-05T00:00:00Z')],
    ['2024-03-05T10:20:30+05:30', micros('2024-03-05T04:50:30Z')],
    ['2024-03-05T10:20:30+0530', micros('2024-03-05T04:50:30Z')],
    ['2024-03-05T10:20:30-08', micros('2024-03-05T18:20:30Z')],
    ['2024-03-05T10:20:30-08:00', micros('2024-03-05T18:20:30Z')],
    ['2024-03-05T10:20:30+00', micros('2024-03-05T10:20:30Z')],
    ['2024-03-05T10:20:30-00:00', micros('2024-03-05T10:20:30Z')],
    ['2024-03-05T10:20:30.1Z', micros('2024-03-05T10:20:30Z', 100_000)],
    ['2024-03-05T10:20:30.12Z', micros('2024-03-05T10:20:30Z', 120_000)],
    ['2024-03-05T10:20:30.123Z', micros('2024-03-05T10:20:30Z', 123_000)],
    ['2024-03-05T10:20:30.1234Z', micros('2024-03-05T10:20:30Z', 123_400)],
    ['2024-03-05T10:20:30.12345Z', micros('2024-03-05T10:20:30Z', 123_450)],
    ['2024-03-05T10:20:30.123456Z', micros('2024-03-05T10:20:30Z', 123_456)],
    ['2024-03-05T10:20:30.1234567Z', micros('2024-03-05T10:20:30Z', 123_456)],
    ['2024-03-05T10:20:30.12345678Z', micros('2024-03-05T10:20:30Z', 123_456)],
    ['2024-03-05T10:20:30.123456789Z', micros('2024-03-05T10:20:30Z', 123_456)],
    ['2024-03-05T10:20:30,5Z', micros('2024-03-05T10:20:30Z', 500_000)],
    ['2024-03-05T10:20:30.000001+05:30', micros('2024-03-05T04:50:30Z', 1)],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.999999Z', -1],
    ['1900-01-01T00:00:00Z', micros('1900-01-01T00:00:00Z')],
    ['1600-02-29T12:00:00Z', micros('1600-02-29T12:00:00Z')],
    ['0001-01-01T00:00:00Z', micros('0001-01-01T00:00:00Z')],
    ['0000-03-01T00:00:00Z', micros('0000-03-01T00:00:00Z')],
    ['2000-02-29T23:59:59Z', micros('2000-02-29T23:59:59Z')],
    ['2024-02-29T00:00:00+14:00', micros('2024-02-28T10:00:00Z')],
    ['2100-03-01T00:00:00Z', micros('2100-03-01T00:00:00Z')],
    ['9999-12-31T23:59:59.999999Z', micros('9999-12-31T23:59:59Z', 999_999)],
    // Date's overflow rules, kept: February 30th, 24:00, a leap second
    ['2023-02-30T00:00:00Z', micros('2023-03-02T00:00:00Z')],
    ['2024-02-31T00:00:00Z', micros('2024-03-02T00:00:00Z')],
    ['2023-12-31T24:00:00Z', micros('2024-01-01T00:00:00Z')],
    ['2016-12-31T23:59:60Z', micros('2017-01-01T00:00:00Z')],
    // the general path: signed and six-digit years, a space before the zone
    ['+002024-03-05T10:20:30Z', micros('2024-03-05T10:20:30Z')],
    ['-000001-01-01T00:00:00Z', micros('-000001-01-01T00:00:00Z')],
    ['2024-03-05T10:20:30 +05:30', micros('2024-03-05T04:50:30Z')],
  ])('%s', (text, expected) => {
    expect(toTimestampMicros(text)).toBe(expected);
    expect(regexTimestampMicros(text)).toBe(expected);
  });

  it.each(['', '2024', '2024-3-05', '2024-13-01', '2024-00-10', '2024-01-32', '2024-01-00', '2024-01-01T25:00:00Z', '2024-01-01T10:60:00Z', '2024-01-01T10:00:61Z', '2024-01-01T10:00:00.Z', '2024-01-01T10:00:00+5', '2024-01-01T10:00:00+05:', '2024-01-01T10:00:00ZZ', '2024-01-01T10', '2024-01-01X', '2024-01-01T10:00:00 Z x', 'x024-01-01'])('rejects %j', (text) => {
    expect(() => toTimestampMicros(text)).toThrow(TypeError);
  });

  it('keeps Dates and rejects other values', () => {
    expect(toTimestampMicros(new Date('2024-03-05T10:20:30.123Z'))).toBe(micros('2024-03-05T10:20:30.123Z'));
    expect(() => toTimestampMicros(new Date(Number.NaN))).toThrow('invalid Date');
    expect(() => toTimestampMicros(12)).toThrow('expected a timestamp text');
    expect(() => toTimestampMicros(null)).toThrow('expected a timestamp text');
  });

  it('gives the same value for repeated text (one-entry cache) and after other text', () => {
    const a = '2024-03-05T10:20:30.5+01:00';
    const b = '1999-12-31T23:59:59Z';
    expect([toTimestampMicros(a), toTimestampMicros(a), toTimestampMicros(b), toTimestampMicros(a)]).toEqual([
      regexTimestampMicros(a),
      regexTimestampMicros(a),
      regexTimestampMicros(b),
      regexTimestampMicros(a),
    ]);
    expect(() => toTimestampMicros('nope')).toThrow(TypeError);
    expect(() => toTimestampMicros('nope')).toThrow(TypeError);
  });

  it('agrees with the general path on random texts', () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    const mismatches: string[] = [];
    for (let k = 0; k < 20_000; k++) {
      let text = `${pad(random(10_000), 4)}-${pad(random(14), 2)}-${pad(random(33), 2)}`;
      const time = random(5);
      if (time > 0) {
        text += ['T', 't', ' ', 'T'][random(4)]! + `${pad(random(26), 2)}:${pad(random(61), 2)}`;
        if (time > 1) text += `:${pad(random(62), 2)}`;
        if (time > 2) text += (random(2) ? '.' : ',') + String(random(1_000_000_000)).slice(0, 1 + random(9));
      }
      const zone = random(6);
      if (zone === 1) text += 'Z';
      else if (zone === 2) text += `${random(2) ? '+' : '-'}${pad(random(15), 2)}`;
      else if (zone === 3) text += `${random(2) ? '+' : '-'}${pad(random(15), 2)}:${pad(random(60), 2)}`;
      else if (zone === 4) text += `${random(2) ? '+' : '-'}${pad(random(15), 2)}${pad(random(60), 2)}`;
      let expected: number | bigint | string;
      try {
        expected = regexTimestampMicros(text);
      } catch (error) {
        expected = (error as Error).message;
      }
      let actual: number | bigint | string;
      try {
        actual = toTimestampMicros(text);
      } catch (error) {
        actual = (error as Error).message;
      }
      if (actual !== expected) mismatches.push(`${text}: ${actual} !== ${expected}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('toDateDays', () => {
  it('counts days, before 1970 too', () => {
    expect(toDateDays('1970-01-02')).toBe(1);
    expect(toDateDays('1969-12-31')).toBe(-1);
    expect(toDateDays('1969-12-31T23:00:00-02:00')).toBe(0);
    expect(toDateDays('2024-02-29T10:00:00Z')).toBe(19_782);
  });

  it('takes years 1 to 99 as they are (Date.UTC would add 1900)', () => {
    expect(toDateDays('0099-06-15')).toBe(toDateDays('0099-06-15T00:00:00Z'));
    expect(toDateDays('0001-01-01')).toBe(-719_162);
  });
});

describe('toTimestampMicros beyond 2^53 microseconds', () => {
  it('keeps every microsecond (as a bigint) before 1685 and after 2255', () => {
    expect(toTimestampMicros('1600-01-01T00:00:00.000001Z')).toBe(BigInt(Date.UTC(1600, 0, 1)) * 1000n + 1n);
    expect(toTimestampMicros('2300-06-30 12:00:00.000003')).toBe(BigInt(Date.UTC(2300, 5, 30, 12)) * 1000n + 3n);
    expect(toTimestampMicros('10000-01-01 00:00:00.000001+00')).toBe(BigInt(Date.UTC(10000, 0, 1)) * 1000n + 1n);
    expect(toTimestampMicros('2024-01-01T00:00:00.000001Z')).toBe(Date.UTC(2024, 0, 1) * 1000 + 1);
  });
});
