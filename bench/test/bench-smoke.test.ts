// Keeps the benchmark harness alive: the whole run — datasets, ceilings, every platform scenario
// through the real API, worker and Temporal — on tiny data. It asserts that the harness measures
// and reports, never how fast anything is (speed is judged by `npm run bench`, not by tests).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_SCENARIOS, runBench } from '../src/bench-runner';
import type { BenchResults } from '../src/bench-report';
import { parseOptions } from '../src/main';

describe('the benchmark harness in smoke mode', () => {
  let out: string;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'tributary-bench-smoke-'));
  });

  afterAll(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('runs every scenario on tiny data and writes the results as JSON and markdown', async () => {
    const lines: string[] = [];
    const options = parseOptions(['--smoke', '--out', out], (line) => lines.push(line));
    expect(options).toEqual(expect.objectContaining({ size: 3000, peers: false, datasets: ['orders', 'wide'] }));

    const { results, jsonFile, markdownFile } = await runBench(options);

    const failed = results.scenarios.filter((s) => s.status === 'failed');
    expect(failed.map((s) => `${s.id}/${s.dataset}: ${s.note}`)).toEqual([]);
    const ran = new Set(results.scenarios.map((s) => s.id));
    for (const id of ALL_SCENARIOS.filter((id) => !id.startsWith('sling') && !id.startsWith('dlt'))) expect(ran).toContain(id);
    expect(results.datasets.map((d) => [d.table, d.rows])).toEqual([
      ['orders', 3000],
      ['wide', 600],
    ]);
    for (const s of results.scenarios) {
      expect(s.rows).toBeGreaterThan(0);
      expect(s.rowsPerSecond).toBeGreaterThan(0);
      expect(s.peakRssMb).toBeGreaterThan(0);
    }
    for (const s of results.scenarios.filter((x) => x.kind === 'platform')) {
      expect(s.processes.map((p) => p.name)).toEqual(expect.arrayContaining(['api', expect.stringMatching(/^worker-\d+$/)]));
      expect(s.temporal?.historyEvents).toBeGreaterThan(0);
      expect(s.ratios?.['read ceiling']).toBeGreaterThan(0);
    }
    expect(results.targets.map((t) => t.target)).toHaveLength(11);

    expect(JSON.parse(await readFile(jsonFile, 'utf8')) as BenchResults).toEqual(results);
    const table = await readFile(markdownFile, 'utf8');
    expect(table).toContain('| pg-parquet-local | orders |');
    expect(table).toContain('| target | outcome | measured |');
  }, 900_000);
});
