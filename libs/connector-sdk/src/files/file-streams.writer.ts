// The write loop shared by the file destinations (local directory, S3): every stream is written
// as numbered parts `{sync_id}-{part}` through the path template, in the chosen format, rolled
// over by size. A file cannot be made durable halfway (a Parquet footer, a multipart upload), so a
// checkpoint closes the open parts: at a state message, once `commitIntervalMs` has passed since
// the last commit, every open part is closed and the commit names every closed part of this sync.
// A resumed attempt keeps exactly those parts, removes any later part an earlier attempt left, and
// writes on from the next number, so a retried sync replaces its own parts instead of adding
// duplicates. The per-stream manifest (see manifest.ts) is what readers trust.
//
// Parquet takes PostgreSQL's binary COPY tuples in bulk (RECORD_CHUNK, `postgres_copy_binary`): the
// loop offers that format for every stream it writes as Parquet, and the writer decodes the tuples
// straight into its column buffers. A chunk counts as its rows everywhere a RECORD counts as one.
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, JsonObject, RecordChunkMessage, StateMessage, StreamDescriptor } from '@tributary/protocol';
import { streamKey } from '@tributary/protocol';
import type { DestinationCommit, MessageBatch, WriteContext } from '../connector';
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

  const pathOf = (output: StreamOutput, part: number) =>
    options.pathTemplate.render({ stream: output.descriptor, syncId: context.syncId, startedAt: output.startedAt, part, extension, format: options.format });

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
      if (!output.overwrite && output.filesSinceCommit.length > 0) {
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
    for (const output of outputs.values()) await finishStream(store, output, context);
    yield last;
  } finally {
    for (const output of outputs.values()) {
      const writer = output.writer;
      output.writer = undefined;
      if (writer) await writer.abort();
    }
  }
}

/** Reads the manifest, finishes an interrupted flip, removes parts this sync must rewrite. */
async function startStream(
  store: ObjectStore,
  configured: ConfiguredAirbyteStream,
  options: FileOutputOptions,
  context: WriteContext,
  resume: FilesPosition | undefined,
  extension: string,
): Promise<StreamOutput> {
  const { name, namespace } = configured.stream;
  const descriptor: StreamDescriptor = namespace ? { name, namespace } : { name };
  const key = streamKey(descriptor);
  const manifestPath = options.pathTemplate.manifestPath(descriptor);
  const manifest = (await readManifest(store, manifestPath)) ?? emptyManifest(descriptor, options.format);
  if (manifest.obsolete.length > 0) {
    await store.remove(manifest.obsolete);
    manifest.obsolete = [];
  }
  const committed = resume?.streams[key];
  const startedAt = new Date(committed?.started_at ?? manifest.pending[context.syncId]?.started_at ?? Date.now());
  const files = committed ? [...committed.files] : [];
  const overwrite = configured.destination_sync_mode === 'overwrite';
  const output: StreamOutput = {
    descriptor,
    key,
    overwrite,
    columns: columnsOf(configured.stream.json_schema ?? {}),
    manifestPath,
    manifest,
    startedAt,
    files,
    filesSinceCommit: [],
    recordsSinceCommit: 0,
    bytesSinceCommit: 0,
    rowSizeHint: options.format === 'parquet' ? { bytesPerRow: 0 } : undefined,
  };

  // Parts an earlier attempt wrote after the committed ones are rewritten from their number on:
  // find them (they are numbered without gaps) and remove them, the newest first.
  const render = (part: number) => options.pathTemplate.render({ stream: descriptor, syncId: context.syncId, startedAt, part, extension, format: options.format });
  const stale: string[] = [];
  for (let part = files.length; ; part++) {
    const path = render(part);
    stale.push(path); // the first missing one may still have a temporary file
    if (!(await store.exists(path))) break;
  }
  await store.remove(stale.reverse());

  manifest.pending[context.syncId] = { started_at: startedAt.toISOString(), mode: configured.destination_sync_mode, path_template: options.pathTemplate.source };
  if (!overwrite) manifest.files = [...manifest.files.filter((file) => file.sync_id !== context.syncId), ...files];
  manifest.format = options.format;
  await writeManifest(store, manifestPath, manifest);
  return output;
}

/** Once every row is durable: overwrite flips the manifest to this sync's files, then deletes the old ones. */
async function finishStream(store: ObjectStore, output: StreamOutput, context: WriteContext): Promise<void> {
  const manifest = output.manifest;
  delete manifest.pending[context.syncId];
  if (!output.overwrite) {
    await writeManifest(store, output.manifestPath, manifest);
    return;
  }
  const kept = new Set(output.files.map((file) => file.path));
  manifest.obsolete = manifest.files.map((file) => file.path).filter((path) => !kept.has(path));
  manifest.files = output.files;
  manifest.generation++;
  await writeManifest(store, output.manifestPath, manifest);
  if (manifest.obsolete.length === 0) return;
  await store.remove(manifest.obsolete);
  context.logger.info('removed the files of the previous generation (overwrite)', { stream: output.key, files: manifest.obsolete.length });
  manifest.obsolete = [];
  await writeManifest(store, output.manifestPath, manifest);
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
