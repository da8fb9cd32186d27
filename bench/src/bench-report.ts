// The results of one run: figures per scenario, ratios to the ceilings and the peers, the targets
// of issue 9 checked against them, and the markdown table bench/README.md shows.
import type { DatasetInfo } from './datasets';
import type { ProcessFigures } from './process-sampler';
import type { HistoryFigures } from './temporal-history';

export type ScenarioKind = 'ceiling' | 'platform' | 'peer';

export interface ScenarioResult {
  /** `pg-parquet-local`, `ceiling-read`, `sling-pg-pg`, … */
  id: string;
  dataset: string;
  kind: ScenarioKind;
  title: string;
  status: 'ok' | 'failed' | 'skipped';
  note?: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** Source bytes moved per second: rows × the dataset's average COPY-text row size. */
  mbPerSecond: number;
  /** CPU of the measured processes (the workers for a sync) per million rows. */
  cpuSecondsPerMillionRows: number;
  /** Peak RSS of the worker(s) for a sync, of the largest process otherwise. */
  peakRssMb: number;
  processes: ProcessFigures[];
  temporal?: HistoryFigures;
  /** Rows/s divided by the read ceiling, the psql pipe, and each peer's matching scenario. */
  ratios?: Record<string, number>;
  extra?: Record<string, unknown>;
  /** The 1-minute load average around the scenario (the larger of before and after): how busy the machine was. */
  loadAverage1m?: number;
}

export interface TargetCheck {
  target: string;
  /** `met`, `missed`, or `not measured` (with why). */
  outcome: 'met' | 'missed' | 'not measured';
  measured: string;
  why?: string;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  size: number;
  smoke: boolean;
  seed: number;
  /** Said loudly in the table: a run on a busy machine is indicative only. */
  label: string;
  machine: { cpus: string; cores: number; memoryGb: number; node: string; postgres: string; os: string; loadAverage: number[] };
  datasets: DatasetInfo[];
  scenarios: ScenarioResult[];
  targets: TargetCheck[];
}

/** The figures of a scenario from what was measured. */
export function figures(input: {
  id: string;
  dataset: DatasetInfo;
  kind: ScenarioKind;
  title: string;
  rows: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  processes: ProcessFigures[];
  temporal?: HistoryFigures;
  note?: string;
  extra?: Record<string, unknown>;
}): ScenarioResult {
  const rowsPerSecond = input.seconds > 0 ? input.rows / input.seconds : 0;
  return {
    id: input.id,
    dataset: input.dataset.table,
    kind: input.kind,
    title: input.title,
    status: 'ok',
    ...(input.note ? { note: input.note } : {}),
    rows: input.rows,
    seconds: round(input.seconds, 3),
    rowsPerSecond: Math.round(rowsPerSecond),
    mbPerSecond: round((rowsPerSecond * input.dataset.avgRowBytes) / 1e6, 2),
    cpuSecondsPerMillionRows: input.rows > 0 ? round((input.cpuSeconds / input.rows) * 1e6, 2) : 0,
    peakRssMb: input.peakRssMb,
    processes: input.processes,
    ...(input.temporal ? { temporal: input.temporal } : {}),
    ...(input.extra ? { extra: input.extra } : {}),
  };
}

export function notRun(id: string, dataset: string, kind: ScenarioKind, title: string, status: 'failed' | 'skipped', note: string): ScenarioResult {
  return { id, dataset, kind, title, status, note, rows: 0, seconds: 0, rowsPerSecond: 0, mbPerSecond: 0, cpuSecondsPerMillionRows: 0, peakRssMb: 0, processes: [] };
}

/** Which peer scenario each platform scenario is compared with. */
const PEER_PAIRS: Record<string, string[]> = {
  'pg-pg': ['sling-pg-pg', 'dlt-pg-pg'],
  'pg-parquet-local': ['sling-parquet', 'dlt-parquet'],
  'pg-parquet-s3': ['sling-parquet-s3', 'dlt-parquet-s3'],
};

export function addRatios(scenarios: ScenarioResult[]): void {
  const find = (id: string, dataset: string) => scenarios.find((s) => s.id === id && s.dataset === dataset && s.status === 'ok');
  for (const s of scenarios) {
    if (s.status !== 'ok' || s.kind === 'ceiling') continue;
    const ratios: Record<string, number> = {};
    const read = find('ceiling-read', s.dataset);
    const pipe = find('ceiling-pipe', s.dataset);
    if (read?.rowsPerSecond) ratios['read ceiling'] = round(s.rowsPerSecond / read.rowsPerSecond, 3);
    if (pipe?.rowsPerSecond) ratios['psql pipe'] = round(s.rowsPerSecond / pipe.rowsPerSecond, 3);
    for (const peer of PEER_PAIRS[s.id] ?? []) {
      const p = find(peer, s.dataset);
      if (p?.rowsPerSecond) ratios[peer] = round(s.rowsPerSecond / p.rowsPerSecond, 3);
    }
    s.ratios = ratios;
  }
}

