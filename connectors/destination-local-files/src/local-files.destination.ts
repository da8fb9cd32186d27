// The local-files destination: writes every stream of a sync to its own file (JSON Lines by
// default) with Tributary's metadata columns, and commits at each state message only once the rows
// before it are fsynced. A resumed attempt first cuts each file back to the last committed
// position, and the source restarts from that same checkpoint, so every row lands exactly once.
import { randomUUID } from 'node:crypto';
import { type Dirent } from 'node:fs';
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type ConnectorContext, type Destination, type DestinationCommit, type MessageBatch, type PublishContext, SystemError, type WriteContext } from '@tributary/connector-sdk';
import { fileOutputOptions, fileSystemError, fileSystemReason, LocalObjectStore, publishFileStreams, rowBuilder, untilAborted, withFileSystemErrors, writeFileStreams } from '@tributary/connector-sdk/files';
import {
  type ConfiguredAirbyteCatalog,
  type ConfiguredAirbyteStream,
  type ConnectionStatus,
  type JsonObject,
  type RecordMessage,
  type StateMessage,
  type StreamDescriptor,
  streamKey,
} from '@tributary/protocol';
import { JSONL_FORMAT } from './jsonl.format';
import { clearLocalStreams } from './local-files.clear';
import { DEFAULT_PATH_TEMPLATE, destinationRoot, usesClassicLayout } from './local-files.config';
import { type LocalFilesPosition, parsePosition } from './local-files.position';
import { streamDirectory, syncFilePath } from './local-files.layout';
import type { RecordFormat } from './record.format';
import { StreamFileWriter } from './stream-file.writer';

/** A stream's buffer is written out past this many characters... */
const STREAM_BUFFER_CHARS = 1 << 20;
/** ...and every buffer once they hold this many together, whatever the number of streams. */
const TOTAL_BUFFER_CHARS = 16 << 20;

interface StreamOutput {
  configured: ConfiguredAirbyteStream;
  writer: StreamFileWriter;
}

export class LocalFilesDestination implements Destination<JsonObject> {
  constructor(private readonly format: RecordFormat = JSONL_FORMAT) {}

  async check(config: JsonObject, _context: ConnectorContext): Promise<ConnectionStatus> {
    let root: string;
    try {
      root = destinationRoot(config);
    } catch (error) {
      return { status: 'FAILED', message: (error as Error).message };
    }
    const probe = join(root, `.tributary-check-${randomUUID()}`);
    try {
      await mkdir(root, { recursive: true });
      await writeFile(probe, 'probe\n');
      await unlink(probe);
      return { status: 'SUCCEEDED' };
    } catch (error) {
      return { status: 'FAILED', message: `Cannot write to ${root}: ${fileSystemReason(error)}.` };
    }
  }

  async *write(config: JsonObject, catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, context: WriteContext): AsyncGenerator<DestinationCommit> {
    const root = destinationRoot(config);
    if (!usesClassicLayout(config)) {
      yield* writeFileStreams({ store: new LocalObjectStore(root), catalog, input, context, options: fileOutputOptions(config, DEFAULT_PATH_TEMPLATE) });
      return;
    }
    if (context.partition) throw new SystemError('The classic layout (one file per stream and sync) cannot be written in partitions.');
    const resume = context.resumePosition ? parsePosition(context.resumePosition) : undefined;
    const outputs = new Map<string, StreamOutput>();
    try {
      await this.startWriters(root, catalog, resume, context, outputs);
      const toRow = rowBuilder(context.syncId);
      // Characters buffered over all streams since everything was last written out.
      let buffered = 0;
      for await (const batch of untilAborted(input, context.signal)) {
        for (const message of batch) {
          if (message.type === 'RECORD') {
            const { writer } = outputFor(outputs, message);
            const row = this.format.encode(toRow(message));
            writer.append(row);
            buffered += row.length;
            if (writer.buffered >= STREAM_BUFFER_CHARS) {
              buffered -= writer.buffered;
              await writer.flush();
            }
            if (buffered >= TOTAL_BUFFER_CHARS) {
              await Promise.all([...outputs.values()].map((output) => output.writer.flush()));
              buffered = 0;
            }
          } else if (message.type === 'STATE') {
            yield await commit(outputs, [message]);
            buffered = 0;
          } else if (message.type === 'RECORD_CHUNK') {
            // The classic layout never accepts record chunks (writeFileStreams does, for Parquet).
            throw new SystemError(`Received a record chunk of stream "${message.chunk.stream}", which the classic layout did not accept.`);
          }
        }
        context.signal.throwIfAborted();
      }
      context.signal.throwIfAborted();
      const last = await commit(outputs, []);
      await this.removeEarlierSyncFiles(root, outputs, context);
      yield last;
    } finally {
      const closed = await Promise.allSettled([...outputs.values()].map(({ writer }) => writer.close()));
      for (const result of closed) {
        if (result.status === 'rejected') context.logger.warn('could not close an output file', { error: String(result.reason) });
      }
    }
  }

