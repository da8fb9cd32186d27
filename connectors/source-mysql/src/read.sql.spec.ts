import type { MysqlColumn } from './mysql-type.mapping';
import { incrementalQuery, keysetQuery, quoteIdentifier } from './read.sql';

const column = (name: string, dataType = 'int'): MysqlColumn => ({ name, dataType, columnType: dataType, nullable: false, json: false });
const from = { select: '`a`, `b`', from: '`db`.`t`' };

describe('read SQL', () => {
  it('quotes identifiers with backticks, doubling inner ones', () => {
    expect(quoteIdentifier('we`ird; DROP TABLE x')).toBe('`we``ird; DROP TABLE x`');
  });

  it('pages a composite key with an OR of equal prefixes', () => {
    expect(keysetQuery(from, [column('a', 'varchar'), column('b')], undefined, 100)).toEqual({ sql: 'SELECT `a`, `b` FROM `db`.`t` ORDER BY `a`, `b` LIMIT 100', params: [] });
    expect(keysetQuery(from, [column('a', 'varchar'), column('b')], ['x', 5], 100)).toEqual({
      sql: 'SELECT `a`, `b` FROM `db`.`t` WHERE `a` > ? OR (`a` = ? AND `b` > CAST(? AS SIGNED)) ORDER BY `a`, `b` LIMIT 100',
      params: ['x', 'x', 5],
    });
  });

  it('reads incrementally after or from the cursor value', () => {
    expect(incrementalQuery(from, column('u', 'datetime'), { value: '2024-01-01 00:00:00', inclusive: true })).toEqual({
      sql: 'SELECT `a`, `b` FROM `db`.`t` WHERE `u` >= CAST(? AS DATETIME(6)) ORDER BY `u`',
      params: ['2024-01-01 00:00:00'],
    });
  });
});
