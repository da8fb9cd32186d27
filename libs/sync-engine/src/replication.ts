// One replication attempt: records flow straight from the source's batches into the destination;
// the engine maps streams, routes logs and traces, counts, and hands every destination commit to
// the caller, which persists the covered state. Nothing here touches Temporal or the database.
import {
  ConnectorError,
  SystemError,
  type ConnectorLogger,
  type Destination,
  type DestinationCommit,
  type MessageBatch,
  type ReadContext,
  type Source,
} from '@tributary/connector-sdk';
import {
  streamKey,
  type ConfiguredAirbyteCatalog,
  type JsonObject,
  type LogMessage,
  type ProtocolMessage,
  type RecordChunkFormat,
  type RecordChunkMessage,
  type RecordMessage,
  type StateMessage,
  type StreamContract,
  type StreamDescriptor,
  type TraceMessage,
  QUARANTINE_STREAM_SCHEMA,
  quarantineStreamName,
} from '@tributary/protocol';
import { readAhead } from './read-ahead';
import { compileContract, type QuarantinedRow, type RecordContract } from './record-contract';
import { isIdentityMapping, mapStreamDescriptor, type StreamMapping } from './stream-mapper';

export interface ReplicationProgress {
  /** Records emitted by the source so far, per source stream key. */
  recordsEmitted: Record<string, number>;
  totalRecordsEmitted: number;
  /** Row estimates the source announced, per source stream key. */
  estimates: Record<string, number>;
}

/** A destination commit with stats keyed by source stream. */
export interface ReplicationCommit {
  states: StateMessage[];
  position?: JsonObject;
  stats: { stream: StreamDescriptor; records: number; bytes: number }[];
  /** Rows the data contracts sent to quarantine since the previous commit (keyed by source stream). */
  quarantined: (QuarantinedRow & { stream: StreamDescriptor })[];
}

export interface ReplicationInput {
  source: Source<JsonObject>;
  sourceConfig: JsonObject;
  destination: Destination<JsonObject>;
  destinationConfig: JsonObject;
  /** The catalog as the source knows it (source stream names). */
  catalog: ConfiguredAirbyteCatalog;
  sourceState: StateMessage[];
  mapping: StreamMapping;
  /**
   * Per source stream key, the only fields to keep in each record (a column selection, or the
   * accepted schema when the source has grown columns the connection ignores).
   */
  projections?: Record<string, string[]>;
  /** Per source stream key, what to do with values that do not fit their column. */
  contracts?: Record<string, StreamContract>;
  syncId: string;
  resumePosition?: JsonObject;
  /**
   * Scale-out: this attempt reads and writes one partition of the catalog's (one) stream; the
   * source's partition descriptor comes from its plan, `index` and `startedAt` go to the destination.
   */
  partition?: { index: number; startedAt: string; source: JsonObject };
  signal: AbortSignal;
  logger: ConnectorLogger;
  onCommit(commit: ReplicationCommit): Promise<void>;
  /** The source asks for its stored config to change (e.g. a rotated OAuth2 refresh token). */
  onSourceConfigUpdate?(config: JsonObject): Promise<void>;
  onProgress?(progress: ReplicationProgress): void;
}

export interface ReplicationSummary {
  recordsCommitted: number;
  bytesCommitted: number;
  recordsEmitted: number;
  commits: number;
}

/** Marks an error with the side it came from, so job logs can say "the source failed: …". */
export class ReplicationError extends ConnectorError {
  constructor(
    readonly origin: 'source' | 'destination',
    cause: unknown,
  ) {
    const inner = cause instanceof ConnectorError ? cause : undefined;
    const message = cause instanceof Error ? cause.message : String(cause);
    super(inner?.failureType ?? 'system_error', `${origin === 'source' ? 'Source' : 'Destination'}: ${message}`, { cause });
    this.name = 'ReplicationError';
  }
}

