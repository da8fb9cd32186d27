// The metadata database of the CLI's commands: DATABASE_URL when set, else the embedded
// PostgreSQL of the data directory (started here, or — for `db` commands — the one a running
// `tributary up` already has). Also the one place that migrates the schema and bootstraps the token.
import { createDataSource, migrate, revertLastMigration, ApiTokenRepository } from '@tributary/persistence';
import type { DataSource } from 'typeorm';
import { EmbeddedPostgresServer, assertPortFree, ensureDatabase, postgresUrl, LOOPBACK, type OutputStream } from '../stack';
import { CliException, CliExceptionCode } from '../cli.exception';
import { redactUrl, type StackConfig } from '../config/stack.config';
import type { DataDirLayout } from '../config/data-dir.layout';

export const METADATA_DATABASE = 'tributary';

export interface MetadataDatabase {
  url: string;
  /** The embedded server when this call started it (the caller stops it). */
  server?: EmbeddedPostgresServer;
  /** Where it came from, in words, for messages. */
  origin: string;
}

export interface OpenMetadataDatabaseOptions {
  /** Use an embedded server already running on the data dir instead of failing. */
  attachIfRunning?: boolean;
  detached?: boolean;
  onLine?: (line: string, stream: OutputStream) => void;
  signal?: AbortSignal;
}

export async function openMetadataDatabase(config: StackConfig, layout: DataDirLayout, options: OpenMetadataDatabaseOptions = {}): Promise<MetadataDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, origin: 'from DATABASE_URL' };
  layout.ensureExists();
  const settings = await layout.loadOrCreatePostgresSettings(config.postgresPort);
  const credentials = { host: LOOPBACK, user: settings.user, password: settings.password, database: METADATA_DATABASE };

  const runningPort = EmbeddedPostgresServer.runningPort(layout.postgresDir);
  if (runningPort !== undefined && options.attachIfRunning) {
    return { url: postgresUrl({ ...credentials, port: runningPort }), origin: `embedded, already running on port ${runningPort}` };
  }

  const port = config.postgresPort ?? settings.port;
  if (runningPort === undefined) {
    const stored = config.postgresPort === undefined ? ` (chosen at the first start and stored in ${layout.postgresSettingsFile})` : '';
    await assertPortFree(port, `the embedded PostgreSQL server${stored}`, 'TRIBUTARY_PG_PORT');
  }
  const server = await EmbeddedPostgresServer.start({
    dataDir: layout.postgresDir,
    port,
    user: settings.user,
    password: settings.password,
    detached: options.detached,
    onLine: options.onLine,
    signal: options.signal,
  });
  try {
    await ensureDatabase(server.url('postgres'), METADATA_DATABASE);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url(METADATA_DATABASE), server, origin: `embedded, port ${port}` };
}

/** Runs `work` with an initialised data source, reporting an unreachable database in words. */
export async function withMetadataDataSource<T>(url: string, work: (dataSource: DataSource) => Promise<T>): Promise<T> {
  const dataSource = createDataSource({ url, poolSize: 2, applicationName: 'tributary-cli' });
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new CliException(CliExceptionCode.DATABASE_UNREACHABLE, `Cannot connect to the metadata database at ${redactUrl(url)}: ${(error as Error).message}`);
  }
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

export interface PreparedMetadataStore {
  appliedMigrations: string[];
  /** Set only on the very first start without TRIBUTARY_API_TOKEN: shown once, never stored in clear. */
  generatedToken?: string;
}

/** Applies pending migrations and makes sure an API token exists. */
export function prepareMetadataStore(url: string, apiToken: string | undefined): Promise<PreparedMetadataStore> {
  return withMetadataDataSource(url, async (dataSource) => {
    const appliedMigrations = await migrate(dataSource);
    const { generated } = await new ApiTokenRepository(dataSource).ensureBootstrapToken(apiToken);
    return { appliedMigrations, generatedToken: generated };
  });
}

export function runMigrations(url: string): Promise<string[]> {
  return withMetadataDataSource(url, (dataSource) => migrate(dataSource));
}

/** Reverts the last applied migration; returns its name, or undefined when none was applied. */
export function revertMigration(url: string): Promise<string | undefined> {
  return withMetadataDataSource(url, async (dataSource) => {
    const executed = await dataSource.query<{ name: string }[]>(
      `SELECT name FROM ${dataSource.options.migrationsTableName ?? 'migrations'} ORDER BY timestamp DESC, id DESC LIMIT 1`,
    ).catch(() => []);
    if (executed.length === 0) return undefined;
    await revertLastMigration(dataSource);
    return executed[0]?.name;
  });
}
