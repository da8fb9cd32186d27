// The write loop shared by the file destinations (local directory, S3): every stream is written
// as numbered parts `{sync_id}-{part}` through the path template, in the chosen format, rolled
// over by size. A file cannot be made durable halfway (a Parquet footer, a multipart upload), so a
// checkpoint closes the open parts: at a state message, once `commitIntervalMs` has passed since
// the last commit, every open part is closed and the commit names every closed part of this sync.
// A resumed attempt keeps exactly those parts, removes any later part an earlier attempt left, and
// writes on from the next number, so a retried sync replaces its own parts instead of adding
// duplicates. The per-stream manifest (see manifest.ts) is what readers trust.
//
// Scale-out: a partition of a sync (WriteContext.partition) names its parts `{sync_id}-p{n}-{part}`
// and never touches the manifest, which other partitions' writes would race on;
// `publishFileStreams` lists every partition's parts in it once all are written.
//
// Parquet takes PostgreSQL's binary COPY tuples in bulk (RECORD_CHUNK, `postgres_copy_binary`): the
// loop offers that format for every stream it writes as Parquet, and the writer decodes the tuples
// straight into its column buffers. A chunk counts as its rows everywhere a RECORD counts as one.
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, JsonObject, RecordChunkMessage, StateMessage, StreamDescriptor } from '@tributary/protocol';
import { streamKey } from '@tributary/protocol';
import type { ConnectorLogger, DestinationCommit, MessageBatch, PublishContext, WriteContext } from '../connector';
import { SystemError } from '../errors';
import { binaryChunkRecords } from '../postgres/binary-copy';
import { untilAborted } from './abortable.iterable';
import { type Column, columnsOf } from './column-plan';
import type { FileOutputOptions } from './file-output.options';
import { emptyManifest, type Manifest, type ManifestFile, readManifest, writeManifest } from './manifest';
import type { ObjectStore } from './object-store';
import { createRecordFileWriter, fileExtension, type RecordFileWriter } from './record-file.writer';
import { rowBuilder } from './record-row';

/** Text formats hand their bytes to the sink in chunks of about this size. */
const FLUSH_BYTES = 1 << 20;

export type FilesStreamPosition = { started_at: string; files: ManifestFile[] };
/** The position a commit reports: per stream, this sync's closed parts. */
export type FilesPosition = { streams: Record<string, FilesStreamPosition> };

interface StreamOutput {
  descriptor: StreamDescriptor;
  key: string;
  overwrite: boolean;
  columns: Column[];
  manifestPath: string;
  manifest: Manifest;
  startedAt: Date;
  /** Closed parts of this sync, in order. */
  files: ManifestFile[];
  /** Closed since the last commit; listed in the manifest at the commit (append). */
  filesSinceCommit: ManifestFile[];
  writer?: RecordFileWriter;
  writerPath?: string;
  recordsSinceCommit: number;
  bytesSinceCommit: number;
  rowSizeHint: { bytesPerRow: number } | undefined;
}

export interface WriteFileStreamsInput {
  store: ObjectStore;
  catalog: ConfiguredAirbyteCatalog;
  input: AsyncIterable<MessageBatch>;
  context: WriteContext;
  options: FileOutputOptions;
}

