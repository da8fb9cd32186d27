// Conformance fixture: writes into a fresh temp directory; the bad config points below a regular
// file, where no directory can be created.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConformanceFixture } from '@tributary/connector-sdk/testing';

export const fixture: ConformanceFixture = {
  async setup() {
    const root = await mkdtemp(join(tmpdir(), 'tributary-local-files-conformance-'));
    await writeFile(join(root, 'a-file'), 'not a directory');
    return {
      config: { destination_path: join(root, 'out') },
      badConfig: { destination_path: join(root, 'a-file', 'out') },
      teardown: () => rm(root, { recursive: true, force: true }),
    };
  },
};