/** Peak worker RSS of a platform scenario in another results file, for the 1M → 10M flatness check. */
export interface RssAtSize {
  size: number;
  peakWorkerRssMb: number;
  file: string;
}

export function checkTargets(results: Pick<BenchResults, 'scenarios' | 'size'>, otherRuns: RssAtSize[]): TargetCheck[] {
  const s = results.scenarios;
  const ok = (id: string, dataset = 'orders') => s.find((x) => x.id === id && x.dataset === dataset && x.status === 'ok');
  const checks: TargetCheck[] = [];
  const ratioTarget = (target: string, id: string, ratio: string, min: number) => {
    const r = ok(id)?.ratios?.[ratio];
    checks.push(
      r === undefined
        ? { target, outcome: 'not measured', measured: '—', why: `${id} or ${ratio} did not run` }
        : { target, outcome: r >= min ? 'met' : 'missed', measured: `${pct(r)} of the ${ratio}` },
    );
  };
  ratioTarget('PG → Parquet ≥ 40% of the read ceiling', 'pg-parquet-local', 'read ceiling', 0.4);
  ratioTarget('PG → PG ≥ 85% of the psql pipe', 'pg-pg', 'psql pipe', 0.85);

  for (const peer of ['sling', 'dlt']) {
    const pairs = s.filter((x) => x.kind === 'platform' && x.status === 'ok').flatMap((x) => Object.entries(x.ratios ?? {}).filter(([k]) => k.startsWith(`${peer}-`)).map(([k, r]) => ({ what: `${x.id}/${x.dataset} vs ${k}`, r })));
    checks.push(
      pairs.length === 0
        ? { target: `faster than ${peer}`, outcome: 'not measured', measured: '—', why: `${peer} did not run` }
        : { target: `faster than ${peer}`, outcome: pairs.every((p) => p.r > 1) ? 'met' : 'missed', measured: pairs.map((p) => `${p.what}: ×${p.r}`).join('; ') },
    );
  }

  const platform = s.filter((x) => x.kind === 'platform' && x.status === 'ok');
  const peakWorker = Math.max(0, ...platform.map((x) => x.peakRssMb));
  checks.push(
    platform.length
      ? { target: 'worker peak RSS ≤ 512 MB', outcome: peakWorker <= 512 ? 'met' : 'missed', measured: `${peakWorker} MB (max over syncs)` }
      : { target: 'worker peak RSS ≤ 512 MB', outcome: 'not measured', measured: '—', why: 'no sync ran' },
  );
  const runs = [...otherRuns, ...(platform.length ? [{ size: results.size, peakWorkerRssMb: peakWorker, file: 'this run' }] : [])];
  const small = runs.filter((r) => r.size === 1_000_000).pop();
  const large = runs.filter((r) => r.size === 10_000_000).pop();
  if (small && large) {
    const change = large.peakWorkerRssMb / small.peakWorkerRssMb - 1;
    checks.push({ target: 'worker RSS flat (±15%) 1M → 10M', outcome: Math.abs(change) <= 0.15 ? 'met' : 'missed', measured: `${small.peakWorkerRssMb} → ${large.peakWorkerRssMb} MB (${change >= 0 ? '+' : ''}${pct(change)})` });
  } else {
    checks.push({ target: 'worker RSS flat (±15%) 1M → 10M', outcome: 'not measured', measured: runs.map((r) => `${human(r.size)}: ${r.peakWorkerRssMb} MB`).join(', ') || '—', why: 'needs results of a 1M and a 10M run in bench/results' });
  }

  const full = ok('pg-pg');
  for (const [id, mode] of [['incremental', 'append + dedup'], ['incremental-append', 'append']] as const) {
    const incremental = ok(id);
    const target = `incremental (${mode}) after 1% ≤ 5% of full refresh`;
    if (incremental && full) {
      const after = Number(incremental.extra?.['incrementalSeconds'] ?? incremental.seconds);
      const share = after / full.seconds;
      checks.push({ target, outcome: share <= 0.05 ? 'met' : 'missed', measured: `${round(after, 2)} s vs ${round(full.seconds, 2)} s (${pct(share)})` });
    } else {
      checks.push({ target, outcome: 'not measured', measured: '—', why: `${id} or pg-pg did not run` });
    }
  }

  const resume = ok('resume');
  const reread = resume?.extra?.['rowsReread'];
  const partition = resume?.extra?.['partitionRows'];
  if (resume && typeof reread === 'number' && typeof partition === 'number') {
    checks.push({ target: 'resume re-reads ≤ one partition', outcome: reread <= partition ? 'met' : 'missed', measured: `${reread.toLocaleString('en')} rows re-read; a partition (checkpoint) is ${partition.toLocaleString('en')} rows` });
  } else {
    checks.push({ target: 'resume re-reads ≤ one partition', outcome: 'not measured', measured: '—', why: resume?.note ?? 'resume did not run' });
  }

  const histories = platform.filter((x) => x.temporal);
  if (histories.length) {
    const largest = Math.max(...histories.map((x) => x.temporal!.largestPayloadBytes));
    const events = Math.max(...histories.map((x) => x.temporal!.historyEvents));
    checks.push({ target: 'no Temporal payload > 256 KB', outcome: largest <= 256 * 1024 ? 'met' : 'missed', measured: `largest ${(largest / 1024).toFixed(1)} KB` });
    checks.push({ target: '< 10,000 history events per sync', outcome: events < 10_000 ? 'met' : 'missed', measured: `at most ${events} events` });
  } else {
    for (const target of ['no Temporal payload > 256 KB', '< 10,000 history events per sync']) checks.push({ target, outcome: 'not measured', measured: '—', why: 'no workflow history read' });
  }
  return checks;
}

