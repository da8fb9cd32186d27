import { copyFromSql, createTableSql, mergeSql, removeDuplicateKeysSql, swapSql } from './table.sql';

describe('table SQL', () => {
  it('creates typed tables with the metadata columns, every name quoted', () => {
    expect(createTableSql('raw', 'a"; drop table x; --', [{ name: 'Id', sqlType: 'bigint' }])).toBe(
      'CREATE TABLE IF NOT EXISTS "raw"."a""; drop table x; --" ("Id" bigint, _tributary_raw_id uuid NOT NULL, _tributary_extracted_at timestamp with time zone NOT NULL, _tributary_sync_id text NOT NULL, _tributary_checkpoint bigint NOT NULL, _tributary_deleted_at timestamp with time zone)',
    );
  });

  it('copies data columns then the metadata the loader writes', () => {
    expect(copyFromSql('"s"."t"', ['a', 'B'])).toBe('COPY "s"."t" ("a", "B", "_tributary_raw_id", "_tributary_extracted_at", "_tributary_sync_id", "_tributary_checkpoint") FROM STDIN');
    expect(copyFromSql('"s"."t"', ['a'], true)).toBe('COPY "s"."t" ("a", "_tributary_raw_id", "_tributary_extracted_at", "_tributary_sync_id", "_tributary_checkpoint") FROM STDIN (FORMAT binary)');
  });

  it('merges keeping the latest version by cursor, ties going to the last arrival', () => {
    const sql = mergeSql({ schema: 's', table: 't', stage: 'stage', columns: ['id', 'v', 'updated'], primaryKey: ['id'], cursor: 'updated' });
    expect(sql).toBe(
      'INSERT INTO "s"."t" AS "_tributary_existing" ("id", "v", "updated") SELECT "id", "v", "updated" FROM (SELECT DISTINCT ON ("id") * FROM "stage" ORDER BY "id", "updated" DESC NULLS FIRST, "_tributary_ordinal" DESC) AS s ' +
        'ON CONFLICT ("id") DO UPDATE SET "v" = EXCLUDED."v", "updated" = EXCLUDED."updated" WHERE EXCLUDED."updated" IS NULL OR "_tributary_existing"."updated" IS NULL OR EXCLUDED."updated" >= "_tributary_existing"."updated"',
    );
  });

  it('deduplicates a table loaded before and swaps a stage in', () => {
    expect(removeDuplicateKeysSql('s', 't', ['a', 'b'], undefined)).toContain('PARTITION BY "a", "b" ORDER BY _tributary_extracted_at DESC, ctid DESC');
    expect(swapSql('s', 'stage', 't')).toEqual(['DROP TABLE IF EXISTS "s"."t"', 'ALTER TABLE "s"."stage" RENAME TO "t"', 'COMMENT ON TABLE "s"."t" IS NULL']);
  });
});
