#!/usr/bin/env node
// Entry point of the `tributary` command: runs the program and turns its outcome into an exit
// code — 0 success, 1 failure (reported in words; stack trace only with --verbose), 2 usage error.
import { CommanderError } from 'commander';
import { createProgram } from './program';

async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const verbose = argv.includes('--verbose');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${message}\n`);
    if (verbose && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
    return 1;
  }
}

// If the event loop empties while a command is still pending (a promise nobody will settle), the
// process would exit 0 with half the work done: report it and fail instead.
let settled = false;
process.on('beforeExit', () => {
  if (settled) return;
  process.stderr.write('error: the command stopped before finishing (nothing was left to wait for); this is a bug, please report it\n');
  process.exitCode = 1;
});

void main(process.argv).then((code) => {
  settled = true;
  process.exitCode = code;
  // Let output drain; do not let a forgotten handle (a pool, a timer) keep the command alive.
  setTimeout(() => process.exit(code), 2000).unref();
});