export function markdown(results: BenchResults): string {
  const m = results.machine;
  const lines: string[] = [];
  lines.push(`### ${results.label}`);
  lines.push('');
  lines.push(
    `Run ${results.startedAt} · size ${human(results.size)} orders rows${results.smoke ? ' (smoke)' : ''} · seed ${results.seed} · ${m.cores} × ${m.cpus}, ${m.memoryGb} GB · ${m.os} · Node ${m.node} · ${m.postgres} · load average at start ${m.loadAverage.map((n) => n.toFixed(1)).join(' / ')}`,
  );
  lines.push('');
  lines.push('| dataset | rows | table size | avg row (COPY text) | prepared in |');
  lines.push('|---|---:|---:|---:|---:|');
  for (const d of results.datasets) lines.push(`| ${d.table} | ${d.rows.toLocaleString('en')} | ${(d.tableBytes / 1e6).toFixed(0)} MB | ${d.avgRowBytes} B | ${d.prepareSeconds.toFixed(1)} s |`);
  lines.push('');
  lines.push('| scenario | data | rows/s | MB/s | s | CPU s / M rows | peak RSS MB | vs read ceiling | vs psql pipe | vs peers | history events | largest payload | load |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const s of results.scenarios) {
    if (s.status !== 'ok') {
      lines.push(`| ${s.id} | ${s.dataset} | ${s.status}: ${(s.note ?? '').replace(/\|/g, '/').replace(/\n/g, ' ').slice(0, 160)} | | | | | | | | | | |`);
      continue;
    }
    const r = s.ratios ?? {};
    const peers = Object.entries(r)
      .filter(([k]) => k !== 'read ceiling' && k !== 'psql pipe')
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ');
    lines.push(
      `| ${s.id} | ${s.dataset} | ${s.rowsPerSecond.toLocaleString('en')} | ${s.mbPerSecond} | ${s.seconds} | ${s.cpuSecondsPerMillionRows} | ${s.peakRssMb} | ${r['read ceiling'] !== undefined ? pct(r['read ceiling']) : ''} | ${r['psql pipe'] !== undefined ? pct(r['psql pipe']) : ''} | ${peers} | ${s.temporal?.historyEvents ?? ''} | ${s.temporal ? `${(s.temporal.largestPayloadBytes / 1024).toFixed(1)} KB` : ''} | ${s.loadAverage1m ?? ''} |`,
    );
  }
  lines.push('');
  lines.push('| target | outcome | measured |');
  lines.push('|---|---|---|');
  for (const t of results.targets) lines.push(`| ${t.target} | ${t.outcome === 'met' ? 'met' : t.outcome === 'missed' ? '**missed**' : 'not measured'} | ${t.measured}${t.why ? ` (${t.why})` : ''} |`);
  const notes = results.scenarios.filter((s) => s.status === 'ok' && s.note);
  if (notes.length) {
    lines.push('');
    for (const s of notes) lines.push(`- \`${s.id}\` (${s.dataset}): ${s.note}`);
  }
  return lines.join('\n');
}

export function human(rows: number): string {
  if (rows >= 1_000_000 && rows % 1_000_000 === 0) return `${rows / 1_000_000}M`;
  if (rows >= 1000 && rows % 1000 === 0) return `${rows / 1000}k`;
  return String(rows);
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
