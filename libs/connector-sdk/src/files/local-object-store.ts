// The object store of a local directory. A part is written to a hidden temporary file beside its
// final name (`.<name>.tmp`, which Spark, Hive and DuckDB globs skip), fsynced, then renamed into
// place and the directory fsynced: a crash leaves either no file or the whole file. Small objects
// (manifests) go through the same write-then-rename.
import { type FileHandle, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { SystemError } from '../errors';
import { withFileSystemErrors, fileSystemError } from './file-system.error';
import type { ObjectSink, ObjectStore } from './object-store';

export class LocalObjectStore implements ObjectStore {
  readonly location: string;

  constructor(readonly root: string) {
    this.location = resolve(root);
  }

  /** The absolute path of a relative one; refuses anything that would leave the root. */
  resolvePath(path: string): string {
    const normal = posix.normalize(path);
    if (normal.startsWith('../') || normal === '..' || posix.isAbsolute(normal)) throw new SystemError(`The path ${path} leaves the destination directory.`);
    return join(this.location, ...normal.split('/'));
  }

  async create(path: string): Promise<ObjectSink> {
    const target = this.resolvePath(path);
    const directory = dirname(target);
    await withFileSystemErrors('create directory', directory, () => mkdir(directory, { recursive: true }));
    const temporary = temporaryPath(target);
    const handle = await withFileSystemErrors('create', temporary, () => open(temporary, 'w'));
    return new LocalFileSink(handle, temporary, target);
  }

  async read(path: string): Promise<Buffer | undefined> {
    const target = this.resolvePath(path);
    try {
      return await readFile(target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw fileSystemError(error, 'read', target);
    }
  }

  async put(path: string, body: Buffer | string): Promise<void> {
    const sink = await this.create(path);
    try {
      await sink.write(typeof body === 'string' ? Buffer.from(body, 'utf8') : body);
      await sink.close();
    } catch (error) {
      await sink.abort();
      throw error;
    }
  }

  async exists(path: string): Promise<boolean> {
    const target = this.resolvePath(path);
    try {
      await stat(target);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw fileSystemError(error, 'read', target);
    }
  }

  async remove(paths: string[]): Promise<void> {
    for (const path of paths) {
      const target = this.resolvePath(path);
      await withFileSystemErrors('remove', target, () => rm(target, { force: true }));
      // A temporary file an interrupted writer left behind goes too.
      await withFileSystemErrors('remove', target, () => rm(temporaryPath(target), { force: true }));
    }
  }
}

function temporaryPath(target: string): string {
  const slash = target.lastIndexOf(sep);
  return `${target.slice(0, slash + 1)}.${target.slice(slash + 1)}.tmp`;
}

class LocalFileSink implements ObjectSink {
  bytes = 0;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    private readonly temporary: string,
    private readonly target: string,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    await withFileSystemErrors('write to', this.temporary, async () => {
      for (let offset = 0; offset < chunk.length; ) offset += (await this.handle.write(chunk, offset)).bytesWritten;
    });
    this.bytes += chunk.length;
  }

  async close(): Promise<void> {
    await withFileSystemErrors('sync', this.temporary, () => this.handle.sync());
    this.closed = true;
    await this.handle.close();
    await withFileSystemErrors('rename', this.temporary, () => rename(this.temporary, this.target));
    await syncDirectory(dirname(this.target));
  }

  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.temporary, { force: true }).catch(() => undefined);
  }
}

/** fsyncs a directory so a rename in it survives a crash; skipped where unsupported. */
export async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF', 'EACCES'].includes((error as NodeJS.ErrnoException).code ?? '')) {
      throw fileSystemError(error, 'sync directory', path);
    }
  } finally {
    await handle?.close();
  }
}
