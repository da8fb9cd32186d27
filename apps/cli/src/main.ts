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

void main(process.argv).then((code) => {
  process.exitCode = code;
  // Let output drain; do not let a forgotten handle (a pool, a timer) keep the command alive.
  setTimeout(() => process.exit(code), 2000).unref();
});
