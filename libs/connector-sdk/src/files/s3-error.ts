// Turns what @aws-sdk/client-s3 throws into the connector error classes (DESIGN §3), with a
// sentence naming the bucket and what the user can do: a missing bucket, refused credentials or a
// wrong endpoint are the user's to fix (config); throttling, 5xx and network hiccups pass
// (transient); anything else is unexpected (system).
import { ConfigError, type ConnectorError, SystemError, TransientError } from '../errors';

/** S3 error codes (the `name` of the SDK's exceptions) that only a change of configuration fixes. */
const CONFIG_CODES: Record<string, string> = {
  NoSuchBucket: 'the bucket does not exist',
  AccessDenied: 'access denied: the credentials lack permission on this bucket or prefix',
  AllAccessDisabled: 'access to the bucket is disabled',
  InvalidAccessKeyId: 'the access key id is not known to the server',
  SignatureDoesNotMatch: 'the secret access key does not match the access key id',
  InvalidBucketName: 'the bucket name is not valid',
  AuthorizationHeaderMalformed: 'the region does not match the bucket (set the bucket\'s region)',
  PermanentRedirect: 'the bucket is in another region or needs another endpoint',
  InvalidToken: 'the session token is not valid',
  ExpiredToken: 'the session token has expired',
  AccountProblem: 'the account has a problem that prevents the operation',
  CredentialsProviderError: 'no credentials: set an access key id and secret, or configure the default AWS credential chain (environment, profile, instance role)',
  InvalidAccessPointAliasError: 'the access point alias is not valid',
};
const TRANSIENT_CODES = new Set(['SlowDown', 'RequestTimeout', 'RequestTimeTooSkewed', 'InternalError', 'ServiceUnavailable', 'ThrottlingException', 'TooManyRequestsException', 'TimeoutError', 'OperationAborted']);
const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
  CERT_HAS_EXPIRED: 'TLS certificate has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate cannot be verified',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
};
const TLS_CODES = new Set(['CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID']);

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const NETWORK_CODE_IN_TEXT = new RegExp(`\\b(${Object.keys(NETWORK_CODES).join('|')})\\b`);

/**
 * The network error code on the error or its causes (Node puts it on `code`, undici on `cause`).
 * The SDK's retry layer re-wraps errors it does not recognise as objects (errors of another realm,
 * as under Jest) into `AWS SDK error wrapper for Error: connect ECONNREFUSED …`: the code is then
 * only in the text.
 */
function networkCode(error: unknown): string | undefined {
  let current = error as AwsErrorShape | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (typeof current.code === 'string' && NETWORK_CODES[current.code]) return current.code;
    if (!current.$metadata?.httpStatusCode && typeof current.message === 'string') {
      const match = NETWORK_CODE_IN_TEXT.exec(current.message);
      if (match) return match[1];
    }
    current = current.cause as AwsErrorShape | undefined;
  }
  return undefined;
}

/** The reason in words, e.g. `the bucket does not exist (NoSuchBucket)`. */
export function s3Reason(error: unknown): string {
  const shape = (error ?? {}) as AwsErrorShape;
  const network = networkCode(error);
  if (network) return `the endpoint is unreachable: ${NETWORK_CODES[network]} (${network})`;
  const name = shape.name ?? '';
  if (CONFIG_CODES[name]) return `${CONFIG_CODES[name]} (${name})`;
  const status = shape.$metadata?.httpStatusCode;
  if (status === 403) return `access denied (HTTP 403${name && name !== 'Forbidden' ? `, ${name}` : ''})`;
  if (status === 404 && (name === 'NotFound' || name === 'UnknownError')) return 'not found (HTTP 404): the bucket may not exist';
  const message = shape.message && !shape.message.startsWith('@aws-sdk') ? shape.message : 'unexpected answer';
  return status ? `${message} (HTTP ${status}${name ? `, ${name}` : ''})` : `${message}${name && name !== 'Error' ? ` (${name})` : ''}`;
}

/** `Cannot <action> <location>: <reason>.`, classified. */
export function s3Error(error: unknown, action: string, location: string): ConnectorError {
  const shape = (error ?? {}) as AwsErrorShape;
  const message = `Cannot ${action} ${location}: ${s3Reason(error)}.`;
  const network = networkCode(error);
  if (network) return TLS_CODES.has(network) ? new ConfigError(message, { cause: error }) : new TransientError(message, { cause: error });
  const name = shape.name ?? '';
  const status = shape.$metadata?.httpStatusCode ?? 0;
  if (CONFIG_CODES[name] || status === 401 || status === 403) return new ConfigError(message, { cause: error });
  if (TRANSIENT_CODES.has(name) || status === 429 || status >= 500) return new TransientError(message, { cause: error });
  return new SystemError(message, { cause: error });
}

/** Runs an S3 call, rethrowing its failure as a classified connector error. */
export async function withS3Errors<T>(action: string, location: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw s3Error(error, action, location);
  }
}
