// The file source: one stream per configured pattern. Discover lists the files, samples rows
// from the first ones and infers the schema (Parquet: the file's own), merged with the user's
// override. Read goes through the files oldest first, emitting a state after each whole file —
// incremental syncs skip files not modified since — and quarantines malformed rows: each is logged
// (file, line, reason) and written to the stream's `_tributary_malformed_<stream>` companion when
// selected; past the configured threshold the sync fails with a ConfigError giving the counts.
import { ConfigError, type ConnectorContext, type MessageBatch, type Source } from '@tributary/connector-sdk';
import type { AirbyteCatalog, AirbyteStream, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream, ConnectionStatus, JsonObject, ProtocolMessage, StateMessage } from '@tributary/protocol';
import { type FileSourceConfig, type FileStreamConfig, parseFileSourceConfig } from './file-source.config';
import { type FileEntry, fileListerFor, type FileLister } from './file.locator';
import { readFileRows } from './file-rows.reader';
import { applySchema, inferProperties } from './row-schema';

export const FILE_COLUMN = '_source_file';
export const MODIFIED_COLUMN = '_source_file_modified_at';
const RECORDS_PER_BATCH = 500;
/** Malformed rows logged one by one per stream; beyond, only the counts. */
const LOGGED_MALFORMED = 100;
/** The percentage threshold applies once this many rows were read. */
const PERCENT_MIN_ROWS = 100;

export function malformedStreamName(stream: string): string {
  return `_tributary_malformed_${stream}`;
}

const MALFORMED_SCHEMA: JsonObject = {
  type: 'object',
  properties: {
    stream: { type: 'string' },
    file: { type: 'string' },
    line: { type: 'integer' },
    reason: { type: 'string' },
    raw: { type: ['string', 'null'] },
  },
};

/** Per stream: the newest modification time fully read, and the files read at exactly that time. */
interface FileCursor {
  modified_at: string;
  files_at_cursor: string[];
}

