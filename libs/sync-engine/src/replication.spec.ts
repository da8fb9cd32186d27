import {
  ConfigError,
  ConnectorError,
  SystemError,
  TransientError,
  type ConnectorContext,
  type ConnectorLogger,
  type Destination,
  type DestinationCommit,
  type MessageBatch,
  type Source,
  type WriteContext,
} from '@tributary/connector-sdk';
import {
  streamKey,
  type ConfiguredAirbyteCatalog,
  type JsonObject,
  type LogLevel,
  type ProtocolMessage,
  type RecordMessage,
  type StateMessage,
  type TraceMessage,
} from '@tributary/protocol';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ReplicationError, runReplication, type ReplicationCommit, type ReplicationInput, type ReplicationProgress } from './replication';

// The source and destination below are small but complete implementations of the connector-sdk
// contracts (fixtures of the contract, not stand-ins for our modules): the engine under test is
// the real one, end to end.

const catalog: ConfiguredAirbyteCatalog = {
  streams: [
    {
      stream: {
        name: 'users',
        namespace: 'public',
        json_schema: { type: 'object', properties: { id: { type: 'integer' }, updated_at: { type: 'string' } } },
        supported_sync_modes: ['full_refresh', 'incremental'],
      },
      sync_mode: 'incremental',
      destination_sync_mode: 'append_dedup',
      cursor_field: ['updated_at'],
      primary_key: [['id']],
    },
    {
      stream: { name: 'events', json_schema: { type: 'object', properties: { id: { type: 'integer' } } }, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'overwrite',
    },
  ],
};

function record(stream: string, id: number, namespace?: string): RecordMessage {
  return { type: 'RECORD', record: { stream, ...(namespace ? { namespace } : {}), data: { id }, emitted_at: 1_700_000_000_000 + id } };
}
const user = (id: number) => record('users', id, 'public');
const event = (id: number) => record('events', id);

function state(stream: string, cursor: number, namespace?: string): StateMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream, ...(namespace ? { namespace } : {}) }, stream_state: { cursor } } } };
}
function log(level: LogLevel, message: string): ProtocolMessage {
  return { type: 'LOG', log: { level, message } };
}
function trace(body: Omit<TraceMessage['trace'], 'emitted_at'>): TraceMessage {
  return { type: 'TRACE', trace: { emitted_at: 1_700_000_000_000, ...body } };
}

const bytesOf = (message: RecordMessage) => JSON.stringify(message.record.data).length;

/** Plays a script of batches (an Error step is thrown); records whether its `finally` ran. */
class ScriptedSource implements Source<JsonObject> {
  released = false;
  yielded = 0;
  lastRead?: { catalog: ConfiguredAirbyteCatalog; state: StateMessage[] };

  constructor(
    private readonly steps: Iterable<MessageBatch | Error>,
    private readonly onYield: (n: number) => void = () => undefined,
  ) {}

  async check() {
    return { status: 'SUCCEEDED' as const };
  }

  async discover() {
    return { streams: catalog.streams.map((s) => s.stream) };
  }

  async *read(_config: JsonObject, configured: ConfiguredAirbyteCatalog, stateIn: StateMessage[], _context: ConnectorContext): AsyncGenerator<MessageBatch> {
    this.lastRead = { catalog: configured, state: stateIn };
    try {
      for (const step of this.steps) {
        await nextTurn(); // as if each batch came over the network
        if (step instanceof Error) throw step;
        this.yielded++;
        this.onYield(this.yielded);
        yield step;
      }
    } finally {
      // Where a real source releases its connection or cursor.
      this.released = true;
    }
  }
}

/** Keeps what it receives in memory; commits at every STATE and once at the end. */
class MemoryDestination implements Destination<JsonObject> {
  readonly batches: MessageBatch[] = [];
  catalog?: ConfiguredAirbyteCatalog;
  context?: WriteContext;

  constructor(private readonly options: { failAtBatch?: { n: number; error: Error }; loseRecords?: number } = {}) {}

