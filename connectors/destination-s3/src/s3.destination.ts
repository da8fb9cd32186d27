// The S3 destination: every stream is written as numbered parts under the bucket prefix through
// the shared write loop (`writeFileStreams`): Parquet, JSON Lines or CSV, streamed through
// multipart uploads, checkpointed by closing the open parts and then putting the per-stream
// manifest — last, so readers of the manifest never see a half-written part or generation.
import { randomUUID } from 'node:crypto';
import { type ConnectorContext, ConnectorError, type Destination, type DestinationCommit, type MessageBatch, type PublishContext, type WriteContext } from '@tributary/connector-sdk';
import { publishFileStreams, S3ObjectStore, s3Reason, writeFileStreams } from '@tributary/connector-sdk/files';
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, ConnectionStatus, JsonObject } from '@tributary/protocol';
import { clearS3Streams } from './s3.clear';
import { parseS3Config } from './s3.config';

/** Where check puts its probe, under the prefix (beside the streams' own `_tributary` folders). */
export const PROBE_DIRECTORY = '_tributary';

export class S3Destination implements Destination<JsonObject> {
  /**
   * Writes a small object under the prefix and deletes it: proves the bucket exists,
   * the endpoint answers and the credentials may write and delete there. Never throws.
   */
  async check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    let store: S3ObjectStore;
    try {
      store = new S3ObjectStore(parseS3Config(config).location, { maxAttempts: 1 });
    } catch (error) {
      return { status: 'FAILED', message: (error as Error).message };
    }
    const probe = `${PROBE_DIRECTORY}/check-${randomUUID()}.txt`;
    try {
      // Both fail with "Cannot write|delete s3://bucket/prefix/…: <reason in words> (<S3 code>)."
      await store.put(probe, 'tributary connection check\n');
      await store.remove([probe]);
      return { status: 'SUCCEEDED' };
    } catch (error) {
      const message = error instanceof ConnectorError ? error.message : `Cannot write to ${store.location}: ${s3Reason(error)}.`;
      context.logger.warn('S3 destination check failed', { location: store.location, reason: message });
      return { status: 'FAILED', message };
    } finally {
      await store.close();
    }
  }

  async *write(config: JsonObject, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, context: WriteContext): AsyncGenerator<DestinationCommit> {
    const { location, output } = parseS3Config(config);
    const store = new S3ObjectStore(location);
    try {
      yield* writeFileStreams({ store, catalog, input, context, options: output });
    } finally {
      await store.close();
    }
  }

  writesPartitions(): boolean {
    return true;
  }

  /** Scale-out: lists every partition's parts in the streams' manifests (see publishFileStreams). */
  async publishPartitions(config: JsonObject, catalog: ConfiguredAirbyteCatalog, context: PublishContext): Promise<void> {
    const { location, output } = parseS3Config(config);
    const store = new S3ObjectStore(location);
    try {
      await publishFileStreams({ store, catalog, context, options: output });
    } finally {
      await store.close();
    }
  }

  /** Removes every object of these streams (all parts, generations and manifests) under the prefix. */
  async clear(config: JsonObject, streams: ConfiguredAirbyteStream[], context: ConnectorContext): Promise<void> {
    const { location, output } = parseS3Config(config);
    const store = new S3ObjectStore(location);
    try {
      await clearS3Streams(store, output.pathTemplate, streams, context);
    } finally {
      await store.close();
    }
  }
}

