// A throwaway database per test file (or per stack) on the run's PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { createDatabase, databaseUrl, dropDatabase } from '../../apps/cli/src/stack/postgres-databases';
import { testDatabaseAdminUrl } from './test-environment';

export interface TestDatabase {
  name: string;
  url: string;
  /** Drops the database, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

/** Creates `<prefix>_<random>` (default prefix `tributary_test`). */
export async function createTestDatabase(prefix = 'tributary_test'): Promise<TestDatabase> {
  const adminUrl = testDatabaseAdminUrl();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await createDatabase(adminUrl, name);
  return { name, url: databaseUrl(adminUrl, name), drop: () => dropDatabase(adminUrl, name) };
}