export async function* writeFileStreams({ store, catalog, input, context, options }: WriteFileStreamsInput): AsyncGenerator<DestinationCommit> {
  const resume = context.resumePosition ? parseFilesPosition(context.resumePosition) : undefined;
  const extension = fileExtension(options);
  const outputs = new Map<string, StreamOutput>();
  const toRow = rowBuilder(context.syncId);
  const pathSyncId = partsSyncId(context.syncId, context.partition?.index);

  const pathOf = (output: StreamOutput, part: number) =>
    options.pathTemplate.render({ stream: output.descriptor, syncId: pathSyncId, startedAt: output.startedAt, part, extension, format: options.format });

  const openPart = async (output: StreamOutput): Promise<RecordFileWriter> => {
    const path = pathOf(output, output.files.length);
    const sink = await store.create(path);
    output.writerPath = path;
    output.writer = createRecordFileWriter(
      sink,
      output.columns,
      { format: options.format, compression: options.compression, rowGroupBytes: options.rowGroupBytes, rowSizeHint: output.rowSizeHint },
      { stream: output.key, path: `${store.location}/${path}` },
    );
    return output.writer;
  };

  const closePart = async (output: StreamOutput): Promise<void> => {
    const writer = output.writer;
    if (!writer) return;
    output.writer = undefined;
    await writer.finish();
    const file: ManifestFile = { path: output.writerPath!, records: writer.rows, bytes: writer.bytes, sync_id: context.syncId };
    output.files.push(file);
    output.filesSinceCommit.push(file);
    output.bytesSinceCommit += writer.bytes;
  };

  let lastCommitAt = Date.now();
  let pendingStates: StateMessage[] = [];
  const commit = async (): Promise<DestinationCommit> => {
    for (const output of outputs.values()) await closePart(output);
    const position: FilesPosition = { streams: {} };
    const stats: DestinationCommit['stats'] = {};
    for (const output of outputs.values()) {
      if (!output.overwrite && !context.partition && output.filesSinceCommit.length > 0) {
        output.manifest.files.push(...output.filesSinceCommit);
        await writeManifest(store, output.manifestPath, output.manifest);
      }
      output.filesSinceCommit = [];
      position.streams[output.key] = { started_at: output.startedAt.toISOString(), files: output.files };
      if (output.recordsSinceCommit > 0) stats[output.key] = { records: output.recordsSinceCommit, bytes: output.bytesSinceCommit };
      output.recordsSinceCommit = 0;
      output.bytesSinceCommit = 0;
    }
    const states = pendingStates;
    pendingStates = [];
    lastCommitAt = Date.now();
    return { states, position: structuredClone(position) as unknown as JsonObject, stats };
  };

  try {
    for (const configured of catalog.streams) {
      context.signal.throwIfAborted();
      const output = await startStream(store, configured, options, context, resume, extension);
      outputs.set(output.key, output);
      // Before the first batch is pulled: the source decides the format when it starts a stream.
      if (options.format === 'parquet' && output.columns.every((column) => column.source === 'field')) {
        context.acceptRecordChunks?.(output.key, ['postgres_copy_binary']);
      }
    }

    for await (const batch of untilAborted(input, context.signal)) {
      for (const message of batch) {
        if (message.type === 'RECORD') {
          const output = outputFor(outputs, message.record);
          const writer = output.writer ?? (await openPart(output));
          writer.add(toRow(message));
          output.recordsSinceCommit++;
          if (writer.pendingBytes >= FLUSH_BYTES) await writer.flush();
        } else if (message.type === 'RECORD_CHUNK') {
          const { chunk } = message;
          if (chunk.rows === 0) continue; // a part is opened for a row, never for nothing
          const output = outputFor(outputs, chunk);
          const writer = output.writer ?? (await openPart(output));
          if (!writer.addChunk?.(chunk, context.syncId)) addChunkRecords(writer, chunk, toRow);
          output.recordsSinceCommit += chunk.rows;
          if (writer.pendingBytes >= FLUSH_BYTES) await writer.flush();
        } else if (message.type === 'STATE') {
          pendingStates.push(message);
          if (Date.now() - lastCommitAt >= options.commitIntervalMs) yield await commit();
        }
      }
      for (const output of outputs.values()) {
        if (!output.writer) continue;
        await output.writer.flush();
        if (output.writer.bytes >= options.fileSizeBytes) await closePart(output);
      }
      context.signal.throwIfAborted();
    }
    context.signal.throwIfAborted();
    const last = await commit();
    if (!context.partition) for (const output of outputs.values()) await finishStream(store, output, context);
    yield last;
  } finally {
    for (const output of outputs.values()) {
      const writer = output.writer;
      output.writer = undefined;
      if (writer) await writer.abort();
    }
  }
}

/**
 * Reads the manifest, finishes an interrupted flip, removes parts this sync must rewrite. A
 * partition leaves the manifest alone (publishFileStreams lists its parts) and removes only its
 * own stale parts.
 */
