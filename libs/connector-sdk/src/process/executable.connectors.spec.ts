// ExecutableSource and ExecutableDestination against a real child process speaking the protocol
// (fixtures/protocol-connector.js): messages, batching, files, logs, malformed lines, failures
// with the connector's own words, cancellation and timeouts that leave no process behind.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfiguredAirbyteCatalog, ProtocolMessage, StateMessage } from '@tributary/protocol';
import type { ConnectorLogger, MessageBatch } from '../connector';
import { activeResources, leakedResourcesSince } from '../testing/open-resources';
import { ExecutableDestination } from './executable.destination';
import type { ExecutableDefinition } from './executable.definition';
import { ExecutableSource } from './executable.source';
import { parseProtocolLine } from './protocol-line.parser';

const FIXTURE: ExecutableDefinition = { command: process.execPath, args: [join(__dirname, 'fixtures', 'protocol-connector.js')] };

interface Logged {
  level: string;
  message: string;
}

function context(signal = new AbortController().signal) {
  const logs: Logged[] = [];
  const logger: ConnectorLogger = {
    debug: (message) => void logs.push({ level: 'debug', message }),
    info: (message) => void logs.push({ level: 'info', message }),
    warn: (message) => void logs.push({ level: 'warn', message }),
    error: (message) => void logs.push({ level: 'error', message }),
  };
  return { logs, context: { logger, signal } };
}

const CATALOG: ConfiguredAirbyteCatalog = {
  streams: [{ stream: { name: 'items', json_schema: {}, supported_sync_modes: ['incremental'] }, sync_mode: 'incremental', destination_sync_mode: 'append', cursor_field: ['n'] }],
};

async function collect(iterable: AsyncIterable<MessageBatch>): Promise<{ batches: MessageBatch[]; messages: ProtocolMessage[] }> {
  const batches: MessageBatch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return { batches, messages: batches.flat() };
}

