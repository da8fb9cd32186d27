import { MAX_IDENTIFIER_BYTES, qualifiedName, quoteIdentifier, quoteLiteral, safeIdentifier, truncateUtf8 } from './identifier';

describe('identifiers', () => {
  it('keeps names that fit as they are, case and unicode included', () => {
    expect(safeIdentifier('Users')).toBe('Users');
    expect(safeIdentifier('événements_été')).toBe('événements_été');
    expect(safeIdentifier('a"; drop table x; --')).toBe('a"; drop table x; --');
  });

  it('quotes hostile names so they stay one identifier', () => {
    expect(quoteIdentifier('a"; drop table x; --')).toBe('"a""; drop table x; --"');
    expect(qualifiedName('my"schema', 'T')).toBe('"my""schema"."T"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it('shortens names longer than 63 bytes deterministically and without collisions', () => {
    const long = 'x'.repeat(100);
    const shortened = safeIdentifier(long);
    expect(Buffer.byteLength(shortened)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(safeIdentifier(long)).toBe(shortened);
    expect(safeIdentifier(`${long}y`)).not.toBe(shortened);
    expect(shortened.startsWith('x'.repeat(40))).toBe(true);
  });

  it('never splits a multi-byte character when shortening', () => {
    const name = 'ü'.repeat(40); // 80 bytes
    const shortened = safeIdentifier(name);
    expect(Buffer.byteLength(shortened)).toBeLessThanOrEqual(MAX_IDENTIFIER_BYTES);
    expect(shortened).toMatch(/^ü+_[0-9a-f]{10}$/);
    expect(truncateUtf8('aü', 2)).toBe('a');
    expect(truncateUtf8('😀b', 4)).toBe('😀');
  });

  it('maps names PostgreSQL cannot store (empty, NUL) to a hashed identifier', () => {
    expect(safeIdentifier('')).toMatch(/^_[0-9a-f]{10}$/);
    expect(safeIdentifier('a\0b')).toMatch(/^ab_[0-9a-f]{10}$/);
  });
});