async function startStream(
  store: ObjectStore,
  configured: ConfiguredAirbyteStream,
  options: FileOutputOptions,
  context: WriteContext,
  resume: FilesPosition | undefined,
  extension: string,
): Promise<StreamOutput> {
  const descriptor = descriptorOf(configured);
  const key = streamKey(descriptor);
  const manifestPath = options.pathTemplate.manifestPath(descriptor);
  const partition = context.partition;
  if (partition) {
    const output = streamOutput(configured, descriptor, options, manifestPath, emptyManifest(descriptor, options.format), new Date(partition.startedAt), resume?.streams[key]);
    await removeStaleParts(store, output, options, partsSyncId(context.syncId, partition.index), extension);
    return output;
  }
  const manifest = (await readManifest(store, manifestPath)) ?? emptyManifest(descriptor, options.format);
  if (manifest.obsolete.length > 0) {
    await store.remove(manifest.obsolete);
    manifest.obsolete = [];
  }
  const committed = resume?.streams[key];
  const startedAt = new Date(committed?.started_at ?? manifest.pending[context.syncId]?.started_at ?? Date.now());
  const output = streamOutput(configured, descriptor, options, manifestPath, manifest, startedAt, committed);
  await removeStaleParts(store, output, options, context.syncId, extension);

  manifest.pending[context.syncId] = { started_at: startedAt.toISOString(), mode: configured.destination_sync_mode, path_template: options.pathTemplate.source };
  if (!output.overwrite) manifest.files = [...manifest.files.filter((file) => file.sync_id !== context.syncId), ...output.files];
  manifest.format = options.format;
  await writeManifest(store, manifestPath, manifest);
  return output;
}

function descriptorOf(configured: ConfiguredAirbyteStream): StreamDescriptor {
  const { name, namespace } = configured.stream;
  return namespace ? { name, namespace } : { name };
}

function streamOutput(
  configured: ConfiguredAirbyteStream,
  descriptor: StreamDescriptor,
  options: FileOutputOptions,
  manifestPath: string,
  manifest: Manifest,
  startedAt: Date,
  committed: FilesStreamPosition | undefined,
): StreamOutput {
  return {
    descriptor,
    key: streamKey(descriptor),
    overwrite: configured.destination_sync_mode === 'overwrite',
    columns: columnsOf(configured.stream.json_schema ?? {}),
    manifestPath,
    manifest,
    startedAt,
    files: committed ? [...committed.files] : [],
    filesSinceCommit: [],
    recordsSinceCommit: 0,
    bytesSinceCommit: 0,
    rowSizeHint: options.format === 'parquet' ? { bytesPerRow: 0 } : undefined,
  };
}

/**
 * Parts an earlier attempt wrote after the committed ones are rewritten from their number on:
 * find them (they are numbered without gaps) and remove them, the newest first.
 */
async function removeStaleParts(store: ObjectStore, output: StreamOutput, options: FileOutputOptions, syncId: string, extension: string): Promise<void> {
  const render = (part: number) => options.pathTemplate.render({ stream: output.descriptor, syncId, startedAt: output.startedAt, part, extension, format: options.format });
  const stale: string[] = [];
  for (let part = output.files.length; ; part++) {
    const path = render(part);
    stale.push(path); // the first missing one may still have a temporary file
    if (!(await store.exists(path))) break;
  }
  await store.remove(stale.reverse());
}

/** What `{sync_id}` renders as in part names: a partition's parts carry its number too. */
function partsSyncId(syncId: string, partition: number | undefined): string {
  return partition ? `${syncId}-p${partition}` : syncId;
}

/** Once every row is durable: overwrite flips the manifest to this sync's files, then deletes the old ones. */
async function finishStream(store: ObjectStore, output: StreamOutput, context: WriteContext): Promise<void> {
  const manifest = output.manifest;
  delete manifest.pending[context.syncId];
  if (!output.overwrite) {
    await writeManifest(store, output.manifestPath, manifest);
    return;
  }
  await flipGeneration(store, output.manifestPath, manifest, output.files, output.key, context.logger);
}

/** Overwrite: the manifest lists `files` as the new generation, then the previous generation's files are removed. */
async function flipGeneration(store: ObjectStore, manifestPath: string, manifest: Manifest, files: ManifestFile[], key: string, logger: ConnectorLogger): Promise<void> {
  const kept = new Set(files.map((file) => file.path));
  manifest.obsolete = [...new Set([...manifest.obsolete, ...manifest.files.map((file) => file.path)])].filter((path) => !kept.has(path));
  manifest.files = files;
  manifest.generation++;
  await writeManifest(store, manifestPath, manifest);
  if (manifest.obsolete.length === 0) return;
  await store.remove(manifest.obsolete);
  logger.info('removed the files of the previous generation (overwrite)', { stream: key, files: manifest.obsolete.length });
  manifest.obsolete = [];
  await writeManifest(store, manifestPath, manifest);
}

