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

/**
 * V8 flags of every worker process. A larger young generation (32 MB semi-spaces) lets the
 * short-lived record objects of a sync die young: measured at 1M rows PG→PG, worker CPU per
 * million rows fell by a third and peak RSS by ~60 MB (bench/README.md).
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=32'];
