// One stream's output file during one sync. Encoded rows are buffered and appended in large
// writes; sync() makes them durable (fsync of the file and, when it was just created, of the
// directories naming it) so a commit can vouch for them. `size` is then the byte length a resumed
// attempt cuts the file back to.
import { type FileHandle, mkdir, open, stat, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { SystemError } from '@tributary/connector-sdk';
import { syncDirectory, withFileSystemErrors } from '@tributary/connector-sdk/files';

export class StreamFileWriter {
  private handle?: FileHandle;
  private chunks: string[] = [];
  private chars = 0;
  /** Bytes in the file, not counting the buffer. */
  private bytes: number;
  private bytesAtLastStats: number;
  private recordsSinceStats = 0;
  private unsynced = false;
  /** Directories whose entries must be fsynced once, because the file (or they) are new. */
  private directoriesToSync: string[] = [];

  private constructor(
    readonly path: string,
    /** `path` relative to the destination directory, as recorded in positions. */
    readonly relativePath: string,
    bytes: number,
    private readonly existed: boolean,
  ) {
    this.bytes = bytes;
    this.bytesAtLastStats = bytes;
  }

  /**
   * A writer appending to `root/relativePath` after cutting the file back to `keepBytes` (0 starts
   * it afresh). Fails when the file is shorter than that: committed rows are gone, and carrying on
   * would silently lose them.
   */
  static async start(root: string, relativePath: string, keepBytes: number): Promise<StreamFileWriter> {
    const path = join(root, relativePath);
    const current = await withFileSystemErrors('read', path, () =>
      stat(path).then(
        (stats) => stats.size,
        (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)),
      ),
    );
    if ((current ?? 0) < keepBytes) {
      throw new SystemError(
        `${path} holds ${current ?? 0} bytes, fewer than the ${keepBytes} the resumed checkpoint committed: rows already written are gone. Clear the stream and sync again.`,
      );
    }
    if (current !== undefined && current > keepBytes) {
      await withFileSystemErrors('truncate', path, () => truncate(path, keepBytes));
    }
    return new StreamFileWriter(path, relativePath, keepBytes, current !== undefined);
  }

  /** Byte length of the file; the durable length right after sync(). */
  get size(): number {
    return this.bytes;
  }

  /** Characters waiting in the buffer, a cheap stand-in for its size in memory. */
  get buffered(): number {
    return this.chars;
  }

  append(encodedRow: string): void {
    this.chunks.push(encodedRow);
    this.chars += encodedRow.length;
    this.recordsSinceStats++;
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const data = Buffer.from(this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.chars = 0;
    const handle = this.handle ?? (await this.open());
    await withFileSystemErrors('write to', this.path, async () => {
      for (let offset = 0; offset < data.length; ) offset += (await handle.write(data, offset)).bytesWritten;
    });
    this.bytes += data.length;
    this.unsynced = true;
  }

  /** Flushes and fsyncs, if anything was written since the last sync. */
  async sync(): Promise<void> {
    await this.flush();
    if (!this.unsynced || !this.handle) return;
    const handle = this.handle;
    await withFileSystemErrors('sync', this.path, () => handle.sync());
    for (const directory of this.directoriesToSync) await syncDirectory(directory);
    this.directoriesToSync = [];
    this.unsynced = false;
  }

  /** Rows and bytes written since the previous call; call after sync() for durable figures. */
  takeStats(): { records: number; bytes: number } {
    const stats = { records: this.recordsSinceStats, bytes: this.bytes - this.bytesAtLastStats };
    this.recordsSinceStats = 0;
    this.bytesAtLastStats = this.bytes;
    return stats;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async open(): Promise<FileHandle> {
    const directory = dirname(this.path);
    const created = await withFileSystemErrors('create directory', directory, () => mkdir(directory, { recursive: true }));
    // 'a' appends at the end whatever the offset: after start() that is the kept length.
    this.handle = await withFileSystemErrors('open', this.path, () => open(this.path, 'a'));
    if (!this.existed) this.directoriesToSync = [directory];
    if (created) {
      // Every directory mkdir created is named in its parent, up to the parent of the first one.
      const stop = dirname(created);
      for (let current = directory; current !== stop && current !== dirname(current); ) {
        current = dirname(current);
        this.directoriesToSync.push(current);
      }
    }
    return this.handle;
  }
}
