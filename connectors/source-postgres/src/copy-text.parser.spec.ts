import { parseCopyRow, TextRowSplitter } from './copy-text.parser';

describe('COPY text parsing', () => {
  it('splits fields, unescapes, and tells NULL from the text \\N', () => {
    expect(parseCopyRow('1\t\\N\ta\\tb\\nc\\\\d\t\\\\N')).toEqual(['1', null, 'a\tb\nc\\d', '\\N']);
  });

  it('hands rows on only once complete, even when a chunk splits a multi-byte character', () => {
    const splitter = new TextRowSplitter();
    const bytes = Buffer.from('é\tx\nsecond\n', 'utf8');
    const text = (pieces: { data: Buffer; rows: number }[]) => pieces.map((p) => [p.data.toString('utf8'), p.rows]);
    expect(splitter.push(bytes.subarray(0, 1))).toEqual([]);
    expect(text(splitter.push(bytes.subarray(1, 6)))).toEqual([['é\tx\n', 1]]);
    expect(() => splitter.end()).toThrow(/ended inside a row \(1 bytes left\)/);
    expect(text(splitter.push(bytes.subarray(6)))).toEqual([['second\n', 1]]);
    expect(() => splitter.end()).not.toThrow();
  });
});
