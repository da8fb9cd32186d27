// Preloaded (node --require) into every process a test stack starts. When the test process that
// started it is gone — it crashed, or exited with a stack nobody stopped — the process stops itself
// rather than live on as an orphan holding ports, database connections and task-queue polls.
'use strict';

const parent = process.ppid;

setInterval(() => {
  if (process.ppid === parent) return;
  process.kill(process.pid, 'SIGTERM');
  // A process that ignores SIGTERM (or hangs while stopping) is ended anyway.
  setTimeout(() => process.exit(1), 15_000).unref();
}, 1000).unref();
