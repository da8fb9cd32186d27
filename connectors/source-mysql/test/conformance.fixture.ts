// Conformance fixture: a throwaway database on the test MariaDB/MySQL server with a table (primary
// key, a cursor whose values repeat, exact types), a table without primary key and a view. The bad
// config names a database that does not exist. The database is dropped in teardown.
import type { ConformanceFixture } from '@tributary/connector-sdk/testing';
import { createMysqlTestDatabase } from './mysql-test-database';

const SEED = `
  CREATE TABLE items (
    id int PRIMARY KEY, name varchar(40) NOT NULL, price decimal(10,2), active tinyint(1) NOT NULL, big bigint unsigned,
    tags json, photo varbinary(16), born date, updated_at timestamp(3) NOT NULL);
  INSERT INTO items
    SELECT seq, CONCAT('item ', seq), seq * 1.25, seq % 2, 18446744073709551615 - seq, JSON_ARRAY(CONCAT('t', seq % 3)),
      UNHEX(LPAD(HEX(seq), 4, '0')), DATE '2024-01-01' + INTERVAL seq DAY, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (seq DIV 7) HOUR
    FROM seq_1_to_480;
  CREATE TABLE events (kind varchar(10), at timestamp NOT NULL, payload text);
  INSERT INTO events SELECT IF(seq % 2, 'click', 'view'), TIMESTAMP '2025-01-01 00:00:00' + INTERVAL seq MINUTE, REPEAT('x', seq) FROM seq_1_to_30;
  CREATE VIEW cheap_items AS SELECT id, name, price, updated_at FROM items WHERE price < 50;
`;

export const fixture: ConformanceFixture = {
  async setup() {
    const database = await createMysqlTestDatabase('tributary_smy_conformance');
    try {
      await database.admin.query(SEED);
    } catch (error) {
      await database.drop();
      throw error;
    }
    const config = { ...database.config, checkpoint_rows: 100 };
    return {
      config,
      badConfig: { ...config, database: `${database.name}_missing` },
      teardown: () => database.drop(),
    };
  },
};
