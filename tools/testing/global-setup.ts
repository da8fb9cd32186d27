// Jest global setup of the integration project: one Temporal dev server (in memory, headless) and
// one PostgreSQL server (DATABASE_URL's, or an embedded one in a temp dir) for the whole run, on
// free loopback ports. Tests find them through TEST_ENV; global-teardown stops what was started.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedPostgresServer,
  TemporalDevServer,
  findFreePort,
  resolveTemporalCli,
  type SupervisedService,
} from '../../apps/cli/src/stack';
import { TEST_ENV } from './test-environment';

export interface TestInfrastructure {
  services: SupervisedService[];
  tempDirs: string[];
}

const INFRASTRUCTURE = Symbol.for('tributary.test-infrastructure');

type GlobalWithInfrastructure = typeof globalThis & { [INFRASTRUCTURE]?: TestInfrastructure };

export function takeTestInfrastructure(): TestInfrastructure | undefined {
  const holder = globalThis as GlobalWithInfrastructure;
  const infrastructure = holder[INFRASTRUCTURE];
  delete holder[INFRASTRUCTURE];
  return infrastructure;
}

/** Stops the services (last started first) and removes the temp dirs. */
export async function stopTestInfrastructure(infrastructure: TestInfrastructure): Promise<void> {
  for (const service of [...infrastructure.services].reverse()) await service.stop();
  for (const dir of infrastructure.tempDirs) await rm(dir, { recursive: true, force: true });
}

export default async function globalSetup(): Promise<void> {
  const infrastructure: TestInfrastructure = { services: [], tempDirs: [] };
  (globalThis as GlobalWithInfrastructure)[INFRASTRUCTURE] = infrastructure;
  const echo = process.env['TRIBUTARY_TEST_ECHO'] === '1';
  try {
    if (!process.env[TEST_ENV.temporalAddress]) {
      const temporal = await TemporalDevServer.start({
        cliPath: resolveTemporalCli(process.env),
        port: await findFreePort(),
        headless: true,
        logLevel: echo ? 'warn' : 'error',
        onLine: echo ? (line) => process.stderr.write(`[temporal] ${line}\n`) : undefined,
      });
      infrastructure.services.push(temporal);
      process.env[TEST_ENV.temporalAddress] = temporal.address;
    }
    if (!process.env[TEST_ENV.databaseUrl]) {
      process.env[TEST_ENV.databaseUrl] = process.env['DATABASE_URL'] ?? (await startEmbeddedPostgres(infrastructure, echo));
    }
  } catch (error) {
    await stopTestInfrastructure(takeTestInfrastructure() ?? infrastructure);
    throw error;
  }
}

async function startEmbeddedPostgres(infrastructure: TestInfrastructure, echo: boolean): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-test-pg-'));
  infrastructure.tempDirs.push(dir);
  // When we are root, Postgres runs as the `postgres` user, which must be able to enter the dir.
  await chmod(dir, 0o711);
  const server = await EmbeddedPostgresServer.start({
    dataDir: join(dir, 'data'),
    port: await findFreePort(),
    password: randomBytes(12).toString('hex'),
    // A throwaway cluster: durability buys nothing, speed does.
    settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    onLine: echo ? (line) => process.stderr.write(`[postgres] ${line}\n`) : undefined,
  });
  infrastructure.services.push(server);
  return server.url('postgres');
}
