import { castParameter, columnConverter, columnSchema, enumLabels, isOrderable, type MysqlColumn } from './mysql-type.mapping';

const column = (dataType: string, columnType = dataType, extra: Partial<MysqlColumn> = {}): MysqlColumn => ({ name: 'c', dataType, columnType, nullable: false, json: false, ...extra });

describe('MySQL type mapping', () => {
  it('maps tinyint(1) to boolean and other tinyints to integers', () => {
    expect(columnSchema(column('tinyint', 'tinyint(1)'))).toEqual({ type: 'boolean' });
    expect(columnConverter(column('tinyint', 'tinyint(1)'))(2)).toBe(true);
    expect(columnSchema(column('tinyint', 'tinyint(4)'))).toEqual({ type: 'integer', format: 'int16' });
  });

  it('keeps big and unsigned integers and decimals exact', () => {
    expect(columnSchema(column('bigint', 'bigint(20) unsigned'))).toEqual({ type: 'string', format: 'decimal', precision: 20, scale: 0 });
    expect(columnConverter(column('bigint', 'bigint(20) unsigned'))('18446744073709551615')).toBe('18446744073709551615');
    expect(columnConverter(column('bigint', 'bigint(20)'))('9007199254740993')).toBe('9007199254740993');
    expect(columnConverter(column('bigint', 'bigint(20)'))('-42')).toBe(-42);
    expect(columnSchema(column('decimal', 'decimal(12,3)', { precision: 12, scale: 3, nullable: true }))).toEqual({ type: ['string', 'null'], format: 'decimal', precision: 12, scale: 3 });
  });

  it('tells datetimes (no zone) from timestamps (UTC) and turns zero dates into null', () => {
    expect(columnConverter(column('datetime'))('2024-02-29 12:34:56.123456')).toBe('2024-02-29T12:34:56.123456');
    expect(columnConverter(column('timestamp'))('2024-02-29 12:34:56')).toBe('2024-02-29T12:34:56Z');
    expect(columnConverter(column('datetime'))('0000-00-00 00:00:00')).toBeNull();
    expect(columnConverter(column('date'))('2024-00-10')).toBeNull();
    expect(columnSchema(column('date'))).toEqual({ type: ['string', 'null'], format: 'date' });
  });

  it('encodes binary as base64, parses JSON and reads bits', () => {
    expect(columnConverter(column('varbinary', 'varbinary(4)'))(Buffer.from([0, 255]))).toBe('AP8=');
    expect(columnSchema(column('longtext', 'longtext', { json: true }))).toEqual({ format: 'json' });
    expect(columnConverter(column('longtext', 'longtext', { json: true }))('{"a":[1,null]}')).toEqual({ a: [1, null] });
    expect(columnConverter(column('bit', 'bit(10)'))(Buffer.from([2, 1]))).toBe(513);
    expect(columnConverter(column('bit', 'bit(1)'))(Buffer.from([1]))).toBe(true);
  });

  it('lists enum labels with quotes and commas, and null for nullable enums', () => {
    expect(enumLabels("enum('a','it''s, fine','b\\\\c')")).toEqual(['a', "it's, fine", 'b\\c']);
    expect(columnSchema(column('enum', "enum('x','y')", { nullable: true }))).toEqual({ type: ['string', 'null'], enum: ['x', 'y', null] });
  });

  it('casts cursor parameters to the column type so big values compare exactly', () => {
    expect(castParameter(column('bigint', 'bigint(20) unsigned'))).toBe('CAST(? AS UNSIGNED)');
    expect(castParameter(column('int', 'int(11)'))).toBe('CAST(? AS SIGNED)');
    expect(castParameter(column('decimal', 'decimal(10,2)', { precision: 10, scale: 2 }))).toBe('CAST(? AS DECIMAL(10,2))');
    expect(castParameter(column('datetime'))).toBe('CAST(? AS DATETIME(6))');
    expect(castParameter(column('varchar', 'varchar(3)'))).toBe('?');
    expect(isOrderable(column('double'))).toBe(false);
    expect(isOrderable(column('timestamp'))).toBe(true);
  });
});
