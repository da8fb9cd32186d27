import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, ConnectorRegistry, type DestinationCommit, type MessageBatch, SystemError, type WriteContext } from '@tributary/connector-sdk';
import type { ConfiguredAirbyteCatalog, DestinationSyncMode, JsonObject, RecordMessage, StateMessage } from '@tributary/protocol';
import { connector } from './index';
import { LocalFilesDestination } from './local-files.destination';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const EMITTED_AT = Date.UTC(2025, 4, 2, 9, 14, 3, 120);

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tributary-local-files-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function context(syncId: string, options: { resumePosition?: JsonObject; signal?: AbortSignal } = {}): WriteContext {
  return { logger: silent, signal: options.signal ?? new AbortController().signal, syncId, resumePosition: options.resumePosition };
}

type StreamSpec = { name: string; namespace?: string; mode?: DestinationSyncMode };

function catalogOf(...streams: StreamSpec[]): ConfiguredAirbyteCatalog {
  return {
    streams: streams.map(({ name, namespace, mode }) => ({
      stream: { name, ...(namespace ? { namespace } : {}), json_schema: {}, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: mode ?? 'append',
    })),
  };
}

function record(stream: string, id: number, extra: Record<string, unknown> = {}, namespace?: string): RecordMessage {
  return { type: 'RECORD', record: { stream, ...(namespace ? { namespace } : {}), data: { id, ...extra }, emitted_at: EMITTED_AT } };
}

const records = (stream: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => record(stream, from + i, { note: `row ${from + i} — Kraków` }));

function state(stream: string, id: number): StateMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { id } } } };
}

async function* feed(...batches: MessageBatch[]): AsyncGenerator<MessageBatch> {
  for (const batch of batches) yield batch;
}

async function collect(commits: AsyncIterable<DestinationCommit>, into: DestinationCommit[] = []): Promise<DestinationCommit[]> {
  for await (const commit of commits) into.push(commit);
  return into;
}

function write(catalog: ConfiguredAirbyteCatalog, input: AsyncIterable<MessageBatch>, ctx: WriteContext): Promise<DestinationCommit[]> {
  return collect(new LocalFilesDestination().write({ destination_path: root }, catalog, input, ctx));
}

function lines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const ids = (path: string) => lines(path).map((row) => row.id);

/** Files of `directory` this process holds open (Linux /proc): proves handles are closed. */
function openFilesUnder(directory: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(directory) ? [target] : [];
    } catch {
      return []; // closed between the listing and the readlink
    }
  });
}

