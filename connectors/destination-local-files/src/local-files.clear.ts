// Clearing streams (a clear job) in a local directory: everything a stream has under its directory
// goes — the files of every sync, parts of every generation, the manifest, temporary files an
// interrupted writer left — so the next sync starts from nothing. The directory is shared in one
// case: a stream without namespace named like another stream's namespace (`public` and
// `public.users`) holds that stream's directory inside its own, which is left alone: with the
// classic layout every subdirectory is another stream's, with parts (a path template) a
// subdirectory that has its own `_tributary/manifest.json` is.
import type { Dirent } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConnectorContext } from '@tributary/connector-sdk';
import { fileSystemError, MANIFEST_DIRECTORY, MANIFEST_NAME, type PathTemplate, withFileSystemErrors } from '@tributary/connector-sdk/files';
import { type ConfiguredAirbyteStream, type StreamDescriptor, streamKey } from '@tributary/protocol';
import { streamDirectory } from './local-files.layout';

export type LocalLayout = { kind: 'classic' } | { kind: 'parts'; template: PathTemplate };

export async function clearLocalStreams(root: string, layout: LocalLayout, streams: ConfiguredAirbyteStream[], context: ConnectorContext): Promise<void> {
  for (const configured of streams) {
    context.signal.throwIfAborted();
    const { name, namespace } = configured.stream;
    const descriptor: StreamDescriptor = namespace ? { name, namespace } : { name };
    const relative = layout.kind === 'classic' ? streamDirectory(descriptor) : layout.template.streamRoot(descriptor);
    const directory = join(root, ...relative.split('/'));
    const removed = await clearDirectory(directory, layout.kind === 'classic');
    await removeEmptyParents(directory, root);
    context.logger.info(`cleared stream "${streamKey(descriptor)}": removed ${removed} file(s) under ${directory}`);
  }
}

/** Removes the stream's entries under `directory`; returns how many files went. */
async function clearDirectory(directory: string, classic: boolean): Promise<number> {
  const entries = await list(directory);
  let removed = 0;
  // The manifest first: a reader that goes through it sees no stream rather than missing files.
  if (entries.some((e) => e.isDirectory() && e.name === MANIFEST_DIRECTORY)) {
    await remove(join(directory, MANIFEST_DIRECTORY, MANIFEST_NAME));
    removed += await removeTree(join(directory, MANIFEST_DIRECTORY));
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.name === MANIFEST_DIRECTORY && entry.isDirectory()) continue;
    if (!entry.isDirectory()) {
      await remove(path);
      removed++;
    } else if (!classic && !(await list(join(path, MANIFEST_DIRECTORY))).some((e) => e.name === MANIFEST_NAME)) {
      removed += await removeTree(path);
    }
  }
  await rmdir(directory).catch(() => undefined);
  return removed;
}

async function removeTree(path: string): Promise<number> {
  let files = 0;
  for (const entry of await list(path)) files += entry.isDirectory() ? await removeTree(join(path, entry.name)) : 1;
  await withFileSystemErrors('remove', path, () => rm(path, { recursive: true, force: true }));
  return files;
}

async function remove(path: string): Promise<void> {
  await withFileSystemErrors('remove', path, () => rm(path, { force: true }));
}

/** Entries of a directory; none when it does not exist. */
async function list(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw fileSystemError(error, 'list', directory);
  }
}

/** The namespace directory (and so on up to the root) goes too once nothing is left in it. */
async function removeEmptyParents(directory: string, root: string): Promise<void> {
  for (let parent = dirname(directory); parent.startsWith(root) && parent !== root; parent = dirname(parent)) {
    if ((await list(parent)).length > 0) return;
    await rmdir(parent).catch(() => undefined);
  }
}
