import { join } from 'node:path';
import { ConfigError, ConnectorRegistry, type ConnectorContext, type MessageBatch } from '@tributary/connector-sdk';
import {
  type ConfiguredAirbyteCatalog,
  type JsonObject,
  type ProtocolMessage,
  type RecordMessage,
  type StateMessage,
  type TraceMessage,
  validateAgainstSchema,
} from '@tributary/protocol';
import { connector } from './index';
import { FakerSource } from './faker.source';
import { purchaseCount } from './purchases.stream';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function context(signal = new AbortController().signal): ConnectorContext {
  return { logger: silent, signal };
}

function catalogOf(...names: string[]): ConfiguredAirbyteCatalog {
  return {
    streams: names.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
      cursor_field: ['updated_at'],
    })),
  };
}

async function readAll(config: JsonObject, streams = ['users', 'purchases'], state: StateMessage[] = [], signal?: AbortSignal): Promise<ProtocolMessage[]> {
  const messages: ProtocolMessage[] = [];
  for await (const batch of new FakerSource().read(config, catalogOf(...streams), state, context(signal))) messages.push(...batch);
  return messages;
}

const records = (messages: ProtocolMessage[], stream: string) =>
  messages.filter((m): m is RecordMessage => m.type === 'RECORD' && m.record.stream === stream).map((m) => m.record.data);
const states = (messages: ProtocolMessage[], stream?: string) =>
  messages.filter((m): m is StateMessage => m.type === 'STATE' && (!stream || m.state.stream?.stream_descriptor.name === stream));
const traces = (messages: ProtocolMessage[]) => messages.filter((m): m is TraceMessage => m.type === 'TRACE').map((m) => m.trace);

