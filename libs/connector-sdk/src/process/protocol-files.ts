// Config, catalog and state go to an executable as files, as Airbyte does: written to a private
// temp directory (0700; the config holds secrets, 0600) and removed when the operation ends.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ProtocolFiles {
  /** Writes `value` as JSON and returns its path. */
  write(name: string, value: unknown): Promise<string>;
  remove(): Promise<void>;
}

export async function createProtocolFiles(): Promise<ProtocolFiles> {
  const directory = await mkdtemp(join(tmpdir(), 'tributary-connector-'));
  return {
    async write(name, value) {
      const path = join(directory, name);
      await writeFile(path, JSON.stringify(value), { mode: 0o600 });
      return path;
    },
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
