import { columnConverter, columnSchema, parseArray, type PgColumn } from './pg-type.mapping';

const col = (typeName: string, extra: Partial<PgColumn> = {}): PgColumn => ({ name: 'c', typeName, typmod: -1, typeKind: 'b', notNull: true, sqlType: typeName, ...extra });

describe('PostgreSQL type mapping', () => {
  it('maps numeric precision and scale from the typmod, varchar lengths, nullability', () => {
    expect(columnSchema(col('numeric', { typmod: ((12 << 16) | 3) + 4 }))).toEqual({ type: 'string', format: 'decimal', precision: 12, scale: 3 });
    expect(columnSchema(col('varchar', { typmod: 14, notNull: false }))).toEqual({ type: ['string', 'null'], maxLength: 10 });
    expect(columnSchema(col('jsonb', { notNull: false }))).toEqual({ format: 'json' });
    expect(columnSchema(col('mood', { typeKind: 'e', enumLabels: ['a', 'b'] }))).toEqual({ type: 'string', enum: ['a', 'b'] });
    expect(columnSchema(col('_int8', { elementName: 'int8', elementKind: 'b' }))).toEqual({ type: 'array', items: { type: ['integer', 'string', 'null'], format: 'int64' } });
    expect(columnSchema(col('point'))).toEqual({ type: 'string' });
  });

  it('converts text forms without losing anything', () => {
    expect(columnConverter(col('int8'))('9007199254740993')).toBe('9007199254740993');
    expect(columnConverter(col('int8'))('-42')).toBe(-42);
    expect(columnConverter(col('float8'))('NaN')).toBe('NaN');
    expect(columnConverter(col('float4'))('1.5')).toBe(1.5);
    expect(columnConverter(col('numeric'))('0.10')).toBe('0.10');
    expect(columnConverter(col('bool'))('f')).toBe(false);
    expect(columnConverter(col('timestamptz'))('2024-01-02 03:04:05.5+00')).toBe('2024-01-02T03:04:05.5Z');
    expect(columnConverter(col('timestamp'))('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05');
    expect(columnConverter(col('timestamp'))('infinity')).toBe('infinity');
    expect(columnConverter(col('bytea'))('\\x00ff')).toBe('AP8=');
  });

  it('parses array literals with quotes, escapes, NULLs, nesting and bounds', () => {
    expect(parseArray('{1,NULL,3}', Number)).toEqual([1, null, 3]);
    expect(parseArray('{"a,b","c\\"d","NULL",NULL}', (t) => t)).toEqual(['a,b', 'c"d', 'NULL', null]);
    expect(parseArray('{{1,2},{3,4}}', Number)).toEqual([[1, 2], [3, 4]]);
    expect(parseArray('[0:1]={7,8}', Number)).toEqual([7, 8]);
    expect(parseArray('{}', Number)).toEqual([]);
  });
});
