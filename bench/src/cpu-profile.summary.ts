// Where a worker's CPU went during a sync (`--profile`): the worker runs with `--cpu-prof`, and its
// .cpuprofile files are summarised into self time per component (which connector, lib or package
// the code belongs to) and the hottest functions.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  totalMs: number;
  /** Self time per component: `connectors/source-postgres`, `libs/sync-engine`, `node_modules/pg`, `node (internals)`, `gc`, … */
  components: { component: string; ms: number; share: number }[];
  functions: { fn: string; ms: number; share: number }[];
}

export async function summariseProfiles(dir: string, root: string): Promise<ProfileSummary | undefined> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) return undefined;
  const components = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  for (const file of files) {
    const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i]!);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000;
      if (!node) continue;
      totalMs += ms;
      const { functionName, url, lineNumber } = node.callFrame;
      const component = componentOf(url, functionName, root);
      if (component === '(idle)') {
        totalMs -= ms;
        continue;
      }
      components.set(component, (components.get(component) ?? 0) + ms);
      const where = url ? `${relative(root, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
      const key = `${functionName || '(anonymous)'} ${where}`.trim();
      functions.set(key, (functions.get(key) ?? 0) + ms);
    }
  }
  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms: Math.round(ms), share: Math.round((ms / totalMs) * 1000) / 1000 }));
  return {
    totalMs: Math.round(totalMs),
    components: top(components, 15).map(({ name, ms, share }) => ({ component: name, ms, share })),
    functions: top(functions, 25).map(({ name, ms, share }) => ({ fn: name, ms, share })),
  };
}

function componentOf(url: string, functionName: string, root: string): string {
  if (functionName === '(idle)' || functionName === '(program)') return functionName === '(idle)' ? '(idle)' : '(program)';
  if (functionName === '(garbage collector)') return 'gc';
  if (!url) return 'native';
  if (url.startsWith('node:')) return 'node (internals)';
  const path = relative(root, url.replace(/^file:\/\//, ''));
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (modules) return `node_modules/${modules[1]}`;
  const project = /^(connectors|libs|apps)\/([^/]+)/.exec(path);
  if (project) return `${project[1]}/${project[2]}`;
  return path.split('/').slice(0, 2).join('/');
}
