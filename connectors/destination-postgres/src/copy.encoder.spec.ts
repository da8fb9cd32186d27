import { arrayLiteral, copyEncoder, encodeScalar, escapeCopyText } from './copy.encoder';

describe('COPY text encoding', () => {
  it('escapes the characters COPY treats specially', () => {
    expect(escapeCopyText('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(escapeCopyText('plain')).toBe('plain');
    expect(escapeCopyText('nul\0byte')).toBe('nulbyte');
  });

  it('encodes scalars', () => {
    expect(encodeScalar(null)).toBe('\\N');
    expect(encodeScalar(undefined)).toBe('\\N');
    expect(encodeScalar(true)).toBe('t');
    expect(encodeScalar(1.5)).toBe('1.5');
    expect(encodeScalar(Number.NaN)).toBe('NaN');
    expect(encodeScalar(-Infinity)).toBe('-Infinity');
    expect(encodeScalar(12345678901234567890n)).toBe('12345678901234567890');
    expect(encodeScalar('\\N')).toBe('\\\\N');
    expect(encodeScalar({ a: 1 })).toBe('{"a":1}');
  });

  it('encodes json, bytea and arrays for their column kinds', () => {
    expect(copyEncoder('json')('text')).toBe('"text"');
    expect(copyEncoder('json')({ a: 'x\ty' })).toBe('{"a":"x\\\\ty"}');
    expect(copyEncoder('bytea')(Buffer.from([0, 255]).toString('base64'))).toBe('\\\\x00ff');
    expect(copyEncoder('array')([1, null, 'a"b'])).toBe('{"1",NULL,"a\\\\"b"}');
    expect(arrayLiteral([[1, 2], [3, 4]])).toBe('{{"1","2"},{"3","4"}}');
  });
});
