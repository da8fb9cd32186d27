// What every PostgreSQL connector shares: the connection fields of its config, turned into the
// driver's client config (SSL modes as libpq names them), and the classification of what the
// driver throws (DESIGN §3).
import type { ClientConfig } from 'pg';
import { ConfigError, ConnectorError, SystemError, TransientError } from '../errors';
import { tlsOptions, type SslMode } from '../tls-options';

export interface PostgresConnectionConfig {
  host: string;
  port: number;
  database: string;
  username: string;
  password?: string;
  ssl_mode: SslMode;
  ssl_ca_certificate?: string;
}

/** `applicationName` lets operators (and tests) find the connector's connections in pg_stat_activity. */
export function postgresClientConfig(config: PostgresConnectionConfig, applicationName: string): ClientConfig {
  return {
    host: config.host,
    port: config.port,
    database: config.database,
    user: config.username,
    password: config.password || undefined,
    application_name: applicationName,
    connectionTimeoutMillis: 30_000,
    keepAlive: true,
    ssl: tlsOptions(config.ssl_mode, config.ssl_ca_certificate) ?? false,
  };
}

interface DriverError {
  code?: string;
  message?: string;
}

const CONFIG_CODES: Record<string, string> = {
  '28000': 'the server refused the connection (pg_hba.conf or role)',
  '28P01': 'the password is wrong',
  '3D000': 'the database does not exist',
  '42501': 'the role lacks a privilege',
  '3F000': 'the schema does not exist',
  '42P01': 'a table does not exist',
  '2BP01': 'other objects (views?) depend on a table that must be replaced',
};

const TRANSIENT_CLASSES = ['08', '53', '57P', '40'];
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * Wraps any error with its failure type; `doing` says what was attempted ("connecting", "loading
 * table x"). The user's mistakes (authentication, missing database, privileges) become ConfigError
 * with a sentence; lost connections, admin shutdowns, deadlocks and serialization failures become
 * TransientError; the rest stays a system error.
 */
export function postgresError(error: unknown, doing: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const { code, message = String(error) } = (error ?? {}) as DriverError;
  const text = `PostgreSQL error while ${doing}: ${message}`;
  if (code && CONFIG_CODES[code]) return new ConfigError(`${text} (${CONFIG_CODES[code]})`, { cause: error });
  if (code && (TRANSIENT_NETWORK.has(code) || TRANSIENT_CLASSES.some((prefix) => code.startsWith(prefix)))) {
    return new TransientError(text, { cause: error });
  }
  // The driver's own words when the socket dies under it: no SQLSTATE, but the connection is gone.
  if (!code && /Connection terminated|connection (is )?closed|Client has encountered a connection error|timeout expired/i.test(message)) {
    return new TransientError(text, { cause: error });
  }
  return new SystemError(text, { cause: error });
}
