import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ConfigError } from '../errors';
import { S3ObjectStore } from './s3-object-store';

const MiB = 1 << 20;
const PART = 5 * MiB;

interface Call {
  name: string;
  input: Record<string, unknown>;
}

/**
 * An S3 client stand-in behind a real store: records every command, copies each body as it is
 * sent (the sink reuses its buffers afterwards), and lets a test hold UploadPart answers back.
 */
function fakeS3(options: { partBytes?: number; queueSize?: number; holdParts?: boolean; failPart?: number } = {}) {
  const store = new S3ObjectStore(
    { bucket: 'b', prefix: 'p', endpoint: 'http://127.0.0.1:9', accessKeyId: 'k', secretAccessKey: 's' },
    { partBytes: options.partBytes ?? PART, queueSize: options.queueSize },
  );
  const calls: Call[] = [];
  const parts = new Map<number, Buffer>();
  const partBuffers = new Set<ArrayBufferLike>();
  const held: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let putBody: Buffer | undefined;

  const send = async (command: { input: Record<string, unknown> }, sendOptions?: { abortSignal?: AbortSignal }): Promise<unknown> => {
    calls.push({ name: command.constructor.name, input: command.input });
    if (command instanceof CreateMultipartUploadCommand) return { UploadId: 'upload-1' };
    if (command instanceof PutObjectCommand) {
      putBody = Buffer.from(command.input.Body as Uint8Array);
      return { ETag: '"put"' };
    }
    if (command instanceof UploadPartCommand) {
      const body = command.input.Body as Buffer;
      const number = command.input.PartNumber!;
      partBuffers.add(body.buffer);
      parts.set(number, Buffer.from(body));
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        if (options.holdParts) {
          await new Promise<void>((resolve, reject) => {
            held.push(resolve);
            sendOptions?.abortSignal?.addEventListener('abort', () => reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' })));
          });
        } else {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
        if (number === options.failPart) throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
        return { ETag: `"etag-${number}"` };
      } finally {
        inFlight--;
      }
    }
    return {};
  };
  jest.spyOn(store.client, 'send').mockImplementation(send as never);

  return {
    store,
    calls,
    names: () => calls.map((c) => c.name),
    /** The parts' bytes in part order. */
    assembled: () => Buffer.concat([...parts.keys()].sort((a, b) => a - b).map((n) => parts.get(n)!)),
    partSizes: () => [...parts.keys()].sort((a, b) => a - b).map((n) => parts.get(n)!.length),
    partBuffers,
    maxInFlight: () => maxInFlight,
    putBody: () => putBody,
    releaseParts: () => held.splice(0).forEach((resolve) => resolve()),
    heldParts: () => held.length,
  };
}

/** Resolves once the event loop has run what is ready (the sink's promise chains included). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('S3ObjectStore uploads', () => {
  it('puts an object smaller than a part in one request', async () => {
    const s3 = fakeS3();
    const sink = await s3.store.create('a/part.jsonl');
    await sink.write(Buffer.from('{"id":1}\n'));
    await sink.write(Buffer.from('{"id":2}\n'));
    await sink.close();
    expect(s3.names()).toEqual(['PutObjectCommand']);
    expect(s3.calls[0].input).toMatchObject({ Bucket: 'b', Key: 'p/a/part.jsonl', ContentType: 'application/x-ndjson' });
    expect(s3.putBody()!.toString()).toBe('{"id":1}\n{"id":2}\n');
    expect(sink.bytes).toBe(18);
  });

  it('streams a large object as parts of exactly the part size, whatever the chunk sizes, and completes them in order', async () => {
    const s3 = fakeS3();
    const data = randomBytes(4 * PART + 12345);
    const sink = await s3.store.create('big.parquet');
    // Chunks smaller than a part, one larger than two parts, and a tail.
    const cuts = [1000, 3 * MiB, 3 * MiB + 17, 3 * MiB + 17 + 2 * PART + 5, data.length];
    let from = 0;
    for (const to of cuts) {
      await sink.write(data.subarray(from, to));
      from = to;
    }
    await sink.close();

    expect(s3.partSizes()).toEqual([PART, PART, PART, PART, 12345]);
    expect(s3.assembled().equals(data)).toBe(true);
    expect(s3.names()[0]).toBe('CreateMultipartUploadCommand');
    expect(s3.names().at(-1)).toBe('CompleteMultipartUploadCommand');
    const complete = s3.calls.at(-1)!.input as { MultipartUpload: { Parts: { PartNumber: number; ETag: string }[] } };
    expect(complete.MultipartUpload.Parts).toEqual([1, 2, 3, 4, 5].map((n) => ({ PartNumber: n, ETag: `"etag-${n}"` })));
    expect(sink.bytes).toBe(data.length);
  });

  it('holds at most queueSize + 1 part buffers and queueSize requests, and makes write() wait when they are taken', async () => {
    const s3 = fakeS3({ queueSize: 2, holdParts: true });
    const sink = await s3.store.create('held.csv');
    const part = Buffer.alloc(PART, 1);

    await sink.write(part); // part 1 sent
    let written = false;
    // Part 2 is sent; with two parts in flight, write() waits for one to finish.
    const writes = sink.write(part).then(() => sink.write(part)).then(() => (written = true));
    await settle();
    expect(s3.heldParts()).toBe(2);
    expect(written).toBe(false);

    s3.releaseParts();
    await writes;
    s3.releaseParts();
    const closing = sink.close();
    await settle();
    s3.releaseParts();
    await closing;

    expect(s3.maxInFlight()).toBe(2);
    expect(s3.partSizes()).toEqual([PART, PART, PART]);
    expect(s3.partBuffers.size).toBeLessThanOrEqual(3);
  });

  it('reuses its part buffers for the next object of the store', async () => {
    const s3 = fakeS3({ queueSize: 2 });
    for (const name of ['one.parquet', 'two.parquet', 'three.parquet']) {
      const sink = await s3.store.create(name);
      for (let i = 0; i < 4; i++) await sink.write(randomBytes(PART));
      await sink.close();
    }
    expect(s3.partSizes()).toHaveLength(4);
    expect(s3.names().filter((n) => n === 'UploadPartCommand')).toHaveLength(12);
    expect(s3.partBuffers.size).toBeLessThanOrEqual(3);
  });

  it('fails with a sentence naming the object when a part is refused, and aborts the multipart upload', async () => {
    const s3 = fakeS3({ failPart: 2 });
    const sink = await s3.store.create('denied.parquet');
    const attempt = async () => {
      for (let i = 0; i < 6; i++) await sink.write(Buffer.alloc(PART));
      await sink.close();
    };
    await expect(attempt()).rejects.toThrow(ConfigError);
    await expect(sink.close()).rejects.toThrow('Cannot upload s3://b/p/denied.parquet: access denied');
    expect(s3.names()).toContain('AbortMultipartUploadCommand');
    expect(s3.names()).not.toContain('CompleteMultipartUploadCommand');
  });

  it('abort() cancels the parts in flight and the multipart upload, and never completes it', async () => {
    const s3 = fakeS3({ holdParts: true, queueSize: 3 });
    const sink = await s3.store.create('aborted.parquet');
    await sink.write(Buffer.alloc(2 * PART + 10));
    await settle();
    expect(s3.heldParts()).toBe(2);
    await sink.abort();
    expect(s3.names().filter((n) => n === 'AbortMultipartUploadCommand')).toHaveLength(1);
    expect(s3.calls.find((c) => c.name === AbortMultipartUploadCommand.name)!.input).toMatchObject({ Key: 'p/aborted.parquet', UploadId: 'upload-1' });
    expect(s3.names()).not.toContain(CompleteMultipartUploadCommand.name);
    await expect(sink.write(Buffer.from('more'))).rejects.toThrow('Cannot upload s3://b/p/aborted.parquet');
    await sink.abort(); // twice is fine
  });

  it('never cuts parts below S3\'s 5 MiB minimum, and sends at least one part at a time', async () => {
    const s3 = fakeS3({ partBytes: 1024, queueSize: 0 });
    const sink = await s3.store.create('small-parts.csv');
    await sink.write(Buffer.alloc(5 * MiB + 1));
    await sink.close();
    expect(s3.partSizes()).toEqual([5 * MiB, 1]);
    expect(s3.maxInFlight()).toBe(1);
  });
});
