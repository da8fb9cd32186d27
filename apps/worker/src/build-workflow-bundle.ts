// Build step: bundles the workflow code once, so a worker starts without running webpack and every
// worker of a release runs byte-identical workflow code.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '@tributary/workflows';

export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

async function build(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => process.stderr.write(`${m}\n`), error: (m) => process.stderr.write(`${m}\n`) } });
  writeFileSync(join(__dirname, WORKFLOW_BUNDLE_FILE), code);
}

if (require.main === module) {
  build().catch((error: unknown) => {
    process.stderr.write(`workflow bundle failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
