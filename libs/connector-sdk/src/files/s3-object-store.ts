// The object store of an S3 bucket (AWS, or any S3-compatible server: MinIO, SeaweedFS, R2, …)
// under a key prefix. A part is streamed through a multipart upload that becomes visible, whole,
// only when it is completed, holding a bounded number of part buffers however large the part;
// small objects are one PUT, which S3 applies atomically — readers see the old manifest or the new
// one, never a mix. Used by the S3 destination (writes) and the file source (listing and reading).
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ConfigError, ConnectorError, SystemError } from '../errors';
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
  /** Size of a multipart upload part (S3's minimum is 5 MiB; default 8 MiB). */
  partBytes?: number;
  /**
   * Parts of one object uploaded at once (default 2). An object being written holds at most
   * partBytes × (queueSize + 1) bytes of part buffers: 24 MiB with the defaults.
   */
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
const DEFAULT_QUEUE_SIZE = 2;
/** S3's limit of parts in one multipart upload. */
const MAX_PARTS = 10_000;
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
  private readonly queueSize: number;
  private readonly parts: PartBufferPool;

  constructor(location: S3Location, options: S3StoreOptions = {}) {
    this.bucket = location.bucket;
    this.prefix = normalizeS3Prefix(location.prefix);
    this.location = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.client = new S3Client(s3ClientConfig(location, options));
    this.queueSize = Math.max(1, Math.floor(options.queueSize ?? DEFAULT_QUEUE_SIZE));
    this.parts = new PartBufferPool(Math.max(MIN_PART_BYTES, Math.floor(options.partBytes ?? DEFAULT_PART_BYTES)), this.queueSize + 1);
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
    return new S3UploadSink(this.client, this.bucket, this.key(path), this.url(path), this.parts, this.queueSize);
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
    this.parts.clear();
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
 * Part buffers of one store, reused by its uploads one after another: a sync allocates its few
 * part-sized buffers once instead of one per part, so the allocator is not left holding freed
 * 8 MiB blocks (RSS that stays up after the bytes are gone). Keeps at most `keep` free buffers.
 */
class PartBufferPool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly partBytes: number,
    private readonly keep: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.partBytes);
  }

  /**
   * Returns a buffer no request reads any more. One a failed or cancelled request may still be
   * sending is never given back: it is left to the garbage collector.
   */
  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }

  clear(): void {
    this.free.length = 0;
  }
}

interface UploadedPart {
  PartNumber: number;
  ETag: string;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
}

/**
 * One object written as a stream. Bytes are copied into a part buffer; a full part is sent with
 * UploadPart while the next one fills, at most `queueSize` parts in flight, and write() waits
 * (backpressure) when that many are. So one open object holds at most queueSize + 1 part buffers,
 * whatever the size of the chunks it is given, and never keeps a caller's chunk. close() sends the
 * last part and completes the upload; an object that fits in one part is a single PUT. Until then
 * nothing is visible under the key; abort() (or a failure) aborts the multipart upload.
 *
 * Not @aws-sdk/lib-storage's Upload (docs/worker-memory.md, "Why not lib-storage"): it makes
 * every part a fresh concatenation (kept alive with whole row groups while in flight: 70–100 MB
 * more worker RSS at 1M rows), its abort() neither cancels the parts in flight nor aborts the
 * multipart upload until every uploader returns, and a failed part does not stop the others.
 */
