// Conformance fixture: a throwaway database on the test PostgreSQL server with a table (primary
// key, a cursor whose values repeat, exact types) and a view over it. The bad config names a
// database that does not exist. The database is dropped in teardown.
import { Client } from 'pg';
import type { ConformanceFixture } from '@tributary/connector-sdk/testing';
import type { JsonObject } from '@tributary/protocol';
import { createTestDatabase } from '../../../tools/testing';

const SEED = `
  CREATE TABLE items (
    id integer PRIMARY KEY, name text NOT NULL, price numeric(10,2), tags text[], payload jsonb, born date,
    photo bytea, updated_at timestamptz NOT NULL);
  INSERT INTO items
    SELECT i, 'item ' || i, i * 1.25, ARRAY['t' || (i % 3)], jsonb_build_object('i', i), date '2024-01-01' + i,
      decode(lpad(to_hex(i), 4, '0'), 'hex'), timestamptz '2024-01-01 00:00:00+00' + (i / 7) * interval '1 hour'
    FROM generate_series(1, 480) AS i;
  INSERT INTO items (id, name, updated_at) VALUES (1000, 'nulls', timestamptz '2024-06-01 00:00:00+00');
  ANALYZE items;
  CREATE VIEW cheap_items AS SELECT id, name, price, updated_at FROM items WHERE price < 50;
`;

export function connectionConfig(url: string, extra: JsonObject = {}): JsonObject {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)),
    username: decodeURIComponent(parsed.username),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...extra,
  };
}

export const fixture: ConformanceFixture = {
  async setup() {
    const database = await createTestDatabase('tributary_spg_conformance');
    try {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(SEED);
      } finally {
        await client.end();
      }
    } catch (error) {
      await database.drop();
      throw error;
    }
    const config = connectionConfig(database.url, { schemas: ['public'], checkpoint_rows: 100 });
    return {
      config,
      badConfig: { ...config, database: `${database.name}_missing` },
      teardown: () => database.drop(),
    };
  },
};
