// Conformance fixture: loads into a throwaway database on the test PostgreSQL server (dropped in
// teardown, tables and bookkeeping with it). The bad config names a database that does not exist.
import type { ConformanceFixture } from '@tributary/connector-sdk/testing';
import { createTestDatabase } from '../../../tools/testing';

export const fixture: ConformanceFixture = {
  async setup() {
    const database = await createTestDatabase('tributary_dpg_conformance');
    const url = new URL(database.url);
    const config = {
      host: url.hostname,
      port: Number(url.port || 5432),
      database: database.name,
      username: decodeURIComponent(url.username),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      schema: 'conformance',
    };
    return {
      config,
      badConfig: { ...config, database: `${database.name}_missing` },
      teardown: () => database.drop(),
    };
  },
};
