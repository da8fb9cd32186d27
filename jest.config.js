// One Jest run for the whole workspace. `@tributary/*` imports resolve to each project's TypeScript
// sources, so unit tests never need a build; integration and e2e tests start the built apps.
const { readdirSync, existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const moduleNameMapper = {};
for (const group of ['libs', 'connectors', 'apps']) {
  if (!existsSync(join(__dirname, group))) continue;
  for (const dir of readdirSync(join(__dirname, group))) {
    const pkgFile = join(__dirname, group, dir, 'package.json');
    if (!existsSync(pkgFile)) continue;
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
    if (!pkg.name || !pkg.name.startsWith('@tributary/') || !existsSync(join(__dirname, group, dir, 'src', 'index.ts'))) continue;
    const escaped = pkg.name.replace(/[/-]/g, (c) => `\\${c}`);
    moduleNameMapper[`^${escaped}$`] = `<rootDir>/${group}/${dir}/src/index.ts`;
    moduleNameMapper[`^${escaped}/(.*)$`] = `<rootDir>/${group}/${dir}/src/$1`;
  }
}

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true, tsx: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: 'automatic' } },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/apps/console/.next/'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.next/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{libs,connectors,apps}/*/src/**/*.spec.ts', '<rootDir>/apps/console/{lib,components}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{libs,connectors,apps}/*/test/**/*.test.ts', '<rootDir>/bench/test/**/*.test.ts', '<rootDir>/e2e/**/*.e2e.ts'],
      globalSetup: '<rootDir>/tools/testing/global-setup.ts',
      globalTeardown: '<rootDir>/tools/testing/global-teardown.ts',
      // Jest reads testTimeout only at the top level; this file sets it for integration tests.
      setupFilesAfterEnv: ['<rootDir>/tools/testing/setup-integration.ts'],
      slowTestThreshold: 60,
    },
  ],
};