  /** Parts (a path template) are written in partitions; the classic layout's one file per stream and sync is not. */
  writesPartitions(config: JsonObject): boolean {
    return !usesClassicLayout(config);
  }

  /** Scale-out: lists every partition's parts in the streams' manifests (see publishFileStreams). */
  async publishPartitions(config: JsonObject, catalog: ConfiguredAirbyteCatalog, context: PublishContext): Promise<void> {
    if (usesClassicLayout(config)) throw new SystemError('The classic layout (one file per stream and sync) cannot be written in partitions.');
    await publishFileStreams({ store: new LocalObjectStore(destinationRoot(config)), catalog, context, options: fileOutputOptions(config, DEFAULT_PATH_TEMPLATE) });
  }

  /**
   * Removes every file of these streams (all syncs, parts and generations, manifests) in the
   * layout the config selects, so the next sync starts from nothing.
   */
  async clear(config: JsonObject, streams: ConfiguredAirbyteStream[], context: ConnectorContext): Promise<void> {
    const root = destinationRoot(config);
    const layout = usesClassicLayout(config) ? ({ kind: 'classic' } as const) : ({ kind: 'parts', template: fileOutputOptions(config, DEFAULT_PATH_TEMPLATE).pathTemplate } as const);
    await clearLocalStreams(root, layout, streams, context);
  }

  /**
   * Opens a writer per configured stream. On resume each file is cut back to its committed length
   * (a stream the position does not list had nothing committed: back to empty); otherwise a file
   * left by an earlier attempt of this sync is emptied. Nothing is written before this is done.
   */
  private async startWriters(root: string, catalog: ConfiguredAirbyteCatalog, resume: LocalFilesPosition | undefined, context: WriteContext, outputs: Map<string, StreamOutput>): Promise<void> {
    for (const configured of catalog.streams) {
      const descriptor = descriptorOf(configured);
      const key = streamKey(descriptor);
      const path = syncFilePath(descriptor, context.syncId, this.format.extension);
      const committed = resume?.files[key];
      if (committed && committed.path !== path) {
        throw new SystemError(`The resume position puts stream "${key}" in ${committed.path}, but this sync writes it to ${path}.`);
      }
      context.signal.throwIfAborted();
      outputs.set(key, { configured, writer: await StreamFileWriter.start(root, path, committed?.bytes ?? 0) });
    }
  }

  /** Overwrite keeps only this sync's file; called once all of this sync's rows are durable. */
  private async removeEarlierSyncFiles(root: string, outputs: Map<string, StreamOutput>, context: ConnectorContext): Promise<void> {
    const suffix = `.${this.format.extension}`;
    for (const { configured, writer } of outputs.values()) {
      if (configured.destination_sync_mode !== 'overwrite') continue;
      const directory = join(root, streamDirectory(descriptorOf(configured)));
      const current = posix.basename(writer.relativePath);
      let entries: Dirent[];
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        // No directory: the stream never had a file here, so there is nothing to remove.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw fileSystemError(error, 'list', directory);
      }
      for (const entry of entries) {
        if (!entry.isFile() || !entry.name.endsWith(suffix) || entry.name === current) continue;
        const path = join(directory, entry.name);
        await withFileSystemErrors('remove', path, () => unlink(path));
        context.logger.info('removed the file of an earlier sync (overwrite)', { path });
      }
    }
  }
}

function descriptorOf(configured: ConfiguredAirbyteStream): StreamDescriptor {
  const { name, namespace } = configured.stream;
  return namespace ? { name, namespace } : { name };
}

function outputFor(outputs: Map<string, StreamOutput>, message: RecordMessage): StreamOutput {
  const key = streamKey({ name: message.record.stream, namespace: message.record.namespace });
  const output = outputs.get(key);
  if (!output) throw new SystemError(`Received a record of stream "${key}", which is not in the configured catalog.`);
  return output;
}

/** Makes every file durable and reports where each stands: what a commit promises. */
async function commit(outputs: Map<string, StreamOutput>, states: StateMessage[]): Promise<DestinationCommit> {
  const writers = [...outputs.entries()].map(([key, { writer }]) => [key, writer] as const);
  await Promise.all(writers.map(([, writer]) => writer.sync()));
  const position: LocalFilesPosition = { files: {} };
  const stats: DestinationCommit['stats'] = {};
  for (const [key, writer] of writers) {
    position.files[key] = { path: writer.relativePath, bytes: writer.size };
    const written = writer.takeStats();
    if (written.records > 0) stats[key] = written;
  }
  return { states, position, stats };
}
