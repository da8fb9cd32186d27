// The position this destination reports with each commit and gets back when a sync resumes:
// `{ "files": { "<stream key>": { "path": "<namespace>/<stream>/<syncId>.jsonl", "bytes": n } } }`,
// the durable byte length of every stream's file of this sync. Paths are relative to the
// destination directory, so the position stays valid if the directory is reached by another path.
import { SystemError } from '@tributary/connector-sdk';
import type { JsonObject } from '@tributary/protocol';

// Type aliases rather than interfaces, so a position is assignable to JsonObject as it stands.
export type FilePosition = { path: string; bytes: number };
export type LocalFilesPosition = { files: Record<string, FilePosition> };

/** Reads a position handed back by the platform; a malformed one is a bug, not something to guess around. */
export function parsePosition(value: JsonObject): LocalFilesPosition {
  const files = value.files;
  if (!files || typeof files !== 'object' || Array.isArray(files)) {
    throw new SystemError(`The resume position has no "files" object: ${JSON.stringify(value)}.`);
  }
  for (const [key, file] of Object.entries(files)) {
    const { path, bytes } = (file ?? {}) as Record<string, unknown>;
    if (typeof path !== 'string' || typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) {
      throw new SystemError(`The resume position of stream "${key}" is not { path, bytes }: ${JSON.stringify(file)}.`);
    }
  }
  return { files: files as unknown as Record<string, FilePosition> };
}