  async check() {
    return { status: 'SUCCEEDED' as const };
  }

  async *write(_config: JsonObject, configured: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, context: WriteContext): AsyncGenerator<DestinationCommit> {
    this.catalog = configured;
    this.context = context;
    let pending: DestinationCommit['stats'] = {};
    for await (const batch of input) {
      this.batches.push(batch);
      if (this.options.failAtBatch?.n === this.batches.length) throw this.options.failAtBatch.error;
      for (const message of batch) {
        if (message.type === 'RECORD') {
          const key = streamKey({ name: message.record.stream, namespace: message.record.namespace });
          const stats = (pending[key] ??= { records: 0, bytes: 0 });
          stats.records++;
          stats.bytes += bytesOf(message);
        } else if (message.type === 'STATE') {
          yield { states: [message], position: { batches: this.batches.length }, stats: pending };
          pending = {};
        }
      }
    }
    for (const [key, stats] of Object.entries(pending)) {
      if (this.options.loseRecords) pending[key] = { ...stats, records: stats.records - this.options.loseRecords };
    }
    yield { states: [], position: { batches: this.batches.length, done: true }, stats: pending };
  }

  records(): RecordMessage[] {
    return this.batches.flat().filter((m): m is RecordMessage => m.type === 'RECORD');
  }
}

class RecordingLogger implements ConnectorLogger {
  readonly entries: { level: 'debug' | 'info' | 'warn' | 'error'; message: string }[] = [];
  debug(message: string) {
    this.entries.push({ level: 'debug', message });
  }
  info(message: string) {
    this.entries.push({ level: 'info', message });
  }
  warn(message: string) {
    this.entries.push({ level: 'warn', message });
  }
  error(message: string) {
    this.entries.push({ level: 'error', message });
  }
}

function replication(source: Source<JsonObject>, destination: Destination<JsonObject>, overrides: Partial<ReplicationInput> = {}) {
  const commits: ReplicationCommit[] = [];
  const progress: ReplicationProgress[] = [];
  const logger = new RecordingLogger();
  const input: ReplicationInput = {
    source,
    sourceConfig: { host: 'src' },
    destination,
    destinationConfig: { path: '/tmp/out' },
    catalog,
    sourceState: [],
    mapping: { namespace: { type: 'source' }, prefix: '' },
    syncId: 'job-1',
    signal: new AbortController().signal,
    logger,
    onCommit: async (commit) => {
      commits.push(commit);
    },
    onProgress: (p) => progress.push(structuredClone(p)),
    ...overrides,
  };
  return { input, commits, progress, logger };
}

