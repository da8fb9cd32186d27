// Where a stream's files come from: a local path or glob, one HTTP(S) URL, or an S3 URL with a
// glob. Each provider lists the matching files (with their modification time, for incremental
// reads) and opens one as a byte stream. Errors are classified at this edge: a pattern that is
// wrong, a 404 or a refused credential is the user's to fix; a 5xx or a network failure passes.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, TransientError } from '@tributary/connector-sdk';
import { S3ObjectStore } from '@tributary/connector-sdk/files';
import picomatch from 'picomatch';
import type { S3AccessConfig } from './file-source.config';

export interface FileEntry {
  /** What the file is called in messages and in the `_source_file` column. */
  uri: string;
  modifiedAt: Date;
  /** The bytes (compressed as stored). */
  open(): Promise<Readable>;
  /** The local path, when the file is on the worker's disk (Parquet needs random access). */
  localPath?: string;
}

export interface FileLister {
  list(url: string, signal: AbortSignal): Promise<FileEntry[]>;
  close(): Promise<void>;
}

/** Lists the files of a stream's `url`, sorted by modification time then name. */
export function fileListerFor(url: string, s3: S3AccessConfig): FileLister {
  if (/^https?:\/\//i.test(url)) return new HttpFileLister();
  if (/^s3:\/\//i.test(url)) return new S3FileLister(s3);
  return new LocalFileLister();
}

const byTimeThenName = (a: FileEntry, b: FileEntry) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0);

class LocalFileLister implements FileLister {
  async list(url: string): Promise<FileEntry[]> {
    const pattern = resolve(url.replace(/^file:\/\//i, ''));
    const scan = picomatch.scan(pattern);
    const entry = (path: string, modifiedAt: Date): FileEntry => ({ uri: path, modifiedAt, localPath: path, open: async () => createReadStream(path) });
    if (!scan.isGlob) {
      try {
        const info = await stat(pattern);
        if (!info.isFile()) throw new ConfigError(`${pattern} is not a file.`);
        return [entry(pattern, info.mtime)];
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new ConfigError(`Cannot read ${pattern}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`);
      }
    }
    const base = scan.base && isAbsolute(scan.base) ? scan.base : '/';
    const matches = picomatch(pattern, { dot: false });
    let names: string[];
    try {
      names = await readdir(base, { recursive: true });
    } catch (error) {
      throw new ConfigError(`Cannot list ${base}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (error as Error).message}.`);
    }
    const files: FileEntry[] = [];
    for (const name of names) {
      const path = join(base, name);
      if (!matches(path)) continue;
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) files.push(entry(path, info.mtime));
    }
    return files.sort(byTimeThenName);
  }

  async close(): Promise<void> {}
}

class HttpFileLister implements FileLister {
  async list(url: string, signal: AbortSignal): Promise<FileEntry[]> {
    // One URL is one file; its Last-Modified (if any) serves incremental reads.
    // A server without HEAD (405, 501) is fine; a missing file or refused access is not.
    const head = await httpFetch(url, 'HEAD', signal).catch((error: unknown) => {
      if (error instanceof ConfigError && !/HTTP (405|501)\b/.test(error.message)) throw error;
      return undefined;
    });
    const modified = head?.headers.get('last-modified');
    await head?.body?.cancel();
    return [{ uri: url, modifiedAt: modified ? new Date(modified) : new Date(0), open: async () => Readable.fromWeb((await httpFetch(url, 'GET', signal)).body! as never) }];
  }

  async close(): Promise<void> {}
}

async function httpFetch(url: string, method: 'GET' | 'HEAD', signal: AbortSignal): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { method, signal, redirect: 'follow' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new TransientError(`Cannot fetch ${url}: ${(error as Error).message}${(error as { cause?: Error }).cause ? ` (${(error as { cause: Error }).cause.message})` : ''}.`, { cause: error });
  }
  if (response.ok) return response;
  await response.body?.cancel();
  const message = `Cannot fetch ${url}: HTTP ${response.status} ${response.statusText}.`;
  if (response.status === 429 || response.status >= 500) throw new TransientError(message);
  throw new ConfigError(message);
}

class S3FileLister implements FileLister {
  private readonly stores = new Map<string, S3ObjectStore>();

  constructor(private readonly access: S3AccessConfig) {}

  private store(bucket: string): S3ObjectStore {
    let store = this.stores.get(bucket);
    if (!store) {
      const endpoint = this.access.endpoint || undefined;
      store = new S3ObjectStore({
        bucket,
        region: this.access.region,
        endpoint,
        forcePathStyle: this.access.force_path_style ?? Boolean(endpoint),
        accessKeyId: this.access.access_key_id || undefined,
        secretAccessKey: this.access.secret_access_key || undefined,
      });
      this.stores.set(bucket, store);
    }
    return store;
  }

  async list(url: string): Promise<FileEntry[]> {
    const match = /^s3:\/\/([^/]+)\/(.*)$/i.exec(url);
    if (!match || !match[2]) throw new ConfigError(`${url} is not an S3 URL of the form s3://bucket/key-or-glob.`);
    const [, bucket, keyPattern] = match;
    const store = this.store(bucket);
    const scan = picomatch.scan(keyPattern);
    // Keys are listed from the literal part before the first glob character.
    const listPrefix = scan.isGlob ? keyPattern.slice(0, keyPattern.search(/[*?[{(!]/)) : keyPattern;
    const matches = scan.isGlob ? picomatch(keyPattern, { dot: true }) : (key: string) => key === keyPattern;
    const files: FileEntry[] = [];
    for await (const object of store.list(listPrefix)) {
      if (!matches(object.path)) continue;
      files.push({ uri: `s3://${bucket}/${object.path}`, modifiedAt: object.lastModified, open: () => store.openRead(object.path) });
    }
    return files.sort(byTimeThenName);
  }

  async close(): Promise<void> {
    await Promise.all([...this.stores.values()].map((store) => store.close()));
  }
}
