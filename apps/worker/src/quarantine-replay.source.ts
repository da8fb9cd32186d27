// The source of a replay job: the connection's quarantined rows, read back from the metadata store
// page by page and emitted as records of their original streams. After each page a marker state
// says how far the replay got; the worker turns it into "replayed through id N" in the same
// transaction as the checkpoint, so a resumed replay neither loses nor repeats rows.
import type { ConnectorContext, MessageBatch, Source } from '@tributary/connector-sdk';
import type { JobRepository, StreamRef } from '@tributary/persistence';
import type { AirbyteCatalog, ConfiguredAirbyteCatalog, ConnectionStatus, JsonObject, StateMessage } from '@tributary/protocol';

export const REPLAY_MARKER_STREAM = '__tributary_replay__';
const PAGE = 1000;

export function replayedThrough(state: StateMessage): number | undefined {
  if (state.state.stream?.stream_descriptor.name !== REPLAY_MARKER_STREAM) return undefined;
  return Number(state.state.stream.stream_state?.through_id ?? 0);
}

export class QuarantineReplaySource implements Source<JsonObject> {
  constructor(
    private readonly jobs: JobRepository,
    private readonly connectionId: string,
    private readonly streams: StreamRef[],
  ) {}

  check(): Promise<ConnectionStatus> {
    return Promise.resolve({ status: 'SUCCEEDED' });
  }

  discover(): Promise<AirbyteCatalog> {
    return Promise.reject(new Error('a replay reads the quarantine of a configured catalog; it has nothing to discover'));
  }

  async *read(_config: JsonObject, _catalog: ConfiguredAirbyteCatalog, _state: StateMessage[], context: ConnectorContext): AsyncGenerator<MessageBatch> {
    // Only what was quarantined before the replay started: rows it quarantines again wait for the next one.
    const throughId = await this.jobs.lastQuarantineId(this.connectionId);
    let afterId = 0;
    for (;;) {
      context.signal.throwIfAborted();
      const rows = await this.jobs.pendingQuarantine(this.connectionId, this.streams, afterId, throughId, PAGE);
      if (!rows.length) break;
      afterId = Number(rows[rows.length - 1]!.id);
      const now = Date.now();
      const batch: MessageBatch = rows.map((row) => ({
        type: 'RECORD' as const,
        record: { stream: row.streamName, ...(row.streamNamespace ? { namespace: row.streamNamespace } : {}), data: row.record, emitted_at: now },
      }));
      batch.push({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: REPLAY_MARKER_STREAM }, stream_state: { through_id: afterId } } } });
      context.logger.info(`replaying ${rows.length} quarantined rows (through id ${afterId})`);
      yield batch;
    }
  }
}