/** Persisting a commit failed: the platform's own store, not a connector, is at fault. */
export class CommitError extends Error {
  constructor(cause: unknown) {
    super(`could not record a checkpoint: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'CommitError';
  }
}

/** How far (estimated bytes) the source may read ahead of the destination. */
const READ_AHEAD_BYTES = 8 << 20;
/** How long the end of an attempt waits for the source to close. */
const SOURCE_CLOSE_WAIT_MS = 5000;

/** The streams as the destination gets them: mapped names, plus a quarantine stream per stream with a data contract. */
export interface DestinationStreams {
  catalog: ConfiguredAirbyteCatalog;
  /** Source stream key → destination descriptor. */
  toDestination: Map<string, StreamDescriptor>;
  /** Destination stream key → source descriptor (quarantine streams map to themselves). */
  toSource: Map<string, StreamDescriptor>;
  /** Source stream key → its compiled contract and quarantine stream. */
  contracts: Map<string, { check: RecordContract; quarantine: StreamDescriptor }>;
}

export function destinationStreams(catalog: ConfiguredAirbyteCatalog, mapping: StreamMapping, streamContracts?: Record<string, StreamContract>): DestinationStreams {
  const toDestination = new Map<string, StreamDescriptor>();
  const toSource = new Map<string, StreamDescriptor>();
  for (const { stream } of catalog.streams) {
    const target = mapStreamDescriptor(stream, mapping);
    toDestination.set(streamKey(stream), target);
    toSource.set(streamKey(target), { name: stream.name, namespace: stream.namespace });
  }
  let destinationCatalog: ConfiguredAirbyteCatalog = isIdentityMapping(mapping)
    ? catalog
    : { streams: catalog.streams.map((s) => ({ ...s, stream: withDescriptor(s.stream, toDestination.get(streamKey(s.stream))!) })) };

  // Data contracts, and a quarantine stream in the destination for each stream that can reject rows.
  const contracts = new Map<string, { check: RecordContract; quarantine: StreamDescriptor }>();
  for (const configured of catalog.streams) {
    const key = streamKey(configured.stream);
    const check = compileContract(key, configured.stream.json_schema, streamContracts?.[key]);
    if (!check) continue;
    const target = toDestination.get(key)!;
    const quarantine = target.namespace ? { name: quarantineStreamName(target.name), namespace: target.namespace } : { name: quarantineStreamName(target.name) };
    contracts.set(key, { check, quarantine });
    toSource.set(streamKey(quarantine), quarantine);
    destinationCatalog = {
      streams: [
        ...destinationCatalog.streams,
        {
          stream: { ...quarantine, json_schema: QUARANTINE_STREAM_SCHEMA, supported_sync_modes: ['full_refresh', 'incremental'] },
          sync_mode: 'incremental',
          destination_sync_mode: 'append',
        },
      ],
    };
  }
  return { catalog: destinationCatalog, toDestination, toSource, contracts };
}

export async function runReplication(input: ReplicationInput): Promise<ReplicationSummary> {
  const selected = new Map(input.catalog.streams.map((s) => [streamKey(s.stream), s.stream]));
  const identity = isIdentityMapping(input.mapping);
  const { catalog: destinationCatalog, toDestination, toSource, contracts } = destinationStreams(input.catalog, input.mapping, input.contracts);
  let pendingQuarantine: ReplicationCommit['quarantined'] = [];
  const configUpdates: JsonObject[] = [];
  let forwarded = 0;

  const progress: ReplicationProgress = { recordsEmitted: {}, totalRecordsEmitted: 0, estimates: {} };
  const projections = new Map(Object.entries(input.projections ?? {}).map(([key, fields]) => [key, fields]));
  const warnedUnknown = new Set<string>();

  // Bulk formats the destination takes, by source stream key. Only streams whose records the
  // engine need not look at one by one (no projection, no data contract) travel in chunks.
  const chunkFormats = new Map<string, readonly RecordChunkFormat[]>();
  const acceptRecordChunks = (destinationKey: string, formats: readonly RecordChunkFormat[]) => {
    const source = toSource.get(destinationKey);
    if (!source) return;
    const key = streamKey(source);
    if (!selected.has(key) || projections.has(key) || contracts.has(key)) return;
    chunkFormats.set(key, [...formats]);
  };
  const readContext: ReadContext = {
    logger: input.logger,
    signal: input.signal,
    recordChunks: { formats: (key) => chunkFormats.get(key) ?? [] },
    ...(input.partition ? { partition: input.partition.source } : {}),
  };

  async function* fromSource(): AsyncGenerator<MessageBatch> {
    let iterator: AsyncIterator<MessageBatch> | undefined;
    try {
      iterator = input.source.read(input.sourceConfig, input.catalog, input.sourceState, readContext)[Symbol.asyncIterator]();
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        const forwarded = routeBatch(next.value);
        // Stored before anything after it is read: a rotated credential must never be lost.
        for (const config of configUpdates.splice(0)) await input.onSourceConfigUpdate?.(config);
        if (forwarded.length) yield forwarded;
        if (input.signal.aborted) throw input.signal.reason ?? new Error('cancelled');
      }
    } catch (error) {
      throw input.signal.aborted || error instanceof ReplicationError ? error : new ReplicationError('source', error);
    } finally {
      // Closing the source releases its connections whatever the outcome (success, failure, cancel).
      await iterator?.return?.();
    }
  }

  // The key of the previous record's stream: consecutive records are nearly always of one stream,
  // so the key is not rebuilt (and hashed again) per record.
  let lastStream: string | undefined;
  let lastNamespace: string | undefined;
  let lastKey = '';

  function routeBatch(batch: MessageBatch): MessageBatch {
    const out: ProtocolMessage[] = [];
    for (const message of batch) {
      switch (message.type) {
        case 'RECORD': {
          const { stream, namespace } = message.record;
          if (stream !== lastStream || namespace !== lastNamespace) {
            lastKey = namespace ? `${namespace}.${stream}` : stream;
            lastStream = stream;
            lastNamespace = namespace;
          }
          const key = lastKey;
          if (!selected.has(key)) {
            if (!warnedUnknown.has(key)) {
              warnedUnknown.add(key);
              input.logger.warn(`source emitted records of stream "${key}" which is not selected; they are skipped`);
            }
            continue;
          }
          progress.recordsEmitted[key] = (progress.recordsEmitted[key] ?? 0) + 1;
          progress.totalRecordsEmitted++;
          const fields = projections.get(key);
          let projected = fields ? project(message, fields) : message;
          const contract = contracts.get(key);
          if (contract) {
            const outcome = contract.check(projected.record.data);
            if (outcome.quarantined) {
              const source = selected.get(key)!;
              pendingQuarantine.push({ ...outcome.quarantined, stream: source.namespace ? { name: source.name, namespace: source.namespace } : { name: source.name } });
              out.push(quarantineRecord(contract.quarantine, key, outcome.quarantined, message.record.emitted_at));
              forwarded++;
            }
            if (!outcome.data) continue;
            if (outcome.data !== projected.record.data) projected = { type: 'RECORD', record: { ...projected.record, data: outcome.data } };
          }
          forwarded++;
          out.push(identity ? projected : remapRecord(projected, toDestination.get(key)!));
          break;
        }
        case 'RECORD_CHUNK': {
          const chunk = message.chunk;
          const key = chunk.namespace ? `${chunk.namespace}.${chunk.stream}` : chunk.stream;
          if (!chunkFormats.get(key)?.includes(chunk.format)) {
            throw new SystemError(`the source sent rows of stream "${key}" as ${chunk.format}, which the destination did not accept for it`);
          }
          progress.recordsEmitted[key] = (progress.recordsEmitted[key] ?? 0) + chunk.rows;
          progress.totalRecordsEmitted += chunk.rows;
          forwarded += chunk.rows;
          out.push(identity ? message : remapChunk(message, toDestination.get(key)!));
          break;
        }
        case 'STATE':
          out.push(message);
          break;
        case 'LOG':
          logFromConnector(input.logger, message);
          break;
        case 'CONTROL':
          if (message.control.type === 'CONNECTOR_CONFIG') configUpdates.push(message.control.connectorConfig.config);
          break;
        case 'TRACE':
          handleTrace(message);
          break;
        default:
          break;
      }
    }
    if (out.length) input.onProgress?.(progress);
    return out;
  }

  function handleTrace(message: TraceMessage): void {
    const trace = message.trace;
    if (trace.type === 'ERROR' && trace.error) {
      throw new ConnectorError(trace.error.failure_type ?? 'system_error', trace.error.message);
    }
    if (trace.type === 'ESTIMATE' && trace.estimate?.row_estimate !== undefined) {
      const key = trace.estimate.namespace ? `${trace.estimate.namespace}.${trace.estimate.name}` : trace.estimate.name;
      progress.estimates[key] = trace.estimate.row_estimate;
    }
    if (trace.type === 'STREAM_STATUS' && trace.stream_status) {
      input.logger.info(`stream ${streamKey(trace.stream_status.stream_descriptor)}: ${trace.stream_status.status.toLowerCase()}`);
    }
  }

  const summary: ReplicationSummary = { recordsCommitted: 0, bytesCommitted: 0, recordsEmitted: 0, commits: 0 };
  // The source reads on while the destination commits, up to 8 MiB ahead.
  const sourceBatches = readAhead(fromSource(), READ_AHEAD_BYTES, input.signal);
  const writes = input.destination.write(input.destinationConfig, destinationCatalog, sourceBatches, {
    logger: input.logger,
    signal: input.signal,
    syncId: input.syncId,
    resumePosition: input.resumePosition,
    acceptRecordChunks,
    ...(input.partition ? { partition: { index: input.partition.index, startedAt: input.partition.startedAt } } : {}),
  });
  try {
    for await (const commit of writes) {
      const mapped = toReplicationCommit(commit, toSource, pendingQuarantine);
      pendingQuarantine = [];
      for (const s of mapped.stats) {
        summary.recordsCommitted += s.records;
        summary.bytesCommitted += s.bytes;
      }
      summary.commits++;
      try {
        await input.onCommit(mapped);
      } catch (error) {
        throw new CommitError(error);
      }
    }
  } catch (error) {
    if (input.signal.aborted) throw input.signal.reason ?? error;
    throw error instanceof ReplicationError || error instanceof CommitError ? error : new ReplicationError('destination', error);
  } finally {
    // Whatever the destination did with its input, the source is closed (its connections released).
    // Awaited for a while only: a hung source must not block the end of the attempt.
    const closing = sourceBatches.return(undefined).catch((error: unknown) => input.logger.warn('closing the source failed', { error: String(error) }));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closing, new Promise<void>((resolve) => (timer = setTimeout(resolve, SOURCE_CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  }
  summary.recordsEmitted = progress.totalRecordsEmitted;
  if (summary.recordsCommitted !== forwarded) {
    throw new SystemError(`the destination committed ${summary.recordsCommitted} records but was sent ${forwarded}`);
  }
  return summary;
}

export interface PublishInput {
  destination: Destination<JsonObject>;
  destinationConfig: JsonObject;
  /** The catalog of the partitioned streams, as the source knows it. */
  catalog: ConfiguredAirbyteCatalog;
  mapping: StreamMapping;
  contracts?: Record<string, StreamContract>;
  syncId: string;
  startedAt: string;
  partitions: { index: number; position?: JsonObject }[];
  signal: AbortSignal;
  logger: ConnectorLogger;
}

/** Scale-out: once every partition is written, the destination makes them visible (same stream mapping as the writes). */
export async function publishPartitions(input: PublishInput): Promise<void> {
  const publish = input.destination.publishPartitions?.bind(input.destination);
  if (!publish) throw new SystemError('the destination wrote partitions but cannot publish them');
  const { catalog } = destinationStreams(input.catalog, input.mapping, input.contracts);
  try {
    await publish(input.destinationConfig, catalog, { syncId: input.syncId, startedAt: input.startedAt, partitions: input.partitions, signal: input.signal, logger: input.logger });
  } catch (error) {
    if (input.signal.aborted) throw input.signal.reason ?? error;
    throw new ReplicationError('destination', error);
  }
}

function project(message: RecordMessage, fields: string[]): RecordMessage {
  const data: Record<string, unknown> = {};
  const source = message.record.data;
  for (const field of fields) if (field in source) data[field] = source[field];
  return { type: 'RECORD', record: { ...message.record, data } };
}

/** The stream under another name and namespace; no namespace means none (not the source's). */
function withDescriptor<T extends StreamDescriptor>(stream: T, target: StreamDescriptor): T {
  const { namespace: _dropped, ...rest } = stream;
  return { ...rest, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } as T;
}

/**
 * The record under its destination stream. The engine owns the messages a source yields (sources
 * build a record per row and never look at it again), so the common case renames the record in
 * place instead of copying it per row; only dropping a namespace the record carries copies it (a
 * `delete` would leave the object in V8's slow dictionary mode).
 */
function remapRecord(message: RecordMessage, target: StreamDescriptor): RecordMessage {
  const record = message.record;
  if (target.namespace) {
    record.stream = target.name;
    record.namespace = target.namespace;
    return message;
  }
  if (!('namespace' in record)) {
    record.stream = target.name;
    return message;
  }
  return copyWithoutNamespace(message, target);
}

/** The chunk under its destination stream (a new envelope; the rows are shared, never copied). */
function remapChunk(message: RecordChunkMessage, target: StreamDescriptor): RecordChunkMessage {
  const { namespace: _dropped, ...chunk } = message.chunk;
  return { type: 'RECORD_CHUNK', chunk: { ...chunk, stream: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) } };
}

function copyWithoutNamespace(message: RecordMessage, target: StreamDescriptor): RecordMessage {
  const { namespace: _dropped, ...record } = message.record;
  return { type: 'RECORD', record: { ...record, stream: target.name } };
}

function quarantineRecord(target: StreamDescriptor, sourceKey: string, row: QuarantinedRow, emittedAt: number): RecordMessage {
  return {
    type: 'RECORD',
    record: {
      stream: target.name,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      emitted_at: emittedAt,
      data: { _tributary_source_stream: sourceKey, _tributary_quarantine_column: row.column, _tributary_quarantine_reason: row.reason, _tributary_quarantine_contract: row.contract, record: row.record },
    },
  };
}

function toReplicationCommit(commit: DestinationCommit, toSource: Map<string, StreamDescriptor>, quarantined: ReplicationCommit['quarantined']): ReplicationCommit {
  return {
    states: commit.states,
    position: commit.position,
    quarantined,
    stats: Object.entries(commit.stats).map(([key, s]) => ({ stream: toSource.get(key) ?? { name: key }, records: s.records, bytes: s.bytes })),
  };
}

function logFromConnector(logger: ConnectorLogger, message: LogMessage): void {
  const level = message.log.level;
  const text = message.log.message;
  if (level === 'FATAL' || level === 'ERROR') logger.error(text);
  else if (level === 'WARN') logger.warn(text);
  else if (level === 'DEBUG' || level === 'TRACE') logger.debug(text);
  else logger.info(text);
}
