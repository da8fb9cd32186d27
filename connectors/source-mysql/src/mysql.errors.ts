// Classifies what the driver throws (DESIGN §3): the user's mistakes (credentials, unknown
// database, privileges, a table gone) become ConfigError with a sentence; lost connections,
// killed queries, deadlocks, lock timeouts and server shutdowns become TransientError; the rest
// stays a system error.
import { ConfigError, ConnectorError, SystemError, TransientError } from '@tributary/connector-sdk';

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

const CONFIG_CODES: Record<string, string> = {
  ER_ACCESS_DENIED_ERROR: 'the user name or password is wrong, or the user may not connect from this host',
  ER_ACCESS_DENIED_NO_PASSWORD_ERROR: 'the user needs a password',
  ER_DBACCESS_DENIED_ERROR: 'the user has no access to the database',
  ER_BAD_DB_ERROR: 'the database does not exist',
  ER_TABLEACCESS_DENIED_ERROR: 'the user lacks SELECT on a table',
  ER_COLUMNACCESS_DENIED_ERROR: 'the user lacks SELECT on a column',
  ER_SPECIFIC_ACCESS_DENIED_ERROR: 'the user lacks a privilege',
  ER_NO_SUCH_TABLE: 'a table does not exist',
  ER_BAD_FIELD_ERROR: 'a column does not exist',
  ER_VIEW_INVALID: 'a view refers to tables or columns that no longer exist or cannot be read',
  HANDSHAKE_SSL_ERROR: 'the TLS handshake failed',
  HANDSHAKE_NO_SSL_SUPPORT: 'the server does not support TLS',
};

const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_QUERY_INTERRUPTED',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_WRITE_INTERRUPTED',
  'ER_NET_READ_ERROR',
  'ER_NET_ERROR_ON_WRITE',
  'ER_CLIENT_INTERACTION_TIMEOUT',
]);

/** MariaDB's "Connection was killed" (1927) and "Query execution was interrupted" (1317, 3024), when the code has no name. */
const TRANSIENT_ERRNOS = new Set([1927, 1317, 3024, 1053, 1205, 1213, 1040, 2006, 2013]);

/** Wraps any error with its failure type; `doing` says what was attempted ("connecting", "reading x"). */
export function mysqlError(error: unknown, doing: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const { code, errno, message = String(error) } = (error ?? {}) as DriverError;
  const text = `MySQL error while ${doing}: ${message}`;
  if (code && CONFIG_CODES[code]) return new ConfigError(`${text} (${CONFIG_CODES[code]})`, { cause: error });
  if ((code && TRANSIENT_CODES.has(code)) || (errno !== undefined && TRANSIENT_ERRNOS.has(errno))) return new TransientError(text, { cause: error });
  // The driver's words when the socket dies under a query or the connection was closed.
  if (/connection (is in closed state|lost)|closed state|Can't add new command when connection is in closed state/i.test(message)) return new TransientError(text, { cause: error });
  return new SystemError(text, { cause: error });
}
