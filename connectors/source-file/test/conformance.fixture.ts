// Conformance fixture: CSV, JSON Lines and JSON-array files in a fresh temp directory (removed in
// teardown), with distinct modification times so incremental reads have a cursor to move. The bad
// config points at a pattern that matches no file.
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceFixture } from '@tributary/connector-sdk/testing';

export const fixture: ConformanceFixture = {
  async setup() {
    const root = await mkdtemp(join(tmpdir(), 'tributary-source-file-conformance-'));
    await mkdir(join(root, 'orders'));
    for (let file = 1; file <= 3; file++) {
      const rows = Array.from({ length: 40 }, (_, i) => {
        const id = (file - 1) * 40 + i + 1;
        return `${id},customer ${id % 7},${(id * 1.5).toFixed(2)},2024-0${file}-1${i % 10},${id % 2 === 0}`;
      });
      const path = join(root, 'orders', `orders-${file}.csv`);
      await writeFile(path, `id,customer,amount,ordered_on,paid\n${rows.join('\n')}\n`);
      const at = new Date(Date.UTC(2025, 0, file));
      await utimes(path, at, at);
    }
    const events = Array.from({ length: 25 }, (_, i) => JSON.stringify({ id: i + 1, kind: i % 2 ? 'click' : 'view', at: new Date(Date.UTC(2025, 1, 1, 0, i)).toISOString(), detail: { page: `/p/${i}` } }));
    await writeFile(join(root, 'events.jsonl'), `${events.join('\n')}\n`);
    await writeFile(join(root, 'rates.json'), JSON.stringify([{ currency: 'EUR', rate: 1 }, { currency: 'USD', rate: 1.08 }, { currency: 'JPY', rate: 161.5 }]));
    const config = {
      streams: [
        { name: 'orders', url: join(root, 'orders', '*.csv'), format: 'csv', primary_key: ['id'] },
        { name: 'events', url: join(root, 'events.jsonl'), format: 'jsonl' },
        { name: 'rates', url: join(root, 'rates.json'), format: 'json' },
      ],
    };
    return {
      config,
      badConfig: { streams: [{ name: 'orders', url: join(root, 'missing', '*.csv'), format: 'csv' }] },
      teardown: () => rm(root, { recursive: true, force: true }),
    };
  },
};
