// Where the built apps live. The CLI runs from the repository (npm start, Nx targets), so the apps
// are found next to it; a missing build is reported with the command that makes it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CliException, CliExceptionCode } from '../cli.exception';

export interface AppEntries {
  root: string;
  apiMain: string;
  workerMain: string;
  consoleDir: string;
  /** The `next` executable script the console is started with. */
  nextBin: string;
}

/** The repository root: the nearest folder above `from` whose package.json is the `tributary` workspace. */
export function findWorkspaceRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const { name, workspaces } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; workspaces?: unknown };
        if (name === 'tributary' && workspaces) return dir;
      } catch {
        // not ours; keep looking
      }
    }
    if (dirname(dir) === dir) {
      throw new CliException(CliExceptionCode.MISSING_BUILD, `Cannot find the Tributary repository above ${from}; run the CLI from a checkout.`);
    }
  }
}

export function resolveAppEntries(root: string): AppEntries {
  const entries: AppEntries = {
    root,
    apiMain: join(root, 'apps', 'api', 'dist', 'main.js'),
    workerMain: join(root, 'apps', 'worker', 'dist', 'main.js'),
    consoleDir: join(root, 'apps', 'console'),
    nextBin: '',
  };
  const missing = [entries.apiMain, entries.workerMain, join(entries.consoleDir, '.next', 'BUILD_ID')].filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new CliException(
      CliExceptionCode.MISSING_BUILD,
      `These builds are missing: ${missing.map((file) => file.slice(root.length + 1)).join(', ')}. Run "npm run build" at the repository root first (or "npm start", which builds and starts).`,
    );
  }
  try {
    entries.nextBin = require.resolve('next/dist/bin/next', { paths: [entries.consoleDir] });
  } catch {
    throw new CliException(CliExceptionCode.MISSING_BUILD, 'The "next" package is not installed; run "npm install" at the repository root.');
  }
  return entries;
}

/** Young-generation semi-space of a worker, MB: a sync's short-lived record objects die young. */
export const DEFAULT_WORKER_MAX_SEMI_SPACE_MB = 32;
/** Old-generation cap of a worker's V8 heaps, MB: what keeps its memory flat (docs/worker-memory.md). */
export const DEFAULT_WORKER_MAX_OLD_SPACE_MB = 512;

/**
 * V8 flags of a worker process. A larger young generation (32 MB semi-spaces) lets the
 * short-lived record objects of a sync die young: measured at 1M rows PG→PG, worker CPU per
 * million rows fell by a third and peak RSS by ~60 MB (bench/README.md). A cap on the old
 * generation makes V8 collect before its heap grows: without one, V8 lets a 4 GB-limit heap grow
 * to several times what a sync keeps alive, and the worker's RSS rises from sync to sync.
 *
 * TRIBUTARY_WORKER_MAX_SEMI_SPACE_MB and TRIBUTARY_WORKER_MAX_OLD_SPACE_MB override the defaults
 * (0 leaves V8's own default); a flag already in NODE_OPTIONS is left to it. `tributary up` and
 * the test stack start every worker with these flags and `workerEnvironment`.
 */
export function workerNodeFlags(env: NodeJS.ProcessEnv): string[] {
  const given = new Set((env['NODE_OPTIONS'] ?? '').split(/\s+/).map((option) => option.split('=')[0]!.replace(/_/g, '-')));
  const flags: string[] = [];
  const add = (flag: string, variable: string, fallback: number) => {
    const value = megabytes(env, variable, fallback);
    if (value > 0 && !given.has(flag)) flags.push(`${flag}=${value}`);
  };
  add('--max-semi-space-size', 'TRIBUTARY_WORKER_MAX_SEMI_SPACE_MB', DEFAULT_WORKER_MAX_SEMI_SPACE_MB);
  add('--max-old-space-size', 'TRIBUTARY_WORKER_MAX_OLD_SPACE_MB', DEFAULT_WORKER_MAX_OLD_SPACE_MB);
  return flags;
}

function megabytes(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  if (!/^\d+$/.test(text)) throw new CliException(CliExceptionCode.INVALID_CONFIG, `${name} must be a whole number of megabytes (0 for V8's default), but is "${text}".`);
  return Number(text);
}

/**
 * glibc malloc settings of a worker process, read by the C library when the process starts. Freed
 * Node buffers otherwise stay in malloc's arenas: glibc raises its mmap threshold after each large
 * free (up to 32 MB), so later buffers come from the heap, whose top alone can be returned. With a
 * fixed threshold of 256 KB large buffers are mapped and unmapped, and two arenas serve the
 * worker's threads (libuv, the Temporal core) instead of up to eight per core. Measured on one
 * long-lived worker over 16 syncs: RSS between syncs 357–397 MB instead of 383–505 MB.
 */
export const DEFAULT_WORKER_MALLOC_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '262144' };

/** The malloc settings a worker's environment lacks; a variable already set (to any value) is kept as it is. */
export function workerEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(DEFAULT_WORKER_MALLOC_ENV).filter(([name]) => env[name] === undefined));
}