describe('LocalFilesDestination', () => {
  describe('output', () => {
    it('writes one JSONL file per stream and sync, with the metadata columns', async () => {
      const catalog = catalogOf({ name: 'users' }, { name: 'orders', namespace: 'shop' });
      await write(catalog, feed([...records('users', 1, 3), record('orders', 7, { total: 9.5, tags: ['a'] }, 'shop'), state('users', 3)]), context('sync-1'));

      const users = lines(join(root, 'users', 'sync-1.jsonl'));
      expect(users.map(({ id, note }) => ({ id, note }))).toEqual([
        { id: 1, note: 'row 1 — Kraków' },
        { id: 2, note: 'row 2 — Kraków' },
        { id: 3, note: 'row 3 — Kraków' },
      ]);
      for (const row of users) {
        expect(row._tributary_sync_id).toBe('sync-1');
        expect(row._tributary_extracted_at).toBe('2025-05-02T09:14:03.120Z');
        expect(row._tributary_raw_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
      expect(new Set(users.map((row) => row._tributary_raw_id)).size).toBe(3);

      expect(lines(join(root, 'shop', 'orders', 'sync-1.jsonl'))).toEqual([
        {
          id: 7,
          total: 9.5,
          tags: ['a'],
          _tributary_raw_id: expect.any(String),
          _tributary_extracted_at: '2025-05-02T09:14:03.120Z',
          _tributary_sync_id: 'sync-1',
        },
      ]);
      expect(existsSync(join(root, 'orders'))).toBe(false);
    });

    it('keeps stream names from escaping or nesting inside the destination directory', async () => {
      await write(catalogOf({ name: '../escape' }, { name: 'a/b' }), feed([record('../escape', 1), record('a/b', 2)]), context('sync-1'));
      expect((await readdir(root)).sort()).toEqual(['%2E.%2Fescape', 'a%2Fb']);
      expect(ids(join(root, 'a%2Fb', 'sync-1.jsonl'))).toEqual([2]);
    });

    it('writes large inputs whole, through its bounded buffers', async () => {
      const many = records('users', 1, 30_000); // about 5 MB: several buffer flushes
      await write(catalogOf({ name: 'users' }), feed(many.slice(0, 10_000), many.slice(10_000), [state('users', 30_000)]), context('sync-1'));
      expect(ids(join(root, 'users', 'sync-1.jsonl'))).toEqual(Array.from({ length: 30_000 }, (_, i) => i + 1));
    });

    it('fails on a record of a stream outside the catalog', async () => {
      await expect(write(catalogOf({ name: 'users' }), feed([record('users', 1), record('ghosts', 1)]), context('sync-1'))).rejects.toThrow(
        new SystemError('Received a record of stream "ghosts", which is not in the configured catalog.'),
      );
    });
  });

  describe('commits', () => {
    it('commits at each state with the durable position and the stats since the previous commit', async () => {
      const catalog = catalogOf({ name: 'users' }, { name: 'purchases' });
      const s1 = state('users', 3);
      const s2 = state('purchases', 1);
      const commits = await write(
        catalog,
        feed([...records('users', 1, 3), s1, record('users', 4)], [record('purchases', 1), s2, record('users', 5)]),
        context('sync-1'),
      );

      const usersFile = readFileSync(join(root, 'users', 'sync-1.jsonl'));
      const purchasesFile = readFileSync(join(root, 'purchases', 'sync-1.jsonl'));
      const lineEnds = [...usersFile.entries()].filter(([, byte]) => byte === 0x0a).map(([offset]) => offset + 1);
      expect(commits.map((c) => c.states)).toEqual([[s1], [s2], []]);
      expect(commits.map((c) => c.position)).toEqual([
        { files: { users: { path: 'users/sync-1.jsonl', bytes: lineEnds[2] }, purchases: { path: 'purchases/sync-1.jsonl', bytes: 0 } } },
        { files: { users: { path: 'users/sync-1.jsonl', bytes: lineEnds[3] }, purchases: { path: 'purchases/sync-1.jsonl', bytes: purchasesFile.length } } },
        { files: { users: { path: 'users/sync-1.jsonl', bytes: usersFile.length }, purchases: { path: 'purchases/sync-1.jsonl', bytes: purchasesFile.length } } },
      ]);
      expect(commits.map((c) => c.stats)).toEqual([
        { users: { records: 3, bytes: lineEnds[2] } },
        { users: { records: 1, bytes: lineEnds[3] - lineEnds[2] }, purchases: { records: 1, bytes: purchasesFile.length } },
        { users: { records: 1, bytes: usersFile.length - lineEnds[3] } },
      ]);
    });

    it('yields a final commit without states, even for an empty input', async () => {
      const commits = await write(catalogOf({ name: 'users' }), feed(), context('sync-1'));
      expect(commits).toEqual([{ states: [], position: { files: { users: { path: 'users/sync-1.jsonl', bytes: 0 } } }, stats: {} }]);
    });
  });

  describe('resume', () => {
    it('writes every record exactly once when an interrupted attempt resumes from its committed position', async () => {
      const catalog = catalogOf({ name: 'users' }, { name: 'purchases' });
      const usersFile = join(root, 'users', 'sync-1.jsonl');
      const purchasesFile = join(root, 'purchases', 'sync-1.jsonl');

      // Attempt 1 reaches two checkpoints, but the platform records only the first before the
      // worker dies: rows 6-8 and purchase 1 are on disk yet not committed.
      async function* firstAttempt(): AsyncGenerator<MessageBatch> {
        yield [...records('users', 1, 5), state('users', 5)];
        yield [...records('users', 6, 8), ...records('purchases', 1, 1), state('users', 8)];
        yield records('users', 9, 9);
        throw new Error('worker killed');
      }
      const seen: DestinationCommit[] = [];
      await expect(collect(new LocalFilesDestination().write({ destination_path: root }, catalog, firstAttempt(), context('sync-1')), seen)).rejects.toThrow(
        'worker killed',
      );
      expect(seen).toHaveLength(2);
      expect(ids(usersFile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      expect(ids(purchasesFile)).toEqual([1]);
      expect(openFilesUnder(root)).toEqual([]);

      // Attempt 2: the source restarts after the committed state (user 5); the destination first
      // cuts the files back to the committed position.
      const committed = seen[0].position as JsonObject;
      const commits = await write(
        catalog,
        feed([...records('users', 6, 10), ...records('purchases', 1, 2), state('users', 10)]),
        context('sync-1', { resumePosition: committed }),
      );
      expect(ids(usersFile)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(ids(purchasesFile)).toEqual([1, 2]);
      expect(commits[0].stats).toEqual({ users: { records: 5, bytes: expect.any(Number) }, purchases: { records: 2, bytes: expect.any(Number) } });
    });

    it("empties this sync's file of a stream the position does not list", async () => {
      await write(catalogOf({ name: 'users' }, { name: 'purchases' }), feed([record('users', 1), record('purchases', 1)]), context('sync-1'));
      const position = { files: { users: { path: 'users/sync-1.jsonl', bytes: 0 } } };
      await write(catalogOf({ name: 'users' }, { name: 'purchases' }), feed([record('purchases', 2)]), context('sync-1', { resumePosition: position }));
      expect(ids(join(root, 'purchases', 'sync-1.jsonl'))).toEqual([2]);
      expect(ids(join(root, 'users', 'sync-1.jsonl'))).toEqual([]);
    });

    it('starts a retry without a position from empty files', async () => {
      await mkdir(join(root, 'users'));
      await writeFile(join(root, 'users', 'sync-1.jsonl'), '{"id":99}\n{"id":100}\n');
      await write(catalogOf({ name: 'users' }), feed([record('users', 1)]), context('sync-1'));
      expect(ids(join(root, 'users', 'sync-1.jsonl'))).toEqual([1]);
    });

    it('refuses to resume when a file is shorter than its committed position', async () => {
      await mkdir(join(root, 'users'));
      await writeFile(join(root, 'users', 'sync-1.jsonl'), '{"id":1}\n');
      const position = { files: { users: { path: 'users/sync-1.jsonl', bytes: 500 } } };
      await expect(write(catalogOf({ name: 'users' }), feed([record('users', 2)]), context('sync-1', { resumePosition: position }))).rejects.toThrow(
        /holds 9 bytes, fewer than the 500 the resumed checkpoint committed/,
      );
      expect(ids(join(root, 'users', 'sync-1.jsonl'))).toEqual([1]);
    });

    it('rejects a malformed position', async () => {
      await expect(write(catalogOf({ name: 'users' }), feed(), context('sync-1', { resumePosition: { files: { users: { bytes: -1 } } } }))).rejects.toBeInstanceOf(
        SystemError,
      );
    });
  });

  describe('sync modes', () => {
    it('overwrite keeps only the latest sync file, append and append_dedup keep them all', async () => {
      const catalog = catalogOf({ name: 'users', mode: 'overwrite' }, { name: 'purchases', mode: 'append' }, { name: 'events', mode: 'append_dedup' });
      const everything = (id: number) => feed([record('users', id), record('purchases', id), record('events', id), state('users', id)]);
      await write(catalog, everything(1), context('sync-a'));
      await writeFile(join(root, 'users', 'notes.txt'), 'not ours');

      await write(catalog, everything(2), context('sync-b'));

      expect((await readdir(join(root, 'users'))).sort()).toEqual(['notes.txt', 'sync-b.jsonl']);
      expect(ids(join(root, 'users', 'sync-b.jsonl'))).toEqual([2]);
      expect((await readdir(join(root, 'purchases'))).sort()).toEqual(['sync-a.jsonl', 'sync-b.jsonl']);
      expect((await readdir(join(root, 'events'))).sort()).toEqual(['sync-a.jsonl', 'sync-b.jsonl']);
    });

    it('overwrite with no records leaves the stream empty', async () => {
      await write(catalogOf({ name: 'users', mode: 'overwrite' }), feed([record('users', 1)]), context('sync-a'));
      await write(catalogOf({ name: 'users', mode: 'overwrite' }), feed([state('users', 1)]), context('sync-b'));
      expect(await readdir(join(root, 'users'))).toEqual([]);
    });

    it('does not remove earlier files when the sync fails', async () => {
      await write(catalogOf({ name: 'users', mode: 'overwrite' }), feed([record('users', 1)]), context('sync-a'));
      async function* failing(): AsyncGenerator<MessageBatch> {
        yield [record('users', 2), state('users', 2)];
        throw new Error('source failed');
      }
      await expect(write(catalogOf({ name: 'users', mode: 'overwrite' }), failing(), context('sync-b'))).rejects.toThrow('source failed');
      expect((await readdir(join(root, 'users'))).sort()).toEqual(['sync-a.jsonl', 'sync-b.jsonl']);
    });
  });

  describe('parts and manifest', () => {
    it('writes Parquet parts through the path template and lists them in the stream manifest', async () => {
      const config = { destination_path: root, format: 'parquet', path_template: '{stream}/{yyyy}/{sync_id}-{part}.{ext}', commit_interval_seconds: 0 };
      const commits = await collect(new LocalFilesDestination().write(config, catalogOf({ name: 'users' }), feed([...records('users', 1, 3), state('users', 3)]), context('sync-1')));
      const manifest = JSON.parse(readFileSync(join(root, 'users', '_tributary', 'manifest.json'), 'utf8')) as { files: { path: string; records: number }[] };
      const year = new Date().getUTCFullYear();
      expect(manifest.files).toEqual([expect.objectContaining({ path: `users/${year}/sync-1-00000.parquet`, records: 3 })]);
      expect(readFileSync(join(root, manifest.files[0].path)).subarray(0, 4).toString()).toBe('PAR1');
      expect(commits.map((c) => c.stats)).toEqual([{ users: { records: 3, bytes: expect.any(Number) } }, {}]);
    });

    it('keeps the classic layout when only the directory is configured', async () => {
      await write(catalogOf({ name: 'users' }), feed([record('users', 1)]), context('sync-1'));
      expect(existsSync(join(root, 'users', '_tributary'))).toBe(false);
    });
  });

  describe('clear', () => {
    /** Every file under the root, relative, sorted. */
    const tree = (directory = root, prefix = ''): string[] =>
      readdirSync(directory, { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? tree(join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
        .sort();
    const clear = (config: JsonObject, catalog: ConfiguredAirbyteCatalog) => new LocalFilesDestination().clear(config, catalog.streams, { logger: silent, signal: new AbortController().signal });

    it('removes every sync file of the streams (default layout <path>/<namespace>/<stream>/…), leaving other streams', async () => {
      const catalog = catalogOf({ name: 'orders', namespace: 'shop' }, { name: 'users' }, { name: 'shop' });
      const input = () => feed([record('orders', 1, {}, 'shop'), record('users', 1), record('shop', 1), state('users', 1)]);
      await write(catalog, input(), context('sync-1'));
      await write(catalog, input(), context('sync-2'));
      // A temporary file an interrupted writer could leave.
      await writeFile(join(root, 'shop', 'orders', '.sync-3.jsonl.tmp'), '{"id"');
      expect(tree()).toEqual(['shop/orders/.sync-3.jsonl.tmp', 'shop/orders/sync-1.jsonl', 'shop/orders/sync-2.jsonl', 'shop/sync-1.jsonl', 'shop/sync-2.jsonl', 'users/sync-1.jsonl', 'users/sync-2.jsonl'].sort());

      // The stream `shop` (no namespace) shares its directory with the namespace of `shop.orders`: only its own files go.
      await clear({ destination_path: root }, catalogOf({ name: 'shop' }));
      expect(tree()).toEqual(['shop/orders/.sync-3.jsonl.tmp', 'shop/orders/sync-1.jsonl', 'shop/orders/sync-2.jsonl', 'users/sync-1.jsonl', 'users/sync-2.jsonl']);
      await clear({ destination_path: root }, catalogOf({ name: 'orders', namespace: 'shop' }));
      expect(tree()).toEqual(['users/sync-1.jsonl', 'users/sync-2.jsonl']);
      expect(existsSync(join(root, 'shop'))).toBe(false);

      // Clearing again is a no-op; the next sync starts from nothing.
      await clear({ destination_path: root }, catalogOf({ name: 'orders', namespace: 'shop' }));
      await write(catalogOf({ name: 'orders', namespace: 'shop' }), feed([record('orders', 5, {}, 'shop')]), context('sync-4'));
      expect(tree()).toEqual(['shop/orders/sync-4.jsonl', 'users/sync-1.jsonl', 'users/sync-2.jsonl']);
      expect(ids(join(root, 'shop', 'orders', 'sync-4.jsonl'))).toEqual([5]);
    });

    it('removes parts of every generation and the manifest with a path template', async () => {
      const config = { destination_path: root, format: 'jsonl', compression: 'gzip', path_template: '{namespace}/{stream}/{yyyy}/{mm}/{sync_id}-{part}.{ext}', commit_interval_seconds: 0 };
      const catalog = catalogOf({ name: 'users', namespace: 'app', mode: 'overwrite' }, { name: 'events', namespace: 'app' });
      const input = () => feed([record('users', 1, {}, 'app'), record('events', 1, {}, 'app'), state('users', 1), record('users', 2, {}, 'app')]);
      await collect(new LocalFilesDestination().write(config, catalog, input(), context('sync-1')));
      await collect(new LocalFilesDestination().write(config, catalog, input(), context('sync-2')));
      expect(tree().filter((path) => path.startsWith('app/users/'))).toEqual([
        expect.stringMatching(/^app\/users\/\d{4}\/\d{2}\/sync-2-00000\.jsonl\.gz$/),
        expect.stringMatching(/^app\/users\/\d{4}\/\d{2}\/sync-2-00001\.jsonl\.gz$/),
        'app/users/_tributary/manifest.json',
      ]);

      await clear(config, catalogOf({ name: 'users', namespace: 'app' }));
      expect(existsSync(join(root, 'app', 'users'))).toBe(false);
      expect(tree().every((path) => path.startsWith('app/events/'))).toBe(true);
      expect(tree()).toContain('app/events/_tributary/manifest.json');
    });
  });

  describe('cancellation', () => {
    it('stops on abort even while the input hangs, and closes its files', async () => {
      const controller = new AbortController();
      const reason = new Error('sync cancelled');
      async function* hanging(): AsyncGenerator<MessageBatch> {
        yield [...records('users', 1, 2), state('users', 2), record('users', 3)];
        await new Promise(() => undefined);
      }
      const seen: DestinationCommit[] = [];
      const writing = (async () => {
        for await (const commit of new LocalFilesDestination().write({ destination_path: root }, catalogOf({ name: 'users' }), hanging(), context('sync-1', { signal: controller.signal }))) {
          seen.push(commit);
          setTimeout(() => controller.abort(reason), 20);
        }
      })();
      await expect(writing).rejects.toBe(reason);
      expect(seen.map((c) => c.states)).toEqual([[state('users', 2)]]);
      expect(ids(join(root, 'users', 'sync-1.jsonl'))).toEqual([1, 2]);
      expect(openFilesUnder(root)).toEqual([]);
    });

    it('writes nothing when already aborted', async () => {
      const controller = new AbortController();
      controller.abort();
      await expect(write(catalogOf({ name: 'users' }), feed([record('users', 1)]), context('sync-1', { signal: controller.signal }))).rejects.toMatchObject({
        name: 'AbortError',
      });
      expect(existsSync(join(root, 'users', 'sync-1.jsonl'))).toBe(false);
    });
  });

  describe('check', () => {
    const ctx = { logger: silent, signal: new AbortController().signal };

    it('creates the directory and leaves nothing behind', async () => {
      const target = join(root, 'exports', 'nested');
      await expect(new LocalFilesDestination().check({ destination_path: target }, ctx)).resolves.toEqual({ status: 'SUCCEEDED' });
      expect(await readdir(target)).toEqual([]);
    });

    it('fails, naming the path and the reason, when a parent is a regular file', async () => {
      await writeFile(join(root, 'file'), 'x');
      const target = join(root, 'file', 'exports');
      await expect(new LocalFilesDestination().check({ destination_path: target }, ctx)).resolves.toEqual({
        status: 'FAILED',
        message: `Cannot write to ${target}: part of the path is a file, not a directory (ENOTDIR).`,
      });
    });

    it('fails when the path is a regular file', async () => {
      const target = join(root, 'file');
      await writeFile(target, 'x');
      const status = await new LocalFilesDestination().check({ destination_path: target }, ctx);
      expect(status).toEqual({ status: 'FAILED', message: `Cannot write to ${target}: it exists and is not a directory (EEXIST).` });
    });

    it.each([[{}, /destination_path: is required/], [{ destination_path: '' }, /destination_path: must NOT have fewer than 1 characters/], [{ destination_path: 3 }, /must be of type string/]])(
      'fails without throwing on the config %j',
      async (config, message) => {
        const status = await new LocalFilesDestination().check(config as JsonObject, ctx);
        expect(status.status).toBe('FAILED');
        expect(status.message).toMatch(message);
      },
    );

    it('resolves a relative path against the working directory', async () => {
      const relative = join('tmp-check', randomUUID());
      const cwd = process.cwd();
      process.chdir(root);
      try {
        await expect(new LocalFilesDestination().check({ destination_path: relative }, ctx)).resolves.toEqual({ status: 'SUCCEEDED' });
      } finally {
        process.chdir(cwd);
      }
      expect(existsSync(join(root, relative))).toBe(true);
    });

    it('classifies an unwritable path during a write as a config error', async () => {
      await writeFile(join(root, 'file'), 'x');
      await expect(
        collect(new LocalFilesDestination().write({ destination_path: join(root, 'file') }, catalogOf({ name: 'users' }), feed([record('users', 1), state('users', 1)]), context('sync-1'))),
      ).rejects.toBeInstanceOf(ConfigError);
    });
  });

  describe('packaging', () => {
    it('is registered from its manifest with icon and docs, and exports the destination as `connector`', () => {
      const registry = ConnectorRegistry.load({ connectorDirectories: [join(__dirname, '..', '..')] });
      const registered = registry.get('destination-local-files');
      expect(registry.problems.filter((p) => p.location.endsWith('destination-local-files'))).toEqual([]);
      expect(registered?.manifest).toMatchObject({ kind: 'destination', name: 'Local files', spec: { supported_destination_sync_modes: ['overwrite', 'append', 'append_dedup'] } });
      expect(registered?.manifest.icon).toMatch(/^<svg/);
      expect(registered?.docs).toMatch(/^# Local files/);
      expect(connector.kind).toBe('destination');
      expect(connector.create()).toBeInstanceOf(LocalFilesDestination);
    });
  });
});
