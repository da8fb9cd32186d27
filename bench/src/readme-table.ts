// bench/README.md shows the table of the latest full run (the newest results file that is not a
// smoke run), between two markers, with links to the earlier runs.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResults } from './bench-report';

const START = '<!-- bench-results:start -->';
const END = '<!-- bench-results:end -->';

export async function updateReadme(readmeFile: string, resultsDir: string): Promise<void> {
  const runs: { file: string; results: BenchResults }[] = [];
  for (const file of (await readdir(resultsDir)).filter((f) => f.endsWith('.json')).sort()) {
    try {
      const results = JSON.parse(await readFile(join(resultsDir, file), 'utf8')) as BenchResults;
      if (!results.smoke) runs.push({ file, results });
    } catch {
      // Not a results file.
    }
  }
  if (!runs.length) return;
  runs.sort((a, b) => a.results.startedAt.localeCompare(b.results.startedAt));
  const latest = runs[runs.length - 1]!;
  const table = await readFile(join(resultsDir, latest.file.replace(/\.json$/, '.md')), 'utf8');
  const others = runs
    .slice(0, -1)
    .reverse()
    .map((r) => `- [${r.file.replace(/\.json$/, '')}](results/${r.file.replace(/\.json$/, '.md')}) — ${r.results.label}`);
  const section = [START, '', `Latest run: [results/${latest.file}](results/${latest.file})`, '', table.trim(), '', ...(others.length ? ['Earlier runs:', '', ...others, ''] : []), END].join('\n');
  const readme = await readFile(readmeFile, 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  const next = from >= 0 && to > from ? `${readme.slice(0, from)}${section}${readme.slice(to + END.length)}` : `${readme.trimEnd()}\n\n${section}\n`;
  await writeFile(readmeFile, next);
}
