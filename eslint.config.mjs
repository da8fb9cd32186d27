// One lint configuration for the whole workspace. The module-boundary rule encodes the dependency
// table of DESIGN §1: a project may only import the projects its tags allow.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import jest from 'eslint-plugin-jest';
import tseslint from 'typescript-eslint';

const workflowBannedImports = [
  'typeorm',
  'pg',
  '@nestjs/*',
  'node:*',
  'fs',
  'http',
  'https',
  'net',
  'child_process',
  'axios',
  'undici',
  'node-fetch',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.next/**',
      '**/.nx/**',
      '**/.tributary/**',
      '**/next-env.d.ts',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false, fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@tributary/*/src', '@tributary/*/src/*', '@tributary/*/dist/*'], message: 'Import a project through its public entry point only.' }] },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          // The test harness is test infrastructure, not a project: tests may import it.
          allow: ['^(\\.\\./)+tools/testing(/[a-z0-9-]+)?$'],
          depConstraints: [
            { sourceTag: 'scope:protocol', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:connector-sdk', onlyDependOnLibsWithTags: ['scope:protocol'] },
            { sourceTag: 'type:connector', onlyDependOnLibsWithTags: ['scope:connector-sdk', 'scope:protocol'] },
            { sourceTag: 'scope:sync-engine', onlyDependOnLibsWithTags: ['scope:connector-sdk', 'scope:protocol'] },
            {
              sourceTag: 'scope:workflows',
              onlyDependOnLibsWithTags: ['scope:protocol'],
              bannedExternalImports: workflowBannedImports,
            },
            { sourceTag: 'scope:persistence', onlyDependOnLibsWithTags: ['scope:protocol'] },
            {
              sourceTag: 'scope:api',
              onlyDependOnLibsWithTags: ['scope:persistence', 'scope:workflows', 'scope:protocol', 'scope:connector-sdk'],
            },
            {
              sourceTag: 'scope:worker',
              onlyDependOnLibsWithTags: ['scope:persistence', 'scope:workflows', 'scope:protocol', 'scope:connector-sdk', 'scope:sync-engine'],
            },
            {
              sourceTag: 'scope:cli',
              onlyDependOnLibsWithTags: ['scope:persistence', 'scope:protocol', 'scope:connector-sdk', 'scope:sync-engine'],
            },
            { sourceTag: 'scope:console', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:bench', onlyDependOnLibsWithTags: [] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/test/**/*.ts', 'e2e/**/*.ts'],
    ...jest.configs['flat/recommended'],
    rules: {
      ...jest.configs['flat/recommended'].rules,
      'jest/valid-expect': 'error',
      'jest/no-disabled-tests': 'error',
      'jest/no-focused-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*'] }],
    },
  },
);
