// What a connector supplies to the conformance suite: a config that works and one that must fail
// check, optionally made by a setup (start a fake API, create a test database) that is torn down
// afterwards. Kept in the package as `test/conformance.fixture.json` (static configs; `${NAME}`
// is replaced by the environment variable) or `test/conformance.fixture.{ts,js}` exporting
// `fixture`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonObject } from '@tributary/protocol';

export interface ConformanceEnvironment {
  config?: JsonObject;
  badConfig?: JsonObject;
  teardown?(): Promise<void> | void;
}

export interface ConformanceFixture {
  /** A config the connector accepts: check succeeds, discover and read work. */
  config?: JsonObject;
  /** A config check must reject with FAILED and a message (wrong credentials, unreachable host). */
  badConfig?: JsonObject;
  /** Prepares what the connector talks to; its configs override the static ones. */
  setup?(): Promise<ConformanceEnvironment> | ConformanceEnvironment;
  /** Streams the read checks use (default: every discovered stream). */
  streams?: string[];
  /** Checks to skip, with the reason (shown in the report). */
  skip?: Record<string, string>;
  /** Per operation (default 60 s): a check, discover, read or write that takes longer fails. */
  timeoutMs?: number;
}

export const FIXTURE_FILES = ['conformance.fixture.ts', 'conformance.fixture.js', 'conformance.fixture.json'];

/** The fixture file of a connector package, if it has one. */
export function findFixtureFile(directory: string): string | undefined {
  return FIXTURE_FILES.map((name) => join(directory, 'test', name)).find((file) => existsSync(file));
}

/**
 * Loads a connector's fixture. A TypeScript fixture needs a runtime that loads .ts (Jest does; the
 * CLI registers a transpiler first). Throws when there is none, naming the files looked for.
 */
export function loadFixture(directory: string, env: NodeJS.ProcessEnv = process.env): ConformanceFixture {
  const file = findFixtureFile(directory);
  if (!file) throw new Error(`no conformance fixture in ${join(directory, 'test')} (looked for ${FIXTURE_FILES.join(', ')})`);
  if (file.endsWith('.json')) {
    const text = readFileSync(file, 'utf8').replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => {
      const value = env[name];
      if (value === undefined) throw new Error(`${file} uses \${${name}}, which is not set`);
      return JSON.stringify(value).slice(1, -1);
    });
    return JSON.parse(text) as ConformanceFixture;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as { fixture?: ConformanceFixture; default?: ConformanceFixture };
  const fixture = mod.fixture ?? mod.default;
  if (!fixture || typeof fixture !== 'object') throw new Error(`${file} must export \`fixture\``);
  return fixture;
}