class S3UploadSink implements ObjectSink {
  bytes = 0;
  private part: Buffer | undefined;
  private filled = 0;
  private partNumber = 0;
  private created: Promise<string> | undefined;
  private readonly uploaded: UploadedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly cancel = new AbortController();
  private failure: unknown;
  private settled = false;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly url: string,
    private readonly pool: PartBufferPool,
    private readonly queueSize: number,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    this.bytes += chunk.length;
    for (let offset = 0; offset < chunk.length; ) {
      const part = (this.part ??= this.pool.take());
      const take = Math.min(chunk.length - offset, part.length - this.filled);
      part.set(take === chunk.length ? chunk : chunk.subarray(offset, offset + take), this.filled);
      this.filled += take;
      offset += take;
      if (this.filled === part.length) await this.sendPart();
    }
  }

  async close(): Promise<void> {
    if (this.settled) {
      this.throwIfFailed();
      return;
    }
    try {
      this.throwIfFailed();
      if (this.partNumber === 0) {
        // The whole object fits in one part: a single PUT.
        const part = this.part;
        const body = part ? part.subarray(0, this.filled) : Buffer.alloc(0);
        this.part = undefined;
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.key, Body: body, ContentType: contentTypeOf(this.key) }), { abortSignal: this.cancel.signal });
        if (part) this.pool.give(part);
      } else {
        if (this.filled > 0) await this.sendPart(true);
        await Promise.all(this.inFlight);
        this.throwIfFailed();
        const uploadId = await this.created!;
        const parts = this.uploaded.sort((a, b) => a.PartNumber - b.PartNumber);
        await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId, MultipartUpload: { Parts: parts } }));
      }
      this.settled = true;
    } catch (error) {
      this.failure ??= error;
      await this.discard();
      throw error instanceof ConnectorError ? error : s3Error(error, 'upload', this.url);
    }
  }

  async abort(): Promise<void> {
    if (this.settled) return;
    this.failure ??= Object.assign(new Error('Upload aborted.'), { name: 'AbortError' });
    await this.discard();
  }

  /** Cancels the requests in flight and the multipart upload; never rejects. */
  private async discard(): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    this.cancel.abort();
    await Promise.allSettled(this.inFlight);
    this.releasePart();
    const uploadId = await this.created?.catch(() => undefined);
    if (uploadId) await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId })).catch(() => undefined);
  }

  private releasePart(): void {
    if (this.part) this.pool.give(this.part);
    this.part = undefined;
    this.filled = 0;
  }

  /** Sends the filled part, then waits while `queueSize` parts are in flight. */
  private async sendPart(last = false): Promise<void> {
    const buffer = this.part!;
    const body = last ? buffer.subarray(0, this.filled) : buffer;
    this.part = undefined;
    this.filled = 0;
    const partNumber = ++this.partNumber;
    if (partNumber > MAX_PARTS) {
      this.pool.give(buffer);
      throw new ConfigError(
        `Cannot upload ${this.url}: it would take more than ${MAX_PARTS} parts of ${this.pool.partBytes >> 20} MiB, S3's limit for one object; lower file_size_mb.`,
      );
    }
    this.created ??= this.createUpload();
    const sent = this.created
      .then((uploadId) => this.uploadPart(uploadId, partNumber, body))
      .then(
        () => this.pool.give(buffer),
        (error: unknown) => {
          this.failure ??= error;
          this.cancel.abort();
        },
      )
      .finally(() => this.inFlight.delete(sent));
    this.inFlight.add(sent);
    while (this.inFlight.size >= this.queueSize) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private async createUpload(): Promise<string> {
    // As lib-storage does: where the client adds CRC32 checksums to uploads, the multipart upload
    // declares the algorithm (and its completion lists each part's checksum).
    const mode = this.client.config.requestChecksumCalculation;
    const checksums = typeof mode === 'function' && (await mode()) === 'WHEN_SUPPORTED';
    const answer = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: this.key, ContentType: contentTypeOf(this.key), ...(checksums ? { ChecksumAlgorithm: 'CRC32' } : {}) }),
      { abortSignal: this.cancel.signal },
    );
    if (!answer.UploadId) throw new SystemError(`Cannot upload ${this.url}: the server started a multipart upload without an upload id.`);
    return answer.UploadId;
  }

  private async uploadPart(uploadId: string, partNumber: number, body: Buffer): Promise<void> {
    const answer = await this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: this.key, UploadId: uploadId, PartNumber: partNumber, Body: body }), {
      abortSignal: this.cancel.signal,
    });
    if (!answer.ETag) throw new SystemError(`Cannot upload ${this.url}: part ${partNumber} was stored without an ETag.`);
    this.uploaded.push({
      PartNumber: partNumber,
      ETag: answer.ETag,
      ...(answer.ChecksumCRC32 ? { ChecksumCRC32: answer.ChecksumCRC32 } : {}),
      ...(answer.ChecksumCRC32C ? { ChecksumCRC32C: answer.ChecksumCRC32C } : {}),
      ...(answer.ChecksumSHA1 ? { ChecksumSHA1: answer.ChecksumSHA1 } : {}),
      ...(answer.ChecksumSHA256 ? { ChecksumSHA256: answer.ChecksumSHA256 } : {}),
    });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure instanceof ConnectorError ? this.failure : s3Error(this.failure, 'upload', this.url);
  }
}
