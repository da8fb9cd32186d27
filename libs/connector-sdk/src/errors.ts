// Errors are classified at the connector edge (DESIGN §3): config errors are shown to the user and
// never retried, transient errors are retried with backoff, system errors fail loudly.
import type { FailureType } from '@tributary/protocol';

export class ConnectorError extends Error {
  constructor(
    readonly failureType: FailureType,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ConnectorError';
  }
}

/** The user's configuration is wrong (bad credentials, missing table): fix it, retrying won't help. */
export class ConfigError extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('config_error', message, options);
    this.name = 'ConfigError';
  }
}

/** A passing failure (network, 429, 5xx, deadlock): retry with backoff. */
export class TransientError extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('transient_error', message, options);
    this.name = 'TransientError';
  }
}

/** A bug or an unexpected state: fail loudly with context. */
export class SystemError extends ConnectorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('system_error', message, options);
    this.name = 'SystemError';
  }
}

/** Network failures (Node and undici) and PostgreSQL/MySQL conditions that pass on their own. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '57P01', // admin_shutdown (e.g. pg_terminate_backend)
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08003', // connection_does_not_exist
  '08006', // connection_failure
  '53300', // too_many_connections
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'PROTOCOL_CONNECTION_LOST',
]);

const MAX_CAUSE_DEPTH = 5;

/** Classifies any thrown value; errors of unknown origin are system errors. */
export function classifyError(error: unknown): { failureType: FailureType; message: string } {
  if (error instanceof ConnectorError) return { failureType: error.failureType, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  // fetch() and drivers put the system error code on a cause: look down the chain.
  let current: unknown = error;
  for (let depth = 0; current && depth < MAX_CAUSE_DEPTH; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) {
      const detail = current !== error && current instanceof Error ? `${message}: ${current.message}` : message;
      return { failureType: 'transient_error', message: detail };
    }
    current = (current as { cause?: unknown }).cause;
  }
  return { failureType: 'system_error', message };
}
