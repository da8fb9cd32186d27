import { CopyTextCursorScanner } from './cursor.scanner';

/** Scans `rows` cut into chunks of `perChunk` rows: each checkpoint with the rows before it. */
function scan(rows: string[], perChunk: number, checkpointRows: number) {
  const scanner = new CopyTextCursorScanner(1, checkpointRows);
  const checkpoints: { after: number; cursor: string; count: number }[] = [];
  let seen = 0;
  for (let i = 0; i < rows.length; i += perChunk) {
    for (const piece of scanner.scan(Buffer.from(rows.slice(i, i + perChunk).map((r) => `${r}\n`).join('')))) {
      seen += piece.rows;
      if (piece.checkpoint) checkpoints.push({ after: seen, ...piece.checkpoint });
    }
  }
  return { checkpoints, seen, final: scanner.position() };
}

describe('CopyTextCursorScanner', () => {
  // Cursor values in the second field: two NULLs first, then runs of equal values; one escaped.
  const rows = ['1\t\\N\tx', '2\t\\N\tx', '3\ta\tx', '4\ta', '5\tb\\tc\ty', '6\tb\\tc', '7\tb\\tc', '8\td', '9\te', '10\te'];

  it('checkpoints where the value changes after enough rows, with the rows at the value', () => {
    const { checkpoints, seen, final } = scan(rows, rows.length, 3);
    expect(seen).toBe(10);
    expect(checkpoints).toEqual([
      { after: 4, cursor: 'a', count: 2 },
      { after: 7, cursor: 'b\tc', count: 3 },
    ]);
    expect(final).toEqual({ cursor: 'e', count: 2 });
  });

  it('places the same checkpoints however the rows are chunked', () => {
    const whole = scan(rows, rows.length, 2);
    for (const perChunk of [1, 2, 3, 4]) expect(scan(rows, perChunk, 2)).toEqual(whole);
  });

  it('has no position while only NULLs were read', () => {
    expect(scan(['1\t\\N', '2\t\\N'], 1, 1).final).toBeUndefined();
  });

  it('rejects a row without the cursor field', () => {
    expect(() => [...new CopyTextCursorScanner(2, 10).scan(Buffer.from('1\ta\n'))]).toThrow(/fewer than 3 fields/);
  });
});
