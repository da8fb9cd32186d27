// The object store of an S3 bucket (AWS, or any S3-compatible server: MinIO, SeaweedFS, R2, …)
// under a key prefix. A part is streamed through a multipart upload (@aws-sdk/lib-storage) that
// becomes visible, whole, only when it is completed; small objects are one PUT, which S3 applies
// atomically — readers see the old manifest or the new one, never a mix. Used by the S3
// destination (writes) and the file source (listing and reading).
import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ConfigError } from '../errors';
import type { ObjectSink, ObjectStore } from './object-store';
import { s3Error, withS3Errors } from './s3-error';

/** Where and how to reach the bucket; what a connector's validated config gives. */
export interface S3Location {
  bucket: string;
  /** Key prefix everything goes under (no leading or trailing slash needed). */
  prefix?: string;
  region?: string;
  /** For S3-compatible stores, e.g. `http://127.0.0.1:8333`; none means AWS. */
  endpoint?: string;
  /** `bucket` in the path instead of the host name (most S3-compatible stores need it). */
  forcePathStyle?: boolean;
  /** Without a key pair, the default AWS credential chain (environment, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

export interface S3StoreOptions {
  /** Size of a multipart upload part (S3's minimum is 5 MiB). */
  partBytes?: number;
  /** Parts of one object uploaded at once; memory per open part is about partBytes × (queue + 1). */
  queueSize?: number;
  /** SDK attempts per request (retries with backoff included; default 3). */
  maxAttempts?: number;
}

/** An object found by `list`: its path relative to the store's prefix. */
export interface StoredObject {
  path: string;
  size: number;
  lastModified: Date;
}

export const DEFAULT_S3_REGION = 'us-east-1';
const DEFAULT_PART_BYTES = 8 << 20;
const MIN_PART_BYTES = 5 << 20;
const DELETE_BATCH = 1000;

const CONTENT_TYPES: Record<string, string> = {
  parquet: 'application/vnd.apache.parquet',
  jsonl: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  gz: 'application/gzip',
};

function contentTypeOf(path: string): string {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** Normalises a prefix to `a/b` (no leading or trailing slash); refuses `.` and `..` segments. */
export function normalizeS3Prefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+|\/+$/g, '');
  if (trimmed.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new ConfigError(`The prefix "${prefix}" has a "." or ".." segment; object keys are literal, so it would not mean a parent directory.`);
  }
  return trimmed.replace(/\/{2,}/g, '/');
}

export function s3ClientConfig(location: S3Location, options: S3StoreOptions = {}): S3ClientConfig {
  const custom = Boolean(location.endpoint);
  return {
    region: location.region || DEFAULT_S3_REGION,
    ...(custom ? { endpoint: location.endpoint } : {}),
    forcePathStyle: location.forcePathStyle ?? custom,
    ...(location.accessKeyId && location.secretAccessKey
      ? { credentials: { accessKeyId: location.accessKeyId, secretAccessKey: location.secretAccessKey, ...(location.sessionToken ? { sessionToken: location.sessionToken } : {}) } }
      : {}),
    maxAttempts: options.maxAttempts ?? 3,
    // Several S3-compatible stores reject the CRC checksums the SDK now adds to every upload.
    ...(custom ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } : {}),
    // An endpoint that swallows packets must fail the request, not hang the sync.
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 300_000 },
  } as S3ClientConfig;
}

export class S3ObjectStore implements ObjectStore {
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  private readonly partBytes: number;
  private readonly queueSize: number;

  constructor(location: S3Location, options: S3StoreOptions = {}) {
    this.bucket = location.bucket;
    this.prefix = normalizeS3Prefix(location.prefix);
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.client = new S3Client(s3ClientConfig(location, options));
    this.partBytes = Math.max(MIN_PART_BYTES, options.partBytes ?? DEFAULT_PART_BYTES);
    this.queueSize = Math.max(1, options.queueSize ?? 2);
  }

  /** The object key of a path relative to the prefix. */
  key(path: string): string {
    const relative = path.replace(/^\/+/, '');
    return this.prefix ? `${this.prefix}/${relative}` : relative;
  }

  private url(path: string): string {
    return `s3://${this.bucket}/${this.key(path)}`;
  }

  async create(path: string): Promise<ObjectSink> {
    return new S3UploadSink(this.client, this.bucket, this.key(path), this.url(path), this.partBytes, this.queueSize);
  }

