// Turns Node's file-system errors into the connector error classes (DESIGN §3), with a sentence
// naming the path and the operating system's reason: a wrong or unwritable directory is the
// user's to fix (config), a full disk or an exhausted file table may pass (transient), anything
// else is unexpected (system).
import { ConfigError, type ConnectorError, SystemError, TransientError } from '../errors';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'part of the path is a file, not a directory',
  // mkdir is the only call here that reports it: something other than a directory is in the way.
  EEXIST: 'it exists and is not a directory',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or directory',
  ENAMETOOLONG: 'the name is too long',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EIO: 'input/output error',
};
const CONFIG_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EEXIST', 'EISDIR', 'ENAMETOOLONG']);
const TRANSIENT_CODES = new Set(['ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The OS reason in words, e.g. `permission denied (EACCES)`. */
export function fileSystemReason(error: unknown): string {
  const code = codeOf(error);
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** `Cannot <action> <path>: <reason>.`, classified by the error code. */
export function fileSystemError(error: unknown, action: string, path: string): ConnectorError {
  const code = codeOf(error) ?? '';
  const message = `Cannot ${action} ${path}: ${fileSystemReason(error)}.`;
  if (CONFIG_CODES.has(code)) return new ConfigError(message, { cause: error });
  if (TRANSIENT_CODES.has(code)) return new TransientError(message, { cause: error });
  return new SystemError(message, { cause: error });
}

/** Runs a file-system call, rethrowing its failure as a classified connector error. */
export async function withFileSystemErrors<T>(action: string, path: string, operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw fileSystemError(error, action, path);
  }
}
