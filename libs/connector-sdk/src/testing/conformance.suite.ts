// The conformance suite: what every connector must do, whoever wrote it and whatever it talks to.
// Framework-neutral: `ConformanceSuite.checks(kind)` names the checks up front (test runners
// declare tests before running them), `run(name)` runs one and throws a ConformanceFailure with a
// sentence when it fails. The CLI (`tributary connector test`) and Jest both drive it.
import {
  type AirbyteCatalog,
  type AirbyteStream,
  assertValidSchema,
  type ConfiguredAirbyteCatalog,
  type ConnectorManifest,
  formatIssues,
  type JsonObject,
  type ProtocolMessage,
  type RecordMessage,
  type StateMessage,
  streamKey,
  validateAgainstSchema,
} from '@tributary/protocol';
import type { ConnectorContext, ConnectorImplementation, ConnectorLogger, Destination, MessageBatch, Source } from '../connector';
import type { ConformanceEnvironment, ConformanceFixture } from './conformance.fixture';
import { activeResources, leakedResourcesSince } from './open-resources';

export const SOURCE_CHECKS = [
  'spec is a valid JSON Schema',
  'check with a bad config returns FAILED with a message',
  'check with the good config succeeds',
  'discover returns a valid catalog',
  'read emits records valid against the discovered schema',
  'a second incremental read re-emits nothing older than the cursor',
  'state round-trips',
  'no resources left open after a successful read',
  'no resources left open after a failed read',
  'no resources left open after a cancelled read',
] as const;

export const DESTINATION_CHECKS = [
  'spec is a valid JSON Schema',
  'check with a bad config returns FAILED with a message',
  'check with the good config succeeds',
  'write commits every state in order',
  'no resources left open after a successful write',
  'no resources left open after a failed write',
  'no resources left open after a cancelled write',
] as const;

export interface ConnectorUnderTest {
  manifest: ConnectorManifest;
  implementation: ConnectorImplementation;
}

export class ConformanceFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConformanceFailure';
  }
}

export interface CheckOutcome {
  status: 'passed' | 'skipped';
  note?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

export class ConformanceSuite {
  private catalogCache: Promise<AirbyteCatalog> | undefined;
  private firstRead: Promise<ReadResult> | undefined;
  readonly logs: string[] = [];

  private constructor(
    readonly target: ConnectorUnderTest,
    private readonly fixture: ConformanceFixture,
    private readonly environment: ConformanceEnvironment,
  ) {}

  static checks(kind: 'source' | 'destination'): readonly string[] {
    return kind === 'source' ? SOURCE_CHECKS : DESTINATION_CHECKS;
  }

  /** Runs the fixture's setup. Close the suite afterwards. */
  static async start(target: ConnectorUnderTest, fixture: ConformanceFixture): Promise<ConformanceSuite> {
    if (target.implementation.kind !== target.manifest.kind) throw new ConformanceFailure(`the manifest says ${target.manifest.kind}, the implementation is a ${target.implementation.kind}`);
    const environment = (await fixture.setup?.()) ?? {};
    return new ConformanceSuite(target, fixture, environment);
  }

  async close(): Promise<void> {
    await this.environment.teardown?.();
  }

