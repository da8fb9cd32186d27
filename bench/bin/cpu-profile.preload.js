// Preloaded into a worker by `npm run bench -- --profile` (NODE_OPTIONS=--require …): Node 20 does
// not accept --cpu-prof in NODE_OPTIONS, so the profiler is started through the inspector and the
// profile written to $BENCH_CPU_PROFILE_DIR when the process exits.
'use strict';
const { Session } = require('node:inspector');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.enable');
  session.post('Profiler.start');
  process.on('exit', () => {
    // The in-process inspector answers synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (error, result) => {
      if (error || !result) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `worker-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
