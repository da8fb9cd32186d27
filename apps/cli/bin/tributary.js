#!/usr/bin/env node
// The `tributary` command. A committed launcher (not dist/main.js itself) so that `npm install`
// links the bin on a fresh clone, before anything is built.
try {
  require.resolve('../dist/main.js');
} catch {
  process.stderr.write('error: the tributary CLI is not built yet: run `npm run build` first\n');
  process.exit(1);
}
require('../dist/main.js');
