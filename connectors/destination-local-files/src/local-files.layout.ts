// Where a stream's files live: `<namespace>/<stream>/<syncId>.<extension>` under the destination
// directory (no namespace directory when the stream has none). Names become single path segments:
// characters file systems reject, and `%` itself, are percent-encoded, as is a leading dot, so a
// stream called `../x` or `a/b` cannot escape or nest, and distinct names never share a file.
import { posix } from 'node:path';
import { SystemError } from '@tributary/connector-sdk';
import type { StreamDescriptor } from '@tributary/protocol';

const UNSAFE_CHARACTERS = new Set([...'/\\:*?"<>|%']);

function encodeCharacter(character: string): string {
  return `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
}

export function pathSegment(name: string): string {
  if (name.length === 0) throw new SystemError('A stream, namespace or sync id is empty and cannot name a file or directory.');
  const encoded = [...name].map((c) => (UNSAFE_CHARACTERS.has(c) || c.charCodeAt(0) < 0x20 || c === '\u007f' ? encodeCharacter(c) : c)).join('');
  return encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
}

/** The stream's directory, relative to the destination directory, with `/` separators. */
export function streamDirectory(stream: StreamDescriptor): string {
  return stream.namespace ? posix.join(pathSegment(stream.namespace), pathSegment(stream.name)) : pathSegment(stream.name);
}

/** The file a sync writes a stream to, relative to the destination directory. */
export function syncFilePath(stream: StreamDescriptor, syncId: string, extension: string): string {
  return posix.join(streamDirectory(stream), `${pathSegment(syncId)}.${extension}`);
}