export class FileSource implements Source<JsonObject> {
  async check(config: JsonObject, context: ConnectorContext): Promise<ConnectionStatus> {
    try {
      const settings = parseFileSourceConfig(config);
      for (const stream of settings.streams) {
        const files = await listFiles(stream, settings, context.signal);
        if (files.length === 0) return { status: 'FAILED', message: `No file matches ${stream.url} (stream "${stream.name}").` };
      }
      return { status: 'SUCCEEDED' };
    } catch (error) {
      return { status: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
  }

  async discover(config: JsonObject, context: ConnectorContext): Promise<AirbyteCatalog> {
    const settings = parseFileSourceConfig(config);
    const streams: AirbyteStream[] = [];
    for (const stream of settings.streams) {
      const properties = await discoverProperties(stream, settings, context.signal);
      streams.push({
        name: stream.name,
        json_schema: { type: 'object', properties },
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_cursor: true,
        default_cursor_field: [MODIFIED_COLUMN],
        ...(stream.primary_key?.length ? { source_defined_primary_key: stream.primary_key.map((key) => [key]) } : {}),
      });
      streams.push({ name: malformedStreamName(stream.name), json_schema: MALFORMED_SCHEMA, supported_sync_modes: ['full_refresh'] });
    }
    return { streams };
  }

  async *read(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ConnectorContext): AsyncGenerator<MessageBatch> {
    const settings = parseFileSourceConfig(config);
    const selected = new Map(catalog.streams.map((configured) => [configured.stream.name, configured]));
    for (const stream of settings.streams) {
      const configured = selected.get(stream.name);
      if (!configured) continue;
      const quarantine = selected.has(malformedStreamName(stream.name)) ? malformedStreamName(stream.name) : undefined;
      yield* readStream(stream, configured, quarantine, settings, state, context);
    }
    for (const configured of catalog.streams) {
      const isMalformed = configured.stream.name.startsWith('_tributary_malformed_');
      if (!isMalformed && !settings.streams.some((s) => s.name === configured.stream.name)) {
        throw new ConfigError(`Stream "${configured.stream.name}" is not configured in this file source; refresh the connection's schema.`);
      }
    }
  }
}

async function listFiles(stream: FileStreamConfig, settings: FileSourceConfig, signal: AbortSignal, lister: FileLister = fileListerFor(stream.url, settings.s3)): Promise<FileEntry[]> {
  try {
    return await lister.list(stream.url, signal);
  } finally {
    await lister.close();
  }
}

async function discoverProperties(stream: FileStreamConfig, settings: FileSourceConfig, signal: AbortSignal): Promise<JsonObject> {
  const files = await listFiles(stream, settings, signal);
  if (files.length === 0) throw new ConfigError(`No file matches ${stream.url} (stream "${stream.name}"): nothing to infer a schema from.`);
  const lister = fileListerFor(stream.url, settings.s3);
  const sample: Record<string, unknown>[] = [];
  let fileSchema: JsonObject | undefined;
  let textValues = false;
  try {
    for (const file of files) {
      if (sample.length >= settings.schema_sample_rows) break;
      const read = await readFileRows(file, stream.format, stream.csv);
      fileSchema ??= read.schema;
      textValues = read.textValues;
      for await (const row of read.rows) {
        if ('data' in row) sample.push(row.data);
        if (sample.length >= settings.schema_sample_rows) {
          await read.rows.return(undefined);
          break;
        }
      }
    }
  } finally {
    await lister.close();
  }
  const inferred = (fileSchema?.properties as JsonObject | undefined) ?? inferProperties(sample, textValues);
  return {
    ...inferred,
    ...(stream.schema ?? {}),
    [FILE_COLUMN]: { type: 'string' },
    [MODIFIED_COLUMN]: { type: 'string', format: 'date-time' },
  };
}

function cursorOf(state: StateMessage[], name: string): FileCursor | undefined {
  for (const message of state) {
    const stream = message.state.stream;
    if (stream?.stream_descriptor.name === name && stream.stream_state && typeof stream.stream_state.modified_at === 'string') {
      return { modified_at: stream.stream_state.modified_at, files_at_cursor: (stream.stream_state.files_at_cursor as string[] | undefined) ?? [] };
    }
  }
  return undefined;
}

async function* readStream(
  stream: FileStreamConfig,
  configured: ConfiguredAirbyteStream,
  quarantine: string | undefined,
  settings: FileSourceConfig,
  state: StateMessage[],
  context: ConnectorContext,
): AsyncGenerator<MessageBatch> {
  const descriptor = { name: stream.name };
  const properties = ((configured.stream.json_schema?.properties ?? {}) as Record<string, JsonObject>);
  const lister = fileListerFor(stream.url, settings.s3);
  const cursor = cursorOf(state, stream.name);
  let files: FileEntry[];
  try {
    files = await lister.list(stream.url, context.signal);
  } catch (error) {
    await lister.close();
    throw error;
  }
  if (cursor) {
    const at = Date.parse(cursor.modified_at);
    files = files.filter((file) => file.modifiedAt.getTime() > at || (file.modifiedAt.getTime() === at && !cursor.files_at_cursor.includes(file.uri)));
  }
  let batch: ProtocolMessage[] = [status(descriptor.name, 'STARTED')];
  let rowsRead = 0;
  let malformed = 0;
  let next: FileCursor | undefined = cursor;
  const fail = (first: string) => {
    const percent = rowsRead > 0 ? ((malformed / rowsRead) * 100).toFixed(1) : '100';
    return new ConfigError(
      `Stream "${stream.name}": ${malformed} malformed rows out of ${rowsRead} read (${percent}%) exceed the threshold (max_malformed_rows ${settings.max_malformed_rows}, max_malformed_percent ${settings.max_malformed_percent}%). First: ${first}`,
    );
  };
  let firstMalformed = '';
  const overThreshold = (final: boolean) =>
    malformed > settings.max_malformed_rows || ((final || rowsRead >= PERCENT_MIN_ROWS) && rowsRead > 0 && (malformed / rowsRead) * 100 > settings.max_malformed_percent);
  try {
    for (const file of files) {
      context.signal.throwIfAborted();
      const modifiedAt = file.modifiedAt.toISOString();
      const read = await readFileRows(file, stream.format, stream.csv);
      const textValues = read.textValues;
      for await (const row of read.rows) {
        rowsRead++;
        let reason: string | undefined;
        if ('data' in row) {
          const typed = applySchema(row.data, properties, textValues);
          if ('data' in typed) {
            typed.data[FILE_COLUMN] = file.uri;
            typed.data[MODIFIED_COLUMN] = modifiedAt;
            batch.push({ type: 'RECORD', record: { stream: stream.name, data: typed.data, emitted_at: Date.now() } });
          } else reason = typed.reason;
        } else reason = row.malformed;
        if (reason !== undefined) {
          malformed++;
          const where = `${file.uri}, line ${row.line}: ${reason}`;
          firstMalformed ||= where;
          if (malformed <= LOGGED_MALFORMED) batch.push(log('WARN', `Stream "${stream.name}": malformed row quarantined — ${where}`));
          if (quarantine) {
            const raw = 'raw' in row && row.raw !== undefined ? row.raw : 'data' in row ? JSON.stringify(row.data) : null;
            batch.push({ type: 'RECORD', record: { stream: quarantine, data: { stream: stream.name, file: file.uri, line: row.line, reason, raw }, emitted_at: Date.now() } });
          }
          if (overThreshold(false)) throw fail(firstMalformed);
        }
        if (batch.length >= RECORDS_PER_BATCH) {
          yield batch;
          batch = [];
          context.signal.throwIfAborted();
        }
      }
      // The file is read whole: the cursor moves past it.
      next = next && Date.parse(next.modified_at) === file.modifiedAt.getTime() ? { modified_at: modifiedAt, files_at_cursor: [...next.files_at_cursor, file.uri] } : { modified_at: modifiedAt, files_at_cursor: [file.uri] };
      batch.push(stateMessage(stream.name, next));
      yield batch;
      batch = [];
    }
    if (overThreshold(true)) throw fail(firstMalformed);
    if (malformed > LOGGED_MALFORMED) batch.push(log('WARN', `Stream "${stream.name}": ${malformed} malformed rows quarantined in all (${LOGGED_MALFORMED} logged).`));
    if (files.length === 0) batch.push(stateMessage(stream.name, next));
    batch.push(status(descriptor.name, 'COMPLETE'));
    yield batch;
  } finally {
    await lister.close();
  }
}

function stateMessage(name: string, cursor: FileCursor | undefined): StateMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: (cursor ?? {}) as unknown as JsonObject } } };
}

function log(level: 'WARN' | 'INFO', message: string): ProtocolMessage {
  return { type: 'LOG', log: { level, message } };
}

function status(name: string, value: 'STARTED' | 'COMPLETE'): ProtocolMessage {
  return { type: 'TRACE', trace: { type: 'STREAM_STATUS', emitted_at: Date.now(), stream_status: { stream_descriptor: { name }, status: value } } };
}