  async read(path: string): Promise<Buffer | undefined> {
    try {
      const answer = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      return Buffer.from(await answer.Body!.transformToByteArray());
    } catch (error) {
      if (isNotFound(error) && !isNoSuchBucket(error)) return undefined;
      throw s3Error(error, 'read', this.url(path));
    }
  }

  /** The object's bytes as a stream (for large objects); fails with a ConfigError when it is missing. */
  async openRead(path: string): Promise<Readable> {
    const answer = await withS3Errors('read', this.url(path), () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key(path) })));
    return answer.Body as Readable;
  }

  async put(path: string, body: Buffer | string): Promise<void> {
    await withS3Errors('write', this.url(path), () =>
      this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key(path), Body: body, ContentType: contentTypeOf(path) })),
    );
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.key(path) }));
      return true;
    } catch (error) {
      if (isNotFound(error) && !isNoSuchBucket(error)) return false;
      throw s3Error(error, 'read', this.url(path));
    }
  }

  async remove(paths: string[]): Promise<void> {
    for (let start = 0; start < paths.length; start += DELETE_BATCH) {
      const batch = paths.slice(start, start + DELETE_BATCH);
      const answer = await withS3Errors('delete objects under', this.location, () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((path) => ({ Key: this.key(path) })), Quiet: true } })),
      );
      const failed = (answer.Errors ?? []).filter((error) => error.Code !== 'NoSuchKey');
      if (failed.length > 0) {
        const first = failed[0];
        throw s3Error(Object.assign(new Error(first.Message ?? first.Code ?? 'delete failed'), { name: first.Code }), `delete s3://${this.bucket}/${first.Key ?? '?'} (and ${failed.length - 1} more) under`, this.location);
      }
    }
  }

  /** Every object whose path (relative to the prefix) starts with `under`, in key order. */
  async *list(under = ''): AsyncGenerator<StoredObject> {
    const keyPrefix = under ? this.key(under) : this.prefix ? `${this.prefix}/` : '';
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    let token: string | undefined;
    do {
      const page = await withS3Errors('list', `s3://${this.bucket}/${keyPrefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: keyPrefix, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key || object.Key.endsWith('/')) continue;
        yield { path: object.Key.slice(strip), size: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

function isNotFound(error: unknown): boolean {
  const shape = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return shape?.name === 'NoSuchKey' || shape?.name === 'NotFound' || shape?.$metadata?.httpStatusCode === 404;
}

function isNoSuchBucket(error: unknown): boolean {
  return (error as { name?: string })?.name === 'NoSuchBucket';
}

/**
 * One object written as a stream: the bytes go through a pipe into a multipart upload, which
 * sends a part whenever `partBytes` have gathered (one PUT when the object is smaller) and is
 * completed by close(). Until then nothing is visible under the key; abort() cancels the upload.
 */
class S3UploadSink implements ObjectSink {
  bytes = 0;
  private readonly body = new PassThrough({ highWaterMark: 1 << 20 });
  private readonly upload: Upload;
  private readonly done: Promise<void>;
  private failure: unknown;
  private settled = false;

  constructor(client: S3Client, bucket: string, key: string, private readonly url: string, partBytes: number, queueSize: number) {
    this.upload = new Upload({
      client,
      params: { Bucket: bucket, Key: key, Body: this.body, ContentType: contentTypeOf(key) },
      partSize: partBytes,
      queueSize,
      leavePartsOnError: false,
    });
    this.done = this.upload.done().then(
      () => undefined,
      (error: unknown) => {
        this.failure = error;
        this.body.destroy();
        throw error;
      },
    );
    // Observed by write() and close(); an upload nobody waits for must not crash the process.
    this.done.catch(() => undefined);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw s3Error(this.failure, 'upload', this.url);
    this.bytes += chunk.length;
    if (this.body.write(chunk)) return;
    try {
      await Promise.race([once(this.body, 'drain'), this.done]);
    } catch (error) {
      throw s3Error(this.failure ?? error, 'upload', this.url);
    }
  }

  async close(): Promise<void> {
    this.body.end();
    try {
      await this.done;
    } catch (error) {
      throw s3Error(error, 'upload', this.url);
    } finally {
      this.settled = true;
    }
  }

  async abort(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    await this.upload.abort().catch(() => undefined);
    this.body.destroy();
    await this.done.catch(() => undefined);
  }
}
