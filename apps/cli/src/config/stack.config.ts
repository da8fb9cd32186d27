// The environment of `tributary up` and `tributary db`, read and validated once. Everything past
// this point trusts the types. The same variables reach the API and the worker unchanged.
import { isAbsolute, resolve } from 'node:path';
import { CliException, CliExceptionCode } from '../cli.exception';

export interface StackConfig {
  /** Absolute data directory (TRIBUTARY_DATA_DIR, default ./.tributary). */
  dataDir: string;
  /** DATABASE_URL; unset = embedded PostgreSQL under the data dir. */
  databaseUrl?: string;
  /** TRIBUTARY_PG_PORT; unset = the port chosen at the first start (stored in the data dir). */
  postgresPort?: number;
  /** TEMPORAL_ADDRESS; unset = the Temporal dev server. */
  temporalAddress?: string;
  temporalNamespace: string;
  temporalPort: number;
  temporalUiPort: number;
  /** TEMPORAL_UI_URL: the web UI of an external Temporal, shown in the banner and the console. */
  temporalUiUrl?: string;
  apiHost: string;
  apiPort: number;
  apiToken?: string;
  consoleHost: string;
  consolePort: number;
  /** TRIBUTARY_SECRET_KEY; unset = the key file in the data dir. */
  secretKey?: string;
}

export function readStackConfig(env: NodeJS.ProcessEnv, cwd: string): StackConfig {
  const dataDir = text(env, 'TRIBUTARY_DATA_DIR') ?? './.tributary';
  const temporalPort = port(env, 'TEMPORAL_PORT') ?? 7233;
  return {
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    databaseUrl: databaseUrl(env),
    postgresPort: port(env, 'TRIBUTARY_PG_PORT'),
    temporalAddress: temporalAddress(env),
    temporalNamespace: text(env, 'TEMPORAL_NAMESPACE') ?? 'default',
    temporalPort,
    temporalUiPort: port(env, 'TEMPORAL_UI_PORT') ?? 8233,
    temporalUiUrl: text(env, 'TEMPORAL_UI_URL'),
    apiHost: text(env, 'API_HOST') ?? '127.0.0.1',
    apiPort: port(env, 'API_PORT') ?? 8080,
    apiToken: apiToken(env),
    consoleHost: text(env, 'CONSOLE_HOST') ?? '127.0.0.1',
    consolePort: port(env, 'CONSOLE_PORT') ?? 3000,
    secretKey: text(env, 'TRIBUTARY_SECRET_KEY'),
  };
}

/** Where a client on this machine reaches a server bound to `host` (a wildcard bind is reached on loopback). */
export function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function text(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

function port(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = text(env, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 65535) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, `${name} must be a port number between 1 and 65535, but is "${value}".`);
  }
  return parsed;
}

function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const value = text(env, 'DATABASE_URL');
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, 'DATABASE_URL must be a URL like postgres://user:password@host:5432/database.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, `DATABASE_URL must start with postgres:// or postgresql://, not ${parsed.protocol}//.`);
  }
  return value;
}

function apiToken(env: NodeJS.ProcessEnv): string | undefined {
  const value = text(env, 'TRIBUTARY_API_TOKEN');
  // The API refuses shorter tokens; refuse them here too, before one is registered in the database.
  if (value !== undefined && value.length < 16) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, 'TRIBUTARY_API_TOKEN must be at least 16 characters long.');
  }
  return value;
}

function temporalAddress(env: NodeJS.ProcessEnv): string | undefined {
  const value = text(env, 'TEMPORAL_ADDRESS');
  if (value === undefined) return undefined;
  if (!/^(\[[0-9a-fA-F:]+\]|[^\s:/]+):\d+$/.test(value)) {
    throw new CliException(CliExceptionCode.INVALID_CONFIG, `TEMPORAL_ADDRESS must be host:port (e.g. 127.0.0.1:7233), but is "${value}".`);
  }
  return value;
}

/** A connection URL with its password replaced by ***, fit for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
