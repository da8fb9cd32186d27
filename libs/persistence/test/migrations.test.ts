// The real migrations against a real PostgreSQL: applied on an empty database, reverted, reapplied.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate, MIGRATIONS, revertLastMigration } from '../src';

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
  'webhook_deliveries',
  'webhooks',
];

/**
 * A fresh database on the integration test server, dropped (with whoever is still connected) by
 * `drop()`. Mirrors createTestDatabase of tools/testing, which a lib cannot import yet: the
 * module-boundary lint rule refuses relative imports from outside the project.
 */
async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = process.env['TRIBUTARY_TEST_DATABASE_URL'];
  if (!adminUrl) throw new Error('TRIBUTARY_TEST_DATABASE_URL is not set: run this test through the "integration" Jest project');
  const name = `tributary_t_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

let database: { url: string; drop(): Promise<void> };
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
