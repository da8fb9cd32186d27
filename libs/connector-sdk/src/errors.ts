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

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Classifies any thrown value; errors of unknown origin are system errors. */
export function classifyError(error: unknown): { failureType: FailureType; message: string } {
  if (error instanceof ConnectorError) return { failureType: error.failureType, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return { failureType: 'transient_error', message };
  return { failureType: 'system_error', message };
}
