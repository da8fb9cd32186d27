// `npm run bench [-- --size 1M] [--scenarios pg-pg,ceiling] [--datasets orders] [--smoke] [--no-peers]`
// Prepares the datasets, runs the scenarios, writes bench/results/<date>-<size>.json and .md, and
// refreshes the latest table in bench/README.md (not for smoke runs).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_SCENARIOS, BENCH_ROOT, runBench, type BenchOptions } from './bench-runner';
import { updateReadme } from './readme-table';

const USAGE = `Usage: npm run bench -- [options]

  --size N            rows of the orders table: 100k, 1M, 10M (default 10M); the wide table gets N/5
  --scenarios a,b     only these scenarios (ids or prefixes): ${ALL_SCENARIOS.join(', ')}
  --datasets a,b      orders, wide (default both)
  --smoke             tiny data (3k rows), no peers; results are not put in bench/README.md
  --no-peers          skip sling and dlt
  --seed N            dataset seed (default 42)
  --label TEXT        what the table says about the run (default: "busy machine" unless --quiet-machine)
  --quiet-machine     the machine ran nothing else: label the run as a reference run
  --out DIR           results directory (default bench/results)
  --echo              print the platform processes' output
  --profile           profile the workers (inspector CPU profile); each sync's CPU split by component goes in the JSON
`;

export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!match) throw new Error(`--size ${text}: expected a number like 100k, 1M or 10M`);
  const factor = match[2]!.toLowerCase() === 'm' ? 1_000_000 : match[2]!.toLowerCase() === 'k' ? 1000 : 1;
  return Math.round(Number(match[1]) * factor);
}

export function parseOptions(argv: string[], log: (line: string) => void): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      size: { type: 'string' },
      scenarios: { type: 'string' },
      datasets: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      'no-peers': { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      label: { type: 'string' },
      'quiet-machine': { type: 'boolean', default: false },
      out: { type: 'string' },
      echo: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const list = (text: string | undefined) => (text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const scenarios = list(values.scenarios);
  for (const s of scenarios) if (!ALL_SCENARIOS.some((id) => id.startsWith(s))) throw new Error(`--scenarios: no scenario matches "${s}" (known: ${ALL_SCENARIOS.join(', ')})`);
  const datasets = list(values.datasets);
  for (const d of datasets) if (d !== 'orders' && d !== 'wide') throw new Error(`--datasets: "${d}" is not orders or wide`);
  const smoke = values.smoke;
  return {
    size: smoke ? 3000 : parseSize(values.size ?? '10M'),
    scenarios,
    datasets: datasets.length ? datasets : ['orders', 'wide'],
    smoke,
    peers: !smoke && !values['no-peers'],
    seed: Number(values.seed),
    outDir: values.out ?? join(BENCH_ROOT, 'results'),
    label: values.label ?? (values['quiet-machine'] ? 'reference run (quiet machine)' : 'busy machine (other work ran at the same time: indicative only)'),
    echo: values.echo,
    profile: values.profile,
    log,
  };
}

export async function main(argv: string[]): Promise<void> {
  // Internal: the read ceiling runs in a process of its own so its CPU and memory are its own.
  const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  const options = parseOptions(argv, log);
  const { results, jsonFile, markdownFile } = await runBench(options);
  log(`results: ${jsonFile}`);
  log(`table:   ${markdownFile}`);
  if (!options.smoke && options.outDir === join(BENCH_ROOT, 'results')) await updateReadme(join(BENCH_ROOT, 'README.md'), options.outDir);
  // A peer that fails on our data is a finding, not a broken harness.
  const failed = results.scenarios.filter((s) => s.status === 'failed' && s.kind !== 'peer');
  if (failed.length) {
    log(`${failed.length} scenario(s) failed: ${failed.map((s) => `${s.id}/${s.dataset}`).join(', ')}`);
    process.exitCode = 1;
  }
}
