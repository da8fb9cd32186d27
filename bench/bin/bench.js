#!/usr/bin/env node
// Runs the harness straight from its TypeScript sources, compiled on load by @swc/core (the
// compiler the test suite already uses): the harness imports tools/testing and the CLI's process
// machinery as sources, which a separate tsc build of this package could not own.
'use strict';
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

// The read ceiling runs in a process of its own, loading only the decoder, so its CPU and memory
// are the read's alone.
const internal = process.argv[2] === '--internal-copy-read';
const entry = internal ? require('../src/copy-binary.decoder.ts').copyReadMain : require('../src/main.ts').main;
entry(process.argv.slice(internal ? 3 : 2))
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
