// What a file destination needs from where it writes: a local directory or an object store (S3 and
// compatible). Paths are relative to the destination root, with `/` separators. A part is written
// as a stream of chunks and becomes visible, whole, only when closed: nothing half-written is ever
// seen under its final name (local files go through a hidden temporary file and a rename, S3
// through a multipart upload completed at the end).
export interface ObjectSink {
  /** Appends a chunk; resolves when the sink can take more (backpressure). */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the object durable and visible under its name. */
  close(): Promise<void>;
  /** Discards what was written; never rejects. */
  abort(): Promise<void>;
  /** Bytes written so far. */
  readonly bytes: number;
}

export interface ObjectStore {
  /** A description for messages, e.g. `s3://bucket/prefix` or `/var/exports`. */
  readonly location: string;
  create(path: string): Promise<ObjectSink>;
  /** The object's bytes, or undefined when there is none. */
  read(path: string): Promise<Buffer | undefined>;
  /** Replaces the object atomically: readers see the old or the new bytes, never a mix. */
  put(path: string, body: Buffer | string): Promise<void>;
  exists(path: string): Promise<boolean>;
  /** Removes the objects; missing ones are fine. */
  remove(paths: string[]): Promise<void>;
  /** Releases clients and handles. */
  close?(): Promise<void>;
}
