import { CopyLineSplitter, parseCopyRow } from './copy-text.parser';

describe('COPY text parsing', () => {
  it('splits fields, unescapes, and tells NULL from the text \\N', () => {
    expect(parseCopyRow('1\t\\N\ta\\tb\\nc\\\\d\t\\\\N')).toEqual(['1', null, 'a\tb\nc\\d', '\\N']);
  });

  it('decodes rows only once complete, even when a chunk splits a multi-byte character', () => {
    const splitter = new CopyLineSplitter();
    const bytes = Buffer.from('é\tx\nsecond\n', 'utf8');
    expect(splitter.push(bytes.subarray(0, 1))).toEqual([]);
    expect(splitter.push(bytes.subarray(1, 6))).toEqual(['é\tx']);
    expect(splitter.pending).toBe(1);
    expect(splitter.push(bytes.subarray(6))).toEqual(['second']);
    expect(splitter.pending).toBe(0);
  });
});