describe('FakerSource', () => {
  describe('determinism', () => {
    it('yields identical records for the same seed, across reads', async () => {
      const first = await readAll({ count: 40, seed: 7 });
      const second = await readAll({ count: 40, seed: 7 });
      expect(records(second, 'users')).toEqual(records(first, 'users'));
      expect(records(second, 'purchases')).toEqual(records(first, 'purchases'));
      expect(records(first, 'users')).toHaveLength(40);
    });

    it('yields different records for another seed', async () => {
      const a = records(await readAll({ count: 40, seed: 7 }, ['users']), 'users');
      const b = records(await readAll({ count: 40, seed: 8 }, ['users']), 'users');
      expect(b.map((u) => u.name)).not.toEqual(a.map((u) => u.name));
      expect(b.map((u) => u.updated_at)).not.toEqual(a.map((u) => u.updated_at));
    });

    it('pins the exact data of the default seed, so other machines and versions must agree', async () => {
      const messages = await readAll({ count: 2 });
      expect(records(messages, 'users')[0]).toEqual({
        id: 1,
        name: 'Olga Usman',
        email: 'olga.usman.1@example.com',
        age: 86,
        address: { street: '550 Harbor Road', city: 'Oslo', postal_code: '76250', country_code: 'NO' },
        created_at: '2020-05-19T03:42:26.000Z',
        updated_at: '2020-11-29T00:00:29.000Z',
      });
      expect(records(messages, 'purchases')).toEqual([
        { id: 1, user_id: 2, product: 'Water bottle', amount: 40.72, created_at: '2020-11-17T04:46:44.000Z', updated_at: '2020-11-29T00:01:30.000Z' },
        { id: 2, user_id: 2, product: 'Board game', amount: 35.18, created_at: '2020-11-20T09:36:08.000Z', updated_at: '2020-11-29T00:01:46.000Z' },
        { id: 3, user_id: 2, product: 'Coffee grinder', amount: 70.7, created_at: '2020-11-25T23:46:35.000Z', updated_at: '2020-11-29T00:01:58.000Z' },
      ]);
    });
  });

  describe('data', () => {
    it('emits exactly `count` users and 0 to 3 purchases per user, all matching the stream schemas', async () => {
      const source = new FakerSource();
      const catalog = await source.discover({}, context());
      const messages = await readAll({ count: 103, seed: 3 });
      const users = records(messages, 'users');
      const purchases = records(messages, 'purchases');

      expect(users.map((u) => u.id)).toEqual(Array.from({ length: 103 }, (_, i) => i + 1));
      expect(purchases.map((p) => p.id)).toEqual(Array.from({ length: purchases.length }, (_, i) => i + 1));
      expect(purchases).toHaveLength(purchaseCount(3, 103));
      const perUser = new Map<unknown, number>();
      for (const purchase of purchases) perUser.set(purchase.user_id, (perUser.get(purchase.user_id) ?? 0) + 1);
      expect([...perUser.keys()].every((id) => typeof id === 'number' && id >= 1 && id <= 103)).toBe(true);
      expect(Math.max(...perUser.values())).toBe(3);
      expect(perUser.size).toBeLessThan(103); // some users bought nothing

      const [usersSchema, purchasesSchema] = catalog.streams.map((s) => s.json_schema);
      expect(users.flatMap((u) => validateAgainstSchema(usersSchema, u))).toEqual([]);
      expect(purchases.flatMap((p) => validateAgainstSchema(purchasesSchema, p))).toEqual([]);
      expect(new Set(users.map((u) => u.email)).size).toBe(103);
    });

    it('keeps updated_at strictly increasing with id in both streams', async () => {
      const messages = await readAll({ count: 500, seed: 11 });
      for (const stream of ['users', 'purchases']) {
        const cursor = records(messages, stream).map((r) => Date.parse(String(r.updated_at)));
        expect(cursor.length).toBeGreaterThan(400);
        expect(cursor.every((value, i) => i === 0 || value > cursor[i - 1])).toBe(true);
      }
    });

    it('emits nothing but a state for a count of zero', async () => {
      const messages = await readAll({ count: 0 });
      expect(messages.filter((m) => m.type === 'RECORD')).toEqual([]);
      expect(states(messages).map((s) => s.state.stream?.stream_state)).toEqual([{}, {}]);
    });
  });

  describe('protocol', () => {
    it('announces estimates first, then STARTED ... COMPLETE per stream', async () => {
      const messages = await readAll({ count: 8, seed: 1 });
      const all = traces(messages);
      expect(all.slice(0, 2).map((t) => t.estimate)).toEqual([
        { name: 'users', type: 'STREAM', row_estimate: 8 },
        { name: 'purchases', type: 'STREAM', row_estimate: 12 },
      ]);
      expect(all.slice(2).map((t) => `${t.stream_status?.stream_descriptor.name}:${t.stream_status?.status}`)).toEqual([
        'users:STARTED',
        'users:COMPLETE',
        'purchases:STARTED',
        'purchases:COMPLETE',
      ]);
      expect(records(messages, 'purchases')).toHaveLength(12); // two full blocks of four users
    });

    it('checkpoints after every `state_checkpoint_interval` records and at the end of each stream', async () => {
      const source = new FakerSource();
      const batches: MessageBatch[] = [];
      for await (const batch of source.read({ count: 10, state_checkpoint_interval: 3 }, catalogOf('users'), [], context())) batches.push(batch);
      const messages = batches.flat();
      const userStates = states(messages, 'users');
      expect(userStates.map((s) => s.state.stream?.stream_state?.id)).toEqual([3, 6, 9, 10]);
      expect(userStates.map((s) => s.state.sourceStats?.recordCount)).toEqual([3, 3, 3, 1]);
      // Each state covers exactly the records before it.
      const order = messages.filter((m) => m.type === 'RECORD' || m.type === 'STATE').map((m) => (m.type === 'STATE' ? 'S' : 'r'));
      expect(order.join('')).toBe('rrrSrrrSrrrSrS');
      const users = records(messages, 'users');
      expect(userStates[0].state.stream?.stream_state).toEqual({ updated_at: users[2].updated_at, id: 3 });
      // A checkpoint closes its batch, so it can be committed without waiting for more records.
      for (const batch of batches) {
        const lastData = batch.filter((m) => m.type === 'RECORD' || m.type === 'STATE').at(-1);
        expect(lastData?.type ?? 'STATE').toBe('STATE');
      }
    });

    it('does not repeat the final state when the stream ends on a checkpoint', async () => {
      const messages = await readAll({ count: 9, state_checkpoint_interval: 3 }, ['users']);
      expect(states(messages).map((s) => s.state.stream?.stream_state?.id)).toEqual([3, 6, 9]);
    });

    it('batches records by a few hundred', async () => {
      const batches: MessageBatch[] = [];
      for await (const batch of new FakerSource().read({ count: 1200, state_checkpoint_interval: 100000 }, catalogOf('users'), [], context())) batches.push(batch);
      const sizes = batches.map((batch) => batch.filter((m) => m.type === 'RECORD').length).filter((n) => n > 0);
      expect(sizes).toEqual([500, 500, 200]);
    });

    it('rejects a stream it does not offer', async () => {
      await expect(readAll({}, ['orders'])).rejects.toBeInstanceOf(ConfigError);
    });
  });

  describe('incremental reads and resume', () => {
    const lastStates = (messages: ProtocolMessage[]) => ['users', 'purchases'].map((stream) => states(messages, stream).at(-1) as StateMessage);

    it('returns nothing new when the count is unchanged, and echoes the state back', async () => {
      const first = await readAll({ count: 30, seed: 5 });
      const again = await readAll({ count: 30, seed: 5 }, ['users', 'purchases'], lastStates(first));
      expect(again.filter((m) => m.type === 'RECORD')).toEqual([]);
      expect(states(again).map((s) => s.state.stream?.stream_state)).toEqual(lastStates(first).map((s) => s.state.stream?.stream_state));
      expect(traces(again).filter((t) => t.type === 'ESTIMATE').map((t) => t.estimate?.row_estimate)).toEqual([0, 0]);
    });

    it('returns only the new users and their purchases when the count grows', async () => {
      const first = await readAll({ count: 30, seed: 5 });
      const grown = await readAll({ count: 45, seed: 5 }, ['users', 'purchases'], lastStates(first));
      const full = await readAll({ count: 45, seed: 5 });

      expect(records(grown, 'users').map((u) => u.id)).toEqual(Array.from({ length: 15 }, (_, i) => i + 31));
      const newPurchases = records(grown, 'purchases');
      expect(newPurchases.length).toBeGreaterThan(0);
      expect(newPurchases.every((p) => Number(p.user_id) > 30)).toBe(true);
      expect([...records(first, 'purchases'), ...newPurchases]).toEqual(records(full, 'purchases'));
      expect([...records(first, 'users'), ...records(grown, 'users')]).toEqual(records(full, 'users'));
    });

    it('resumes from a mid-stream checkpoint with exactly the remaining records', async () => {
      const config = { count: 50, seed: 9, state_checkpoint_interval: 20 };
      const full = await readAll(config);
      const checkpoint = states(full, 'users')[0]; // after user 20
      expect(checkpoint.state.stream?.stream_state?.id).toBe(20);
      const rest = await readAll(config, ['users'], [checkpoint]);
      expect(records(rest, 'users')).toEqual(records(full, 'users').slice(20));

      const purchaseCheckpoint = states(full, 'purchases')[1];
      const purchasesRest = await readAll(config, ['purchases'], [purchaseCheckpoint]);
      expect(records(purchasesRest, 'purchases')).toEqual(records(full, 'purchases').slice(40));
    });

    it('resumes from a state holding only updated_at', async () => {
      const full = records(await readAll({ count: 20 }, ['users']), 'users');
      const state: StateMessage = {
        type: 'STATE',
        state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { updated_at: full[11].updated_at as string } } },
      };
      expect(records(await readAll({ count: 20 }, ['users'], [state]), 'users')).toEqual(full.slice(12));
    });

    it('fails with a config error on a state it cannot read', async () => {
      const state: StateMessage = {
        type: 'STATE',
        state: { type: 'STREAM', stream: { stream_descriptor: { name: 'users' }, stream_state: { updated_at: 'yesterday' } } },
      };
      await expect(readAll({ count: 5 }, ['users'], [state])).rejects.toThrow(/invalid updated_at "yesterday"/);
    });
  });

  describe('throttle and cancellation', () => {
    it('holds the read to max_records_per_second', async () => {
      const started = performance.now();
      const messages = await readAll({ count: 100, max_records_per_second: 200 }, ['users']);
      const elapsed = performance.now() - started;
      expect(records(messages, 'users')).toHaveLength(100);
      // 100 records at 200/s: the first batch of 20 goes at once, the other 80 take 400 ms.
      expect(elapsed).toBeGreaterThanOrEqual(380);
    });

    it('stops promptly with the abort reason while throttled', async () => {
      const controller = new AbortController();
      const received: ProtocolMessage[] = [];
      const reason = new Error('sync cancelled');
      setTimeout(() => controller.abort(reason), 300);
      const started = performance.now();
      const reading = (async () => {
        for await (const batch of new FakerSource().read({ count: 100000, max_records_per_second: 10 }, catalogOf('users'), [], context(controller.signal))) {
          received.push(...batch);
        }
      })();
      await expect(reading).rejects.toBe(reason);
      expect(performance.now() - started).toBeLessThan(5000);
      expect(records(received, 'users').length).toBeLessThanOrEqual(5);
    });

    it('refuses to start when already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(readAll({ count: 10 }, ['users'], [], controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  describe('check and discover', () => {
    it('accepts the defaults and a full configuration', async () => {
      const source = new FakerSource();
      await expect(source.check({}, context())).resolves.toEqual({ status: 'SUCCEEDED' });
      await expect(source.check({ count: 10, seed: 1, state_checkpoint_interval: 5, max_records_per_second: 100 }, context())).resolves.toEqual({
        status: 'SUCCEEDED',
      });
    });

    it.each([
      [{ count: -1 }, /count: must be >= 0/],
      [{ count: 1.5 }, /count: must be of type integer/],
      [{ seed: 'abc' }, /seed: must be of type integer/],
      [{ state_checkpoint_interval: 0 }, /state_checkpoint_interval: must be >= 1/],
      [{ max_records_per_second: -5 }, /max_records_per_second: must be >= 0/],
      [{ rows: 10 }, /rows: is not a known field/],
    ])('returns FAILED, without throwing, for %j', async (config, message) => {
      const status = await new FakerSource().check(config as JsonObject, context());
      expect(status.status).toBe('FAILED');
      expect(status.message).toMatch(message);
    });

    it('discovers users and purchases with their keys and cursors', async () => {
      const catalog = await new FakerSource().discover({}, context());
      expect(catalog.streams.map((s) => [s.name, s.default_cursor_field, s.source_defined_primary_key, s.supported_sync_modes])).toEqual([
        ['users', ['updated_at'], [['id']], ['full_refresh', 'incremental']],
        ['purchases', ['updated_at'], [['id']], ['full_refresh', 'incremental']],
      ]);
      expect((catalog.streams[0].json_schema.properties as JsonObject).updated_at).toEqual({ type: 'string', format: 'date-time' });
      await expect(new FakerSource().discover({ count: -1 }, context())).rejects.toBeInstanceOf(ConfigError);
    });
  });

  describe('packaging', () => {
    it('is registered from its manifest with icon and docs, and exports the source as `connector`', () => {
      const registry = ConnectorRegistry.load({ connectorDirectories: [join(__dirname, '..', '..')] });
      const registered = registry.get('source-faker');
      expect(registry.problems.filter((p) => p.location.endsWith('source-faker'))).toEqual([]);
      expect(registered?.manifest).toMatchObject({ kind: 'source', name: 'Faker', version: '0.1.0', spec: { supportsIncremental: true } });
      expect(registered?.manifest.icon).toMatch(/^<svg/);
      expect(registered?.docs).toMatch(/^# Faker/);
      expect(connector.kind).toBe('source');
      expect(connector.create()).toBeInstanceOf(FakerSource);
    });
  });
});
