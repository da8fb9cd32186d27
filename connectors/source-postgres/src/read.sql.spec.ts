import type { PgColumn } from './pg-type.mapping';
import { blockRangeQuery, incrementalQuery, selectList, tableName } from './read.sql';
import { splitBlocks } from './partitioned.read';

const column = (name: string, sqlType = 'integer'): PgColumn => ({ name, typeName: 'int4', typmod: -1, typeKind: 'b', notNull: true, sqlType });

describe('read SQL', () => {
  const reader = { select: selectList([column('id'), column('Na"me')]), table: tableName({ schema: 'My Schema', name: 't' }) };

  it('quotes every name', () => {
    expect(reader.select).toBe('"id", "Na""me"');
    expect(reader.table).toBe('"My Schema"."t"');
  });

  it('reads block ranges with a TID range scan', () => {
    expect(blockRangeQuery(reader, 10, 20)).toBe(`SELECT "id", "Na""me" FROM "My Schema"."t" WHERE ctid >= '(10,0)'::tid AND ctid < '(20,0)'::tid`);
  });

  it('reads after or from the cursor value, quoted as a literal of the column type', () => {
    const cursor = { ...column('updated', 'timestamp with time zone'), notNull: false };
    expect(incrementalQuery(reader, cursor)).toBe('SELECT "id", "Na""me" FROM "My Schema"."t" ORDER BY "updated" ASC NULLS FIRST');
    // No NULL can come: the order a default btree index gives.
    expect(incrementalQuery(reader, { ...cursor, notNull: true })).toBe('SELECT "id", "Na""me" FROM "My Schema"."t" ORDER BY "updated" ASC');
    expect(incrementalQuery(reader, cursor, { value: 'x', inclusive: false })).toMatch(/ORDER BY "updated" ASC$/);
    expect(incrementalQuery(reader, cursor, { value: "2024'; drop", inclusive: true })).toContain(`WHERE "updated" >= '2024''; drop'::timestamp with time zone ORDER BY`);
    expect(incrementalQuery(reader, cursor, { value: 'x', inclusive: false })).toContain(`"updated" > 'x'`);
  });

  it('splits blocks into contiguous partitions', () => {
    expect(splitBlocks(0, 10, 3)).toEqual([
      { from: 0, to: 4, next: 0 },
      { from: 4, to: 8, next: 4 },
      { from: 8, to: 10, next: 8 },
    ]);
    expect(splitBlocks(5, 5, 3)).toEqual([]);
  });
});