describe('runReplication', () => {
  it('moves records in the source batches and hands every destination commit to onCommit', async () => {
    const batch1 = [user(1), user(2), event(1), state('users', 2, 'public')];
    const batch2 = [user(3), state('events', 1)];
    const source = new ScriptedSource([batch1, batch2]);
    const destination = new MemoryDestination();
    const sourceState = [state('users', 0, 'public')];
    const { input, commits } = replication(source, destination, { sourceState, resumePosition: { offset: 7 } });

    const summary = await runReplication(input);

    expect(destination.batches).toEqual([batch1, batch2]);
    expect(source.lastRead).toEqual({ catalog, state: sourceState });
    expect(destination.catalog).toEqual(catalog);
    expect(destination.context).toMatchObject({ syncId: 'job-1', resumePosition: { offset: 7 } });
    expect(commits).toEqual([
      {
        states: [state('users', 2, 'public')],
        position: { batches: 1 },
        stats: [
          { stream: { name: 'users', namespace: 'public' }, records: 2, bytes: bytesOf(user(1)) + bytesOf(user(2)) },
          { stream: { name: 'events' }, records: 1, bytes: bytesOf(event(1)) },
        ],
        quarantined: [],
      },
      { states: [state('events', 1)], position: { batches: 2 }, stats: [{ stream: { name: 'users', namespace: 'public' }, records: 1, bytes: bytesOf(user(3)) }], quarantined: [] },
      { states: [], position: { batches: 2, done: true }, stats: [], quarantined: [] },
    ]);
    expect(summary).toEqual({
      recordsEmitted: 4,
      recordsCommitted: 4,
      bytesCommitted: [user(1), user(2), event(1), user(3)].reduce((n, m) => n + bytesOf(m), 0),
      commits: 3,
    });
    expect(source.released).toBe(true);
  });

  it('keeps the source reading while a commit is persisted, and persists commits in order', async () => {
    const order: string[] = [];
    const source = new ScriptedSource([[user(1), state('users', 1, 'public')], [user(2), state('users', 2, 'public')]], (n) => order.push(`read ${n}`));
    const { input } = replication(source, new MemoryDestination(), {
      onCommit: async (commit) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`commit ${commit.states.map((s) => JSON.stringify(s.state.stream?.stream_state)).join() || 'final'}`);
      },
    });
    await runReplication(input);
    expect(order).toEqual(['read 1', 'read 2', 'commit {"cursor":1}', 'commit {"cursor":2}', 'commit final']);
  });

  it('renames streams for the destination and keys commit stats by source stream', async () => {
    const source = new ScriptedSource([[user(1), event(1), event(2), state('users', 1, 'public')]]);
    const destination = new MemoryDestination();
    const { input, commits } = replication(source, destination, { mapping: { namespace: { type: 'custom', format: 'warehouse' }, prefix: 'raw_' } });

    await runReplication(input);

    expect(destination.catalog!.streams.map((s) => [s.stream.namespace, s.stream.name, s.destination_sync_mode, s.stream.json_schema])).toEqual([
      ['warehouse', 'raw_users', 'append_dedup', catalog.streams[0]!.stream.json_schema],
      ['warehouse', 'raw_events', 'overwrite', catalog.streams[1]!.stream.json_schema],
    ]);
    expect(destination.records().map((m) => [m.record.namespace, m.record.stream, m.record.data])).toEqual([
      ['warehouse', 'raw_users', { id: 1 }],
      ['warehouse', 'raw_events', { id: 1 }],
      ['warehouse', 'raw_events', { id: 2 }],
    ]);
    // The source keeps speaking its own names: states pass through unchanged.
    expect(commits[0]!.states).toEqual([state('users', 1, 'public')]);
    expect(commits[0]!.stats.map((s) => [s.stream, s.records])).toEqual([
      [{ name: 'users', namespace: 'public' }, 1],
      [{ name: 'events' }, 2],
    ]);
    // The caller's catalog is left as it was.
    expect(catalog.streams[0]!.stream.name).toBe('users');
  });

  it('drops the source namespace entirely under the destination namespace mapping', async () => {
    const source = new ScriptedSource([[user(1), state('users', 1, 'public')]]);
    const destination = new MemoryDestination();
    const { input } = replication(source, destination, { mapping: { namespace: { type: 'destination' }, prefix: '' } });

    await runReplication(input);

    expect(destination.catalog!.streams.map((s) => s.stream)).toEqual([
      expect.not.objectContaining({ namespace: expect.anything() }),
      expect.not.objectContaining({ namespace: expect.anything() }),
    ]);
    expect(destination.catalog!.streams.map((s) => 'namespace' in s.stream)).toEqual([false, false]);
    expect(destination.records().map((m) => ['namespace' in m.record, m.record.stream])).toEqual([[false, 'users']]);
  });

  it('stores a config the source asks to keep before reading any further', async () => {
    const order: string[] = [];
    const control = { type: 'CONTROL' as const, control: { type: 'CONNECTOR_CONFIG' as const, emitted_at: 1, connectorConfig: { config: { refresh_token: 'rt-1' } } } };
    const source = new ScriptedSource([[user(1), control], [user(2), state('users', 2, 'public')]], (n) => order.push(`read ${n}`));
    const destination = new MemoryDestination();
    const { input } = replication(source, destination, {
      onSourceConfigUpdate: async (config) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(`stored ${JSON.stringify(config)}`);
      },
    });
    await runReplication(input);
    expect(order.slice(0, 3)).toEqual(['read 1', 'stored {"refresh_token":"rt-1"}', 'read 2']);
    // Control messages are the platform's business: the destination never sees them.
    expect(destination.batches.flat().some((m) => m.type === 'CONTROL')).toBe(false);
  });

  it('drops records of unselected streams with a single warning', async () => {
    const audit = (id: number) => record('audit', id, 'public');
    const source = new ScriptedSource([[audit(1), user(1), audit(2)], [audit(3)], [event(1), state('events', 1)]]);
    const destination = new MemoryDestination();
    const { input, logger } = replication(source, destination);

    const summary = await runReplication(input);

    expect(destination.records().map((m) => m.record.stream)).toEqual(['users', 'events']);
    // A batch with nothing left to forward is not forwarded at all.
    expect(destination.batches).toHaveLength(2);
    expect(logger.entries.filter((e) => e.level === 'warn')).toEqual([
      { level: 'warn', message: 'source emitted records of stream "public.audit" which is not selected; they are skipped' },
    ]);
    expect(summary).toMatchObject({ recordsEmitted: 2, recordsCommitted: 2 });
  });

  it('routes connector LOG messages to the logger at their level and keeps them from the destination', async () => {
    const levels: LogLevel[] = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'];
    const source = new ScriptedSource([[...levels.map((level) => log(level, `a ${level} line`)), user(1)]]);
    const destination = new MemoryDestination();
    const { input, logger } = replication(source, destination);

    await runReplication(input);

    expect(logger.entries).toEqual([
      { level: 'error', message: 'a FATAL line' },
      { level: 'error', message: 'a ERROR line' },
      { level: 'warn', message: 'a WARN line' },
      { level: 'info', message: 'a INFO line' },
      { level: 'debug', message: 'a DEBUG line' },
      { level: 'debug', message: 'a TRACE line' },
    ]);
    expect(destination.batches).toEqual([[user(1)]]);
  });

  it('logs stream status traces', async () => {
    const source = new ScriptedSource([[user(1), trace({ type: 'STREAM_STATUS', stream_status: { stream_descriptor: { name: 'users', namespace: 'public' }, status: 'COMPLETE' } })]]);
    const { input, logger } = replication(source, new MemoryDestination());
    await runReplication(input);
    expect(logger.entries).toEqual([{ level: 'info', message: 'stream public.users: complete' }]);
  });

  it('reports progress totals and estimates after each forwarded batch', async () => {
    const source = new ScriptedSource([
      [trace({ type: 'ESTIMATE', estimate: { name: 'users', namespace: 'public', type: 'STREAM', row_estimate: 100 } }), user(1), user(2), event(1)],
      [log('INFO', 'nothing to forward')],
      [user(3), state('users', 3, 'public')],
    ]);
    const { input, progress } = replication(source, new MemoryDestination());

    await runReplication(input);

    expect(progress).toEqual([
      { recordsEmitted: { 'public.users': 2, events: 1 }, totalRecordsEmitted: 3, estimates: { 'public.users': 100 } },
      { recordsEmitted: { 'public.users': 3, events: 1 }, totalRecordsEmitted: 4, estimates: { 'public.users': 100 } },
    ]);
  });

  it('fails with the failure type of a TRACE ERROR and releases the source', async () => {
    const source = new ScriptedSource([
      [user(1), state('users', 1, 'public')],
      [trace({ type: 'ERROR', error: { message: 'password authentication failed for user "etl"', failure_type: 'config_error' } })],
      [user(2)],
    ]);
    const { input, commits } = replication(source, new MemoryDestination());

    const error = await runReplication(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ failureType: 'config_error', message: expect.stringContaining('password authentication failed for user "etl"') });
    expect(error).toBeInstanceOf(ReplicationError);
    expect((error as ReplicationError).origin).toBe('source');
    expect(commits.map((c) => c.states)).toEqual([[state('users', 1, 'public')]]);
    expect(source.yielded).toBe(2);
    expect(source.released).toBe(true);
  });

  it('treats a TRACE ERROR without failure type as a system error', async () => {
    const source = new ScriptedSource([[trace({ type: 'ERROR', error: { message: 'unexpected' } })]]);
    const { input } = replication(source, new MemoryDestination());
    await expect(runReplication(input)).rejects.toMatchObject({ failureType: 'system_error', origin: 'source' });
  });

  it("surfaces a source error as the source's, with its failure type and cause", async () => {
    const cause = new TransientError('connection reset by peer');
    const source = new ScriptedSource([[user(1), state('users', 1, 'public')], cause]);
    const { input, commits } = replication(source, new MemoryDestination());

    const error = await runReplication(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReplicationError);
    expect(error).toMatchObject({ origin: 'source', failureType: 'transient_error', message: 'Source: connection reset by peer', cause });
    expect(commits).toHaveLength(1);
    expect(source.released).toBe(true);
  });

  it('calls an unclassified source error a system error', async () => {
    const source = new ScriptedSource([new Error('undefined is not a function')]);
    const { input } = replication(source, new MemoryDestination());
    await expect(runReplication(input)).rejects.toMatchObject({ origin: 'source', failureType: 'system_error', message: 'Source: undefined is not a function' });
  });

  it("surfaces a destination error as the destination's and releases the source", async () => {
    const source = new ScriptedSource([[user(1)], [user(2)], [user(3)], [user(4)]]);
    const destination = new MemoryDestination({ failAtBatch: { n: 2, error: new ConfigError('permission denied on schema "warehouse"') } });
    const { input } = replication(source, destination);

    const error = await runReplication(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ReplicationError);
    expect(error).toMatchObject({ origin: 'destination', failureType: 'config_error', message: 'Destination: permission denied on schema "warehouse"' });
    // The batch it failed on, and at most one more read ahead.
    expect(source.yielded).toBeGreaterThanOrEqual(2);
    expect(source.yielded).toBeLessThanOrEqual(3);
    expect(source.released).toBe(true);
  });

  // The destination contract does not oblige a destination to close its input; the engine says it
  // closes the source "whatever the outcome", so it must not rely on the destination to do it.
  it('releases the source when a destination that pulls its input by hand fails', async () => {
    const source = new ScriptedSource([[user(1)], [user(2)], [user(3)]]);
    const destination: Destination<JsonObject> = {
      check: async () => ({ status: 'SUCCEEDED' }),
      // eslint-disable-next-line require-yield
      async *write(_config, _catalog, input) {
        const batches = input[Symbol.asyncIterator]();
        await batches.next();
        throw new Error('flush failed: disk full');
      },
    };
    const { input } = replication(source, destination);

    await expect(runReplication(input)).rejects.toMatchObject({ origin: 'destination', message: 'Destination: flush failed: disk full' });
    expect(source.released).toBe(true);
  });

  it('stops on abort, rejects with the abort reason and releases the source', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    function* endless(): Generator<MessageBatch> {
      for (let n = 1; ; n++) yield [user(n), state('users', n, 'public')];
    }
    const source = new ScriptedSource(endless());
    const { input, commits } = replication(source, new MemoryDestination(), {
      signal: controller.signal,
      onCommit: async (commit) => {
        commits.push(commit);
        if (commits.length === 2) controller.abort(reason);
      },
    });

    await expect(runReplication(input)).rejects.toBe(reason);
    expect(commits).toHaveLength(2);
    // Read ahead while the second commit was persisted, never handed on.
    expect(source.yielded).toBeLessThanOrEqual(3);
    expect(source.released).toBe(true);
  });

  it('fails loudly when the destination commits fewer records than the source emitted', async () => {
    const source = new ScriptedSource([[user(1), user(2), event(1)]]);
    const { input } = replication(source, new MemoryDestination({ loseRecords: 1 }));

    const error = await runReplication(input).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(SystemError);
    expect(error).toMatchObject({ failureType: 'system_error', message: 'the destination committed 1 records but was sent 3' });
  });
});