  get timeoutMs(): number {
    return this.fixture.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async run(name: string): Promise<CheckOutcome> {
    const skip = this.fixture.skip?.[name];
    if (skip) return { status: 'skipped', note: skip };
    const kind = this.target.manifest.kind;
    if (!ConformanceSuite.checks(kind).includes(name)) throw new Error(`no check "${name}" for a ${kind}`);
    const outcome = await this.dispatch(name);
    return outcome ?? { status: 'passed' };
  }

  private dispatch(name: string): Promise<CheckOutcome | void> {
    switch (name) {
      case 'spec is a valid JSON Schema':
        return this.checkSpec();
      case 'check with a bad config returns FAILED with a message':
        return this.checkBadConfig();
      case 'check with the good config succeeds':
        return this.checkGoodConfig();
      case 'discover returns a valid catalog':
        return this.checkDiscover();
      case 'read emits records valid against the discovered schema':
        return this.checkRecords();
      case 'a second incremental read re-emits nothing older than the cursor':
        return this.checkIncremental();
      case 'state round-trips':
        return this.checkStateRoundTrip();
      case 'no resources left open after a successful read':
        return this.checkLeaks(async () => void (await this.read(this.config(), this.fullRefreshCatalog(await this.catalog()), [])));
      case 'no resources left open after a failed read':
        return this.checkLeaks(async () => {
          await this.read(this.badConfig(), this.fullRefreshCatalog(await this.catalog()), []).catch(() => undefined);
        });
      case 'no resources left open after a cancelled read':
        return this.checkCancelledRead();
      case 'write commits every state in order':
        return this.checkWrite();
      case 'no resources left open after a successful write':
        return this.checkLeaks(async () => void (await this.write(syntheticInput(10))));
      case 'no resources left open after a failed write':
        return this.checkLeaks(async () => {
          const failure = await this.write(syntheticInput(6, new Error('the source failed'))).then(
            () => undefined,
            (error: unknown) => error,
          );
          if (!failure) throw new ConformanceFailure('write succeeded although its input failed: the error must reach the platform');
        });
      case 'no resources left open after a cancelled write':
        return this.checkCancelledWrite();
      default:
        throw new Error(`no check "${name}"`);
    }
  }

  // ——— shared by sources and destinations ———

  private async checkSpec(): Promise<void> {
    const schema = this.target.manifest.spec.connectionSpecification;
    try {
      assertValidSchema(schema);
    } catch (error) {
      throw new ConformanceFailure(`the spec's connectionSpecification ${(error as Error).message}`);
    }
    if (schema.type !== 'object') throw new ConformanceFailure('the spec must describe an object (type: "object")');
    const issues = validateAgainstSchema(schema, this.config());
    if (issues.length) throw new ConformanceFailure(`the fixture's good config does not match the spec: ${formatIssues(issues)}`);
  }

  private async checkBadConfig(): Promise<void> {
    const status = await this.timed('check', (context) => this.connector().check(this.badConfig(), context)).catch((error: unknown) => {
      throw new ConformanceFailure(`check threw instead of returning FAILED: ${(error as Error).message}`);
    });
    if (status.status !== 'FAILED') throw new ConformanceFailure(`check returned ${status.status} for the bad config`);
    if (!status.message?.trim()) throw new ConformanceFailure('check returned FAILED without a message saying what is wrong');
  }

  private async checkGoodConfig(): Promise<void> {
    const status = await this.timed('check', (context) => this.connector().check(this.config(), context));
    if (status.status !== 'SUCCEEDED') throw new ConformanceFailure(`check failed for the good config: ${status.message ?? '(no message)'}`);
  }

  // ——— sources ———

  private async checkDiscover(): Promise<void> {
    const catalog = await this.catalog();
    if (!Array.isArray(catalog.streams) || catalog.streams.length === 0) throw new ConformanceFailure('discover returned no streams');
    const seen = new Set<string>();
    for (const stream of catalog.streams) {
      const key = streamKey(stream);
      if (!stream.name) throw new ConformanceFailure('a stream has no name');
      if (seen.has(key)) throw new ConformanceFailure(`stream "${key}" appears twice`);
      seen.add(key);
      try {
        assertValidSchema(stream.json_schema);
      } catch (error) {
        throw new ConformanceFailure(`stream "${key}": json_schema ${(error as Error).message}`);
      }
      if (!stream.supported_sync_modes?.length) throw new ConformanceFailure(`stream "${key}" lists no supported_sync_modes`);
      const properties = (stream.json_schema.properties ?? {}) as JsonObject;
      for (const path of [stream.default_cursor_field ?? [], ...(stream.source_defined_primary_key ?? [])]) {
        if (path.length && !(path[0]! in properties)) throw new ConformanceFailure(`stream "${key}": field "${path.join('.')}" (cursor or primary key) is not in its schema`);
      }
      if (stream.supported_sync_modes.includes('incremental') && !stream.source_defined_cursor && !stream.default_cursor_field?.length) {
        throw new ConformanceFailure(`stream "${key}" supports incremental but names no default_cursor_field`);
      }
    }
  }

  private async checkRecords(): Promise<void> {
    const { messages } = await this.fullRead();
    const catalog = await this.catalog();
    const streams = new Map(this.selected(catalog).map((s) => [streamKey(s), s]));
    let records = 0;
    for (const message of messages) {
      if (message.type !== 'RECORD') continue;
      records++;
      const key = streamKey({ name: message.record.stream, namespace: message.record.namespace });
      const stream = streams.get(key);
      if (!stream) throw new ConformanceFailure(`a record of stream "${key}", which is not in the configured catalog`);
      if (!Number.isFinite(message.record.emitted_at)) throw new ConformanceFailure(`a record of "${key}" has no numeric emitted_at`);
      const issues = validateAgainstSchema(stream.json_schema, message.record.data);
      if (issues.length) throw new ConformanceFailure(`a record of "${key}" does not match the discovered schema: ${formatIssues(issues)} — ${JSON.stringify(message.record.data).slice(0, 300)}`);
    }
    if (records === 0) throw new ConformanceFailure('the read emitted no records: give the fixture a config with data');
  }

  private async checkIncremental(): Promise<CheckOutcome | void> {
    const catalog = this.incrementalCatalog(await this.catalog());
    if (!catalog.streams.length) return { status: 'skipped', note: 'no stream supports incremental sync with a cursor' };
    const first = await this.read(this.config(), catalog, []);
    const highest = new Map<string, unknown>();
    for (const record of first.records) {
      const configured = findConfigured(catalog, record);
      const value = cursorValue(record, configured.cursor_field ?? []);
      const key = streamKey({ name: record.record.stream, namespace: record.record.namespace });
      if (value !== undefined && (highest.get(key) === undefined || compareCursor(value, highest.get(key)) > 0)) highest.set(key, value);
    }
    if (!first.states.length) throw new ConformanceFailure('an incremental read emitted no STATE message');
    const second = await this.read(this.config(), catalog, lastStates(first.states));
    for (const record of second.records) {
      const configured = findConfigured(catalog, record);
      const key = streamKey({ name: record.record.stream, namespace: record.record.namespace });
      const value = cursorValue(record, configured.cursor_field ?? []);
      const max = highest.get(key);
      if (max !== undefined && value !== undefined && compareCursor(value, max) < 0) {
        throw new ConformanceFailure(`the second read of "${key}" re-emitted a record with cursor ${JSON.stringify(value)}, older than ${JSON.stringify(max)} reached by the first`);
      }
    }
  }

  private async checkStateRoundTrip(): Promise<CheckOutcome | void> {
    const catalog = this.incrementalCatalog(await this.catalog());
    const readCatalog = catalog.streams.length ? catalog : this.fullRefreshCatalog(await this.catalog());
    const first = await this.read(this.config(), readCatalog, []);
    if (!first.states.length) throw new ConformanceFailure('the read emitted no STATE message: the platform could never checkpoint it');
    for (const state of first.states) {
      const copy = JSON.parse(JSON.stringify(state)) as StateMessage;
      if (!deepEqual(copy, state)) throw new ConformanceFailure(`a STATE message does not survive JSON serialisation: ${JSON.stringify(state).slice(0, 300)}`);
      if (!state.state.type || state.state.type === 'STREAM') {
        if (!state.state.stream?.stream_descriptor?.name) throw new ConformanceFailure('a per-stream STATE message lacks stream.stream_descriptor.name');
      }
    }
    const restored = lastStates(first.states).map((s) => JSON.parse(JSON.stringify(s)) as StateMessage);
    const second = await this.read(this.config(), readCatalog, restored);
    const before = new Set(restored.map(stateKey));
    const after = new Set(second.states.map(stateKey));
    for (const key of before) {
      if (!after.has(key)) throw new ConformanceFailure(`reading from the saved state emitted no state for "${key}": its position would be lost`);
    }
  }

  private async checkCancelledRead(): Promise<void> {
    const catalog = this.fullRefreshCatalog(await this.catalog());
    await this.checkLeaks(async () => {
      const controller = new AbortController();
      const context = this.context(controller.signal);
      const run = (async () => {
        for await (const batch of this.source().read(this.config(), catalog, [], context)) {
          if (batch.length) controller.abort(new Error('cancelled by the conformance suite'));
        }
      })();
      await withTimeout(
        run.catch(() => undefined),
        this.timeoutMs,
        'a cancelled read did not stop',
      );
    });
  }

  // ——— destinations ———

  private async checkWrite(): Promise<void> {
    const commits = await this.write(syntheticInput(10));
    const states = commits.flatMap((c) => c.states.map((s) => s.state.stream?.stream_state?.position));
    if (JSON.stringify(states) !== JSON.stringify([5, 10])) throw new ConformanceFailure(`the commits covered states ${JSON.stringify(states)}, expected [5,10] in order`);
    const records = commits.reduce((sum, c) => sum + Object.values(c.stats).reduce((n, s) => n + s.records, 0), 0);
    if (records !== 0 && records !== 10) throw new ConformanceFailure(`the commits report ${records} records; 10 were written`);
  }

  private async checkCancelledWrite(): Promise<void> {
    await this.checkLeaks(async () => {
      const controller = new AbortController();
      const input = (async function* (): AsyncGenerator<MessageBatch> {
        yield syntheticBatch(1, 5);
        controller.abort(new Error('cancelled by the conformance suite'));
        // A cancelled platform stops feeding input; the destination must stop on the signal.
        await new Promise((resolve) => setTimeout(resolve, 50));
      })();
      const run = (async () => {
        for await (const _ of this.destination().write(this.config(), SYNTHETIC_CATALOG, input, { ...this.context(controller.signal), syncId: `conformance-${Date.now()}` })) void _;
      })();
      await withTimeout(
        run.catch(() => undefined),
        this.timeoutMs,
        'a cancelled write did not stop',
      );
    });
  }

  private async write(input: AsyncIterable<MessageBatch>): Promise<{ states: StateMessage[]; stats: Record<string, { records: number; bytes: number }> }[]> {
    return this.timed('write', async (context) => {
      const commits = [];
      for await (const commit of this.destination().write(this.config(), SYNTHETIC_CATALOG, input, { ...context, syncId: `conformance-${Date.now()}` })) commits.push(commit);
      return commits;
    });
  }

  // ——— plumbing ———

  private async checkLeaks(operation: () => Promise<void>): Promise<void> {
    const before = activeResources();
    await operation();
    const leaked = await leakedResourcesSince(before, 3000);
    if (Object.keys(leaked).length) {
      throw new ConformanceFailure(`resources still open afterwards: ${Object.entries(leaked).map(([type, n]) => `${n} × ${type}`).join(', ')} (close sockets, pools, child processes and timers in a finally)`);
    }
  }

  private catalog(): Promise<AirbyteCatalog> {
    this.catalogCache ??= this.timed('discover', (context) => this.source().discover(this.config(), context));
    return this.catalogCache;
  }

  private fullRead(): Promise<ReadResult> {
    this.firstRead ??= this.catalog().then((catalog) => this.read(this.config(), this.fullRefreshCatalog(catalog), []));
    return this.firstRead;
  }

  private read(config: JsonObject, catalog: ConfiguredAirbyteCatalog, state: StateMessage[]): Promise<ReadResult> {
    return this.timed('read', async (context) => {
      const messages: ProtocolMessage[] = [];
      for await (const batch of this.source().read(config, catalog, state, context)) messages.push(...batch);
      return {
        messages,
        records: messages.filter((m): m is RecordMessage => m.type === 'RECORD'),
        states: messages.filter((m): m is StateMessage => m.type === 'STATE'),
      };
    });
  }

  private selected(catalog: AirbyteCatalog): AirbyteStream[] {
    const wanted = this.fixture.streams;
    if (!wanted) return catalog.streams;
    const streams = catalog.streams.filter((s) => wanted.includes(s.name));
    if (streams.length !== wanted.length) throw new ConformanceFailure(`the fixture names streams ${wanted.join(', ')}; discover offers ${catalog.streams.map((s) => s.name).join(', ')}`);
    return streams;
  }

  private fullRefreshCatalog(catalog: AirbyteCatalog): ConfiguredAirbyteCatalog {
    return {
      streams: this.selected(catalog).map((stream) => ({
        stream,
        sync_mode: stream.supported_sync_modes.includes('full_refresh') ? 'full_refresh' : 'incremental',
        destination_sync_mode: 'overwrite',
        ...(stream.supported_sync_modes.includes('full_refresh') ? {} : { cursor_field: stream.default_cursor_field }),
      })),
    };
  }

  private incrementalCatalog(catalog: AirbyteCatalog): ConfiguredAirbyteCatalog {
    return {
      streams: this.selected(catalog)
        .filter((stream) => stream.supported_sync_modes.includes('incremental') && stream.default_cursor_field?.length)
        .map((stream) => ({ stream, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: stream.default_cursor_field })),
    };
  }

  private config(): JsonObject {
    const config = this.environment.config ?? this.fixture.config;
    if (!config) throw new ConformanceFailure('the fixture has no good config (config, or setup() returning one)');
    return config;
  }

  private badConfig(): JsonObject {
    const config = this.environment.badConfig ?? this.fixture.badConfig;
    if (!config) throw new ConformanceFailure('the fixture has no bad config (badConfig, or setup() returning one)');
    return config;
  }

  private connector(): Source<JsonObject> | Destination<JsonObject> {
    return this.target.implementation.create();
  }

  private source(): Source<JsonObject> {
    const implementation = this.target.implementation;
    if (implementation.kind !== 'source') throw new Error('not a source');
    return implementation.create();
  }

  private destination(): Destination<JsonObject> {
    const implementation = this.target.implementation;
    if (implementation.kind !== 'destination') throw new Error('not a destination');
    return implementation.create();
  }

  private context(signal: AbortSignal): ConnectorContext {
    const logs = this.logs;
    const log = (level: string) => (message: string) => {
      logs.push(`${level}: ${message}`);
      if (logs.length > 200) logs.shift();
    };
    const logger: ConnectorLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
    return { logger, signal };
  }

  /** Runs an operation with a deadline: past it the signal aborts and the check fails. */
  private async timed<T>(operation: string, work: (context: ConnectorContext) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new ConformanceFailure(`${operation} did not finish within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
    try {
      return await Promise.race([
        work(this.context(controller.signal)),
        new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true })),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

interface ReadResult {
  messages: ProtocolMessage[];
  records: RecordMessage[];
  states: StateMessage[];
}

const SYNTHETIC_CATALOG: ConfiguredAirbyteCatalog = {
  streams: [
    {
      stream: {
        name: 'conformance_items',
        json_schema: {
          type: 'object',
          properties: { id: { type: 'integer' }, name: { type: 'string' }, updated_at: { type: 'string', format: 'date-time' }, tags: { type: 'array', items: { type: 'string' } } },
        },
        supported_sync_modes: ['full_refresh', 'incremental'],
        source_defined_primary_key: [['id']],
        default_cursor_field: ['updated_at'],
      },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
      cursor_field: ['updated_at'],
      primary_key: [['id']],
    },
  ],
};

function syntheticBatch(from: number, to: number): MessageBatch {
  const batch: MessageBatch = [];
  for (let id = from; id <= to; id++) {
    batch.push({ type: 'RECORD', record: { stream: 'conformance_items', data: { id, name: `item ${id}`, updated_at: new Date(Date.UTC(2024, 0, id)).toISOString(), tags: ['a'] }, emitted_at: Date.now() } });
  }
  batch.push({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'conformance_items' }, stream_state: { position: to } } } });
  return batch;
}

async function* syntheticInput(count: number, failWith?: Error): AsyncGenerator<MessageBatch> {
  for (let from = 1; from <= count; from += 5) {
    yield syntheticBatch(from, Math.min(count, from + 4));
    if (failWith) throw failWith;
  }
}

function findConfigured(catalog: ConfiguredAirbyteCatalog, record: RecordMessage) {
  const key = streamKey({ name: record.record.stream, namespace: record.record.namespace });
  const configured = catalog.streams.find((s) => streamKey(s.stream) === key);
  if (!configured) throw new ConformanceFailure(`a record of stream "${key}", which is not in the configured catalog`);
  return configured;
}

function cursorValue(record: RecordMessage, path: string[]): unknown {
  let value: unknown = record.record.data;
  for (const part of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  return value ?? undefined;
}

/** Numbers numerically, date-times as instants, anything else as text. */
export function compareCursor(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') {
    const [da, db] = [Date.parse(a), Date.parse(b)];
    if (!Number.isNaN(da) && !Number.isNaN(db) && /^\d{4}-\d{2}-\d{2}/.test(a) && /^\d{4}-\d{2}-\d{2}/.test(b)) return da - db;
  }
  return String(a).localeCompare(String(b));
}

function stateKey(state: StateMessage): string {
  if (state.state.type === 'GLOBAL') return '(global)';
  if (state.state.type === 'LEGACY') return '(legacy)';
  return state.state.stream ? streamKey(state.state.stream.stream_descriptor) : '(unknown)';
}

/** The last state of each stream (or the last global/legacy state): what the platform would hand back. */
function lastStates(states: StateMessage[]): StateMessage[] {
  const byKey = new Map<string, StateMessage>();
  for (const state of states) byKey.set(stateKey(state), state);
  return [...byKey.values()];
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => x.localeCompare(y))
      .map(([k, v]) => [k, sortKeys(v)]),
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new ConformanceFailure(`${message} within ${ms / 1000} s`)), ms)))]).finally(() => clearTimeout(timer));
}