describe('ExecutableSource', () => {
  const source = new ExecutableSource(FIXTURE, { killGraceMs: 500 });

  it('runs spec, normalising the draft-07 schema to 2020-12 and reporting the banner line', async () => {
    const { logs, context: ctx } = context();
    const spec = await source.runner.spec(ctx);
    expect(spec.connectionSpecification).toEqual({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { count: { type: 'integer' } } });
    expect(logs).toContainEqual({ level: 'warn', message: expect.stringContaining('ignored output line 1 (not JSON): Starting up (a banner that is not JSON)') });
  });

  it('checks: SUCCEEDED, FAILED with the message (even with a non-zero exit), and a crash as FAILED with the stderr tail', async () => {
    await expect(source.check({}, context().context)).resolves.toEqual({ status: 'SUCCEEDED' });
    await expect(source.check({ fail: true }, context().context)).resolves.toEqual({ status: 'FAILED', message: 'bad api key' });
    await expect(source.check({ fail: true, exitNonZero: true }, context().context)).resolves.toEqual({ status: 'FAILED', message: 'bad api key' });
    const crashed = await source.check({ crash: true }, context().context);
    expect(crashed).toEqual({ status: 'FAILED', message: expect.stringContaining('exited with code 3; last output: Traceback (most recent call last): | boom: the connector crashed') });
  });

  it('discovers a catalog with 2020-12 stream schemas', async () => {
    const catalog = await source.discover({}, context().context);
    expect(catalog.streams.map((s) => s.name)).toEqual(['items']);
    expect(catalog.streams[0]!.json_schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('reads records and states in batches, logs LOG messages and stderr, reports malformed lines with the line', async () => {
    const { logs, context: ctx } = context();
    const { messages } = await collect(source.read({ count: 5 }, CATALOG, [], ctx));
    expect(messages.filter((m) => m.type === 'RECORD').map((m) => m.type === 'RECORD' && m.record.data.n)).toEqual([1, 2, 3, 4, 5]);
    expect(messages.filter((m) => m.type === 'STATE')).toHaveLength(3);
    expect(logs).toEqual(
      expect.arrayContaining([
        { level: 'info', message: expect.stringMatching(/\(stderr\): reading items$/) },
        { level: 'warn', message: expect.stringMatching(/ignored output line 1 \(not JSON\): this line is not a protocol message$/) },
        { level: 'warn', message: expect.stringMatching(/ignored output line 2 \(a RECORD without stream or data\): \{"type":"RECORD","record":\{"stream":"items"\}\}$/) },
        { level: 'warn', message: 'a warning from the connector' },
      ]),
    );
  });

  it('passes state as a file of state objects and resumes after it', async () => {
    const state: StateMessage[] = [{ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { n: 3 } } } }];
    const { messages } = await collect(source.read({ count: 5 }, CATALOG, state, context().context));
    expect(messages.filter((m) => m.type === 'RECORD').map((m) => m.type === 'RECORD' && m.record.data.n)).toEqual([4, 5]);
  });

  it('fails a read with the TRACE error of the connector, classified by its failure type', async () => {
    await expect(collect(source.read({ count: 2, traceError: true }, CATALOG, [], context().context))).rejects.toMatchObject({
      failureType: 'config_error',
      message: 'The API key was revoked. (401 Unauthorized)',
    });
  });

  it('fails with words when the executable does not exist', async () => {
    const missing = new ExecutableSource({ command: 'tributary-no-such-connector' });
    await expect(missing.discover({}, context().context)).rejects.toMatchObject({ failureType: 'system_error', message: expect.stringContaining('no such executable') });
    await expect(missing.check({}, context().context)).resolves.toEqual({ status: 'FAILED', message: expect.stringContaining('no such executable') });
  });

  it('kills the child when the read is cancelled, rejecting with the reason and leaving nothing running', async () => {
    const before = activeResources();
    const controller = new AbortController();
    const received: ProtocolMessage[] = [];
    const reading = (async () => {
      for await (const batch of source.read({ count: 10, hang: true }, CATALOG, [], context(controller.signal).context)) {
        received.push(...batch);
        if (received.filter((m) => m.type === 'RECORD').length >= 2) controller.abort(new Error('sync cancelled'));
      }
    })();
    await expect(reading).rejects.toThrow('sync cancelled');
    await expect(leakedResourcesSince(before)).resolves.toEqual({});
  });

  it('stops a hanging operation at its timeout with a transient error', async () => {
    const before = activeResources();
    const slow = new ExecutableSource(FIXTURE, { operationMs: 300, killGraceMs: 200 });
    await expect(slow.discover({ hang: true }, context().context)).rejects.toMatchObject({ failureType: 'transient_error', message: expect.stringContaining('did not finish within') });
    await expect(slow.check({ hang: true }, context().context)).resolves.toMatchObject({ status: 'FAILED', message: expect.stringContaining('did not finish within') });
    await expect(leakedResourcesSince(before)).resolves.toEqual({});
  });

  it('kills the child when the consumer stops early', async () => {
    const before = activeResources();
    for await (const batch of source.read({ count: 10, hang: true }, CATALOG, [], context().context)) {
      if (batch.length) break;
    }
    await expect(leakedResourcesSince(before)).resolves.toEqual({});
  });
});

describe('ExecutableDestination', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-exec-dest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const input = (count: number) =>
    (async function* () {
      for (let n = 1; n <= count; n++) {
        const batch: MessageBatch = [{ type: 'RECORD', record: { stream: 'items', data: { n }, emitted_at: Date.now() } }];
        if (n % 2 === 0) batch.push({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'items' }, stream_state: { n } } } });
        yield batch;
      }
    })();

  it('writes through stdin and commits each echoed state with the stats before it, then a final commit', async () => {
    const path = join(dir, 'out.jsonl');
    const destination = new ExecutableDestination(FIXTURE);
    const commits = [];
    for await (const commit of destination.write({ path, ackEveryOther: true }, CATALOG, input(9), { ...context().context, syncId: 'sync-1' })) commits.push(commit);
    // States n=2,4,6,8 are sent; the fixture acknowledges 4 and 8 only, each covering the earlier one.
    expect(commits.map((c) => c.states.map((s) => s.state.stream!.stream_state!.n))).toEqual([[2, 4], [6, 8], []]);
    expect(commits.map((c) => c.stats.items?.records)).toEqual([4, 4, 1]);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(9);
  });

  it('fails with the destination TRACE error', async () => {
    const destination = new ExecutableDestination(FIXTURE);
    const run = async () => {
      for await (const _ of destination.write({ failAfter: 3 }, CATALOG, input(20), { ...context().context, syncId: 's' })) void _;
    };
    await expect(run()).rejects.toMatchObject({ failureType: 'system_error', message: 'disk full' });
  });

  it('stops the child when the input fails, reporting the input error', async () => {
    const before = activeResources();
    const destination = new ExecutableDestination(FIXTURE);
    const broken = (async function* (): AsyncGenerator<MessageBatch> {
      yield [{ type: 'RECORD', record: { stream: 'items', data: { n: 1 }, emitted_at: 1 } }];
      throw new Error('the source broke');
    })();
    const run = async () => {
      for await (const _ of destination.write({}, CATALOG, broken, { ...context().context, syncId: 's' })) void _;
    };
    await expect(run()).rejects.toThrow('the source broke');
    await expect(leakedResourcesSince(before)).resolves.toEqual({});
  });
});

describe('parseProtocolLine', () => {
  it('accepts messages and names what is wrong with the rest', () => {
    expect(parseProtocolLine('{"type":"LOG","log":{"level":"INFO","message":"x"}}')).toEqual({ message: { type: 'LOG', log: { level: 'INFO', message: 'x' } } });
    expect(parseProtocolLine('  ')).toEqual({ empty: true });
    expect(parseProtocolLine('[1]')).toEqual({ malformed: 'not a JSON object' });
    expect(parseProtocolLine('{"type":"NOPE"}')).toEqual({ malformed: 'unknown message type "NOPE"' });
    expect(parseProtocolLine('{"type":"STATE"}')).toEqual({ malformed: 'a STATE message without "state"' });
  });
});
