// gzip in front of any sink: one deflate stream per file (what `gzip -d`, DuckDB, Spark and pandas
// read), compressed off the main thread by zlib's thread pool.
import { once } from 'node:events';
import { createGzip, type Gzip } from 'node:zlib';
import type { ObjectSink } from './object-store';

export class GzipSink implements ObjectSink {
  private readonly gzip: Gzip;
  private forwarding: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly inner: ObjectSink) {
    this.gzip = createGzip({ level: 6 });
    this.gzip.on('data', (chunk: Buffer) => {
      this.forwarding = this.forwarding.then(() => (this.failure ? undefined : inner.write(chunk))).catch((error: unknown) => {
        this.failure ??= error;
      });
    });
    this.gzip.on('error', (error) => {
      this.failure ??= error;
    });
  }

  get bytes(): number {
    return this.inner.bytes;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.throwIfFailed();
    if (!this.gzip.write(chunk)) await once(this.gzip, 'drain');
    // Bounded memory: never let compressed output queue up ahead of the sink.
    await this.forwarding;
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    this.throwIfFailed();
    const ended = once(this.gzip, 'end');
    this.gzip.end();
    await ended;
    await this.forwarding;
    this.throwIfFailed();
    await this.inner.close();
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.inner.abort();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