export interface PublishFileStreamsInput {
  store: ObjectStore;
  catalog: ConfiguredAirbyteCatalog;
  context: PublishContext;
  options: FileOutputOptions;
}

/**
 * Scale-out: lists every partition's parts in each stream's manifest, in partition order, as one
 * write's end would: appended, or (overwrite) as the new generation, the old one then removed. Run
 * again after it succeeded, it finds the parts listed already and changes nothing.
 */
export async function publishFileStreams({ store, catalog, context, options }: PublishFileStreamsInput): Promise<void> {
  const partitions = [...context.partitions].sort((a, b) => a.index - b.index).map((p) => ({ index: p.index, position: p.position ? parseFilesPosition(p.position) : undefined }));
  for (const configured of catalog.streams) {
    context.signal.throwIfAborted();
    const descriptor = descriptorOf(configured);
    const key = streamKey(descriptor);
    const manifestPath = options.pathTemplate.manifestPath(descriptor);
    const manifest = (await readManifest(store, manifestPath)) ?? emptyManifest(descriptor, options.format);
    manifest.format = options.format;
    const files = partitions.flatMap((p) => p.position?.streams[key]?.files ?? []);
    const listed = new Set(manifest.files.map((file) => file.path));
    if (configured.destination_sync_mode === 'overwrite') {
      const published = manifest.files.length === files.length && files.every((file) => listed.has(file.path));
      if (!published || manifest.obsolete.length > 0) await flipGeneration(store, manifestPath, manifest, published ? manifest.files : files, key, context.logger);
    } else {
      const added = files.filter((file) => !listed.has(file.path));
      if (added.length === 0) continue;
      manifest.files.push(...added);
      await writeManifest(store, manifestPath, manifest);
    }
    context.logger.info(`published ${files.length} files of ${partitions.length} partitions`, { stream: key });
  }
}

/** A chunk for a writer that takes records only: its rows one by one, as RECORDs would come. */
function addChunkRecords(writer: RecordFileWriter, chunk: RecordChunkMessage['chunk'], toRow: ReturnType<typeof rowBuilder>): void {
  if (chunk.format !== 'postgres_copy_binary') throw new SystemError(`Received a record chunk of stream "${chunk.stream}" in ${chunk.format}, which this destination did not accept.`);
  const { stream, namespace, emitted_at: emittedAt } = chunk;
  for (const data of binaryChunkRecords(chunk.fields, chunk.types, chunk.data, chunk.rows)) {
    writer.add(toRow({ type: 'RECORD', record: { stream, ...(namespace ? { namespace } : {}), data, emitted_at: emittedAt } }));
  }
}

function outputFor(outputs: Map<string, StreamOutput>, record: { stream: string; namespace?: string }): StreamOutput {
  const key = streamKey({ name: record.stream, namespace: record.namespace });
  const output = outputs.get(key);
  if (!output) throw new SystemError(`Received a record of stream "${key}", which is not in the configured catalog.`);
  return output;
}

/** Reads a position handed back by the platform; a malformed one is a bug, not something to guess around. */
export function parseFilesPosition(value: JsonObject): FilesPosition {
  const streams = value.streams;
  if (!streams || typeof streams !== 'object' || Array.isArray(streams)) {
    throw new SystemError(`The resume position has no "streams" object: ${JSON.stringify(value)}.`);
  }
  for (const [key, stream] of Object.entries(streams)) {
    const { started_at: startedAt, files } = (stream ?? {}) as Record<string, unknown>;
    const valid =
      typeof startedAt === 'string' &&
      !Number.isNaN(Date.parse(startedAt)) &&
      Array.isArray(files) &&
      files.every((f) => f && typeof f === 'object' && typeof (f as ManifestFile).path === 'string' && typeof (f as ManifestFile).records === 'number');
    if (!valid) throw new SystemError(`The resume position of stream "${key}" is not { started_at, files }: ${JSON.stringify(stream)}.`);
  }
  return { streams: streams as unknown as Record<string, FilesStreamPosition> };
}
