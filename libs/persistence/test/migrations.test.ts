// The real migrations against a real PostgreSQL: applied on an empty database, reverted, reapplied.
import type { DataSource } from 'typeorm';
import { createDataSource, migrate, MIGRATIONS, revertLastMigration } from '../src';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing/test-database';

const TABLES = [
  'actor_catalogs',
  'actors',
  'api_tokens',
  'attempts',
  'connections',
  'connector_builder_test_reads',
  'connector_definitions',
  'job_logs',
  'jobs',
  'quarantined_records',
  'schema_changes',
  'stream_states',
  'stream_stats',
  'sync_checkpoints',
  'sync_plans',
  'webhook_deliveries',
  'webhooks',
];

let database: TestDatabase;
let dataSource: DataSource;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'migrations-test' });
  await dataSource.initialize();
});

afterAll(async () => {
  if (dataSource?.isInitialized) await dataSource.destroy();
  await database?.drop();
});

async function tables(): Promise<string[]> {
  const found = (await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations' ORDER BY table_name`)) as {
    table_name: string;
  }[];
  return found.map((t) => t.table_name);
}

async function indexes(): Promise<string[]> {
  const found = (await dataSource.query(`SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname = 'jobs_one_active_per_connection'`)) as { indexname: string }[];
  return found.map((i) => i.indexname);
}

describe('migrations', () => {
  it('create every table on an empty database, once', async () => {
    expect(await tables()).toEqual([]);
    expect(await migrate(dataSource)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables()).toEqual(TABLES);
    expect(await indexes()).toEqual(['jobs_one_active_per_connection']);
    expect(await migrate(dataSource)).toEqual([]);
  });

  it('reverts every migration, newest first, down to an empty database, and migrate recreates it all', async () => {
    await migrate(dataSource);
    for (let remaining = MIGRATIONS.length; remaining > 0; remaining--) {
      await revertLastMigration(dataSource);
      const applied = (await dataSource.query(`SELECT name FROM typeorm_migrations ORDER BY id`)) as { name: string }[];
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.slice(0, remaining - 1).map((m) => m.name));
    }
    expect(await tables()).toEqual([]);
    expect(await indexes()).toEqual([]);

    expect(await migrate(dataSource)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await tables()).toEqual(TABLES);
    expect(await indexes()).toEqual(['jobs_one_active_per_connection']);
  });
});
