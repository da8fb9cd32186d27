// The faker source: check, discover and read over the `users` and `purchases` streams. Records
// are generated lazily, a batch at a time, so memory stays flat whatever the count; each stream is
// announced (STARTED), checkpointed every `state_checkpoint_interval` records and closed with a
// final STATE and COMPLETE, preceded by one ESTIMATE per stream for progress reporting.
import { ConfigError, type ConnectorContext, type MessageBatch, type Source } from '@tributary/connector-sdk';
import type {
  AirbyteCatalog,
  ConfiguredAirbyteCatalog,
  ConnectionStatus,
  JsonObject,
  StateMessage,
  StreamDescriptor,
  StreamStatus,
  TraceMessage,
} from '@tributary/protocol';
import { type FakerConfig, parseFakerConfig } from './faker.config';
import { findStreamState, resumeAfter, streamStateMessage } from './faker.state';
import type { FakeDataset, FakerStream } from './faker.stream';
import { PURCHASES_STREAM, purchasesStream } from './purchases.stream';
import { RecordThrottle } from './records.throttle';
import { USERS_STREAM, usersStream } from './users.stream';

const STREAMS: ReadonlyMap<string, (dataset: FakeDataset) => FakerStream> = new Map([
  [USERS_STREAM.name, usersStream],
  [PURCHASES_STREAM.name, purchasesStream],
]);

/** Records per batch: large enough to keep per-batch overhead negligible, small enough to stay responsive. */
export const RECORDS_PER_BATCH = 500;

interface StreamRead {
  descriptor: StreamDescriptor;
  stream: FakerStream;
  /** The state handed in for this stream, echoed back when there is nothing new. */
  state?: JsonObject;
  /** Id of the last record already delivered. */
  after: number;
}

export class FakerSource implements Source<JsonObject> {
  async check(config: JsonObject, _context: ConnectorContext): Promise<ConnectionStatus> {
    try {
      parseFakerConfig(config);
      return { status: 'SUCCEEDED' };
    } catch (error) {
      return { status: 'FAILED', message: error instanceof Error ? error.message : String(error) };
    }
  }

  async discover(config: JsonObject, _context: ConnectorContext): Promise<AirbyteCatalog> {
    parseFakerConfig(config);
    return { streams: [USERS_STREAM, PURCHASES_STREAM] };
  }

  async *read(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[], context: ConnectorContext): AsyncGenerator<MessageBatch> {
    const settings = parseFakerConfig(config);
    const reads = catalog.streams.map(({ stream: configured }): StreamRead => {
      const create = STREAMS.get(configured.name);
      if (!create) {
        throw new ConfigError(`Stream "${configured.name}" is not offered by the faker source (it offers ${[...STREAMS.keys()].join(', ')}); refresh the connection's schema.`);
      }
      const descriptor: StreamDescriptor = configured.namespace ? { name: configured.name, namespace: configured.namespace } : { name: configured.name };
      const stream = create({ seed: settings.seed, count: settings.count });
      const streamState = findStreamState(state, descriptor);
      return { descriptor, stream, state: streamState, after: resumeAfter(stream, streamState) };
    });
    context.signal.throwIfAborted();
    yield reads.map(({ descriptor, stream, after }) => trace({ type: 'ESTIMATE', estimate: { ...descriptor, type: 'STREAM', row_estimate: Math.max(0, stream.size - after) } }));
    const throttle = new RecordThrottle(settings.max_records_per_second, context.signal);
    for (const read of reads) yield* readStream(read, settings, throttle, context.signal);
  }
}

async function* readStream(read: StreamRead, settings: FakerConfig, throttle: RecordThrottle, signal: AbortSignal): AsyncGenerator<MessageBatch> {
  const { descriptor, stream } = read;
  const interval = settings.state_checkpoint_interval;
  const batchSize = throttle.batchSize(RECORDS_PER_BATCH);
  let batch: MessageBatch = [streamStatus(descriptor, 'STARTED')];
  let batchRecords = 0;
  let sinceCheckpoint = 0;
  let checkpointed = false;
  let streamState: JsonObject = read.state ?? {};
  let emittedAt = Date.now();

  for (let id = read.after + 1; id <= stream.size; id++) {
    const data = stream.record(id);
    batch.push({ type: 'RECORD', record: { stream: descriptor.name, ...namespaceOf(descriptor), data, emitted_at: emittedAt } });
    batchRecords++;
    sinceCheckpoint++;
    streamState = { updated_at: data.updated_at, id };
    if (sinceCheckpoint === interval) {
      batch.push(streamStateMessage(descriptor, streamState, sinceCheckpoint));
      sinceCheckpoint = 0;
      checkpointed = true;
    }
    // A checkpoint ends its batch, so the consumer can commit it without waiting for more records.
    if (batchRecords === batchSize || sinceCheckpoint === 0) {
      await release(batchRecords, throttle, signal);
      yield batch;
      batch = [];
      batchRecords = 0;
      emittedAt = Date.now();
    }
  }
  // Always close with a state, even after zero records, so it round-trips to the next sync.
  if (sinceCheckpoint > 0 || !checkpointed) batch.push(streamStateMessage(descriptor, streamState, sinceCheckpoint));
  batch.push(streamStatus(descriptor, 'COMPLETE'));
  await release(batchRecords, throttle, signal);
  yield batch;
}

/** Waits for the throttle's go-ahead for a batch of `records` records; throws once aborted. */
async function release(records: number, throttle: RecordThrottle, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  await throttle.acquire(records);
}

function namespaceOf(descriptor: StreamDescriptor): { namespace?: string } {
  return descriptor.namespace ? { namespace: descriptor.namespace } : {};
}

function streamStatus(descriptor: StreamDescriptor, status: StreamStatus): TraceMessage {
  return trace({ type: 'STREAM_STATUS', stream_status: { stream_descriptor: descriptor, status } });
}

function trace(body: Omit<TraceMessage['trace'], 'emitted_at'>): TraceMessage {
  return { type: 'TRACE', trace: { ...body, emitted_at: Date.now() } };
}
