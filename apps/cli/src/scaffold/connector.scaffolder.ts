// Scaffolds a connector package from a template in apps/cli/templates: the template's files
// (`*.tmpl`, with `{{placeholders}}` and `__stem__` in file names) plus what depends on where the
// package lands — package.json and tsconfig files. Inside the Tributary checkout the package uses
// the workspace's SDK, TypeScript and Jest (tsconfig extends tsconfig.base.json); outside it, it
// gets file: links to the checkout's SDK and its own dev dependencies, to install with npm.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ConnectorKind } from '@tributary/protocol';
import { type ConnectorNames, connectorNames } from './connector-name';
import { ScaffoldException, ScaffoldExceptionCode } from './scaffold.exception';

export type TemplateName = 'http' | 'declarative' | 'database' | 'files';

/** Templates per kind; the first is the default. */
export const TEMPLATES: Record<ConnectorKind, readonly TemplateName[]> = {
  source: ['http', 'declarative', 'database'],
  destination: ['files'],
};

const TEMPLATE_DESCRIPTIONS: Record<TemplateName, string> = {
  http: 'an HTTP API source on the SDK HTTP toolkit (auth, pagination, incremental cursor)',
  declarative: 'an HTTP API source whose streams are declared in streams.yaml',
  database: 'a source reading a PostgreSQL table with pg (incremental by a cursor column)',
  files: 'a destination writing JSON Lines files through the SDK files layer (commits at states, resume)',
};

export interface ScaffoldOptions {
  name: string;
  kind?: ConnectorKind;
  template?: string;
  /** The directory the package directory is created in. */
  parentDirectory: string;
  /** The Tributary checkout, when known (decides how the SDK is referenced). */
  workspaceRoot?: string;
}

export interface ScaffoldResult {
  names: ConnectorNames;
  template: TemplateName;
  directory: string;
  /** Relative to `directory`, sorted. */
  files: string[];
  /** True when the package is inside the checkout and uses the workspace's node_modules. */
  inWorkspace: boolean;
  /** True when the registry finds it without TRIBUTARY_PLUGINS (a package directly under connectors/). */
  inConnectorsDirectory: boolean;
}

/** apps/cli/templates, from src/scaffold (Jest) and dist/scaffold (the built CLI) alike. */
export const TEMPLATES_DIRECTORY = resolve(__dirname, '..', '..', 'templates');

export function resolveTemplate(kind: ConnectorKind, template: string | undefined): TemplateName {
  const allowed = TEMPLATES[kind];
  if (template === undefined) return allowed[0]!;
  if (!(allowed as readonly string[]).includes(template)) {
    const list = allowed.map((t) => `${t} (${TEMPLATE_DESCRIPTIONS[t]})`).join('; ');
    throw new ScaffoldException(ScaffoldExceptionCode.INVALID_TEMPLATE, `there is no "${template}" template for a ${kind}. Choose one of: ${list}.`);
  }
  return template as TemplateName;
}

export function scaffoldConnector(options: ScaffoldOptions): ScaffoldResult {
  const names = connectorNames(options.name, options.kind);
  const template = resolveTemplate(names.kind, options.template);
  const directory = resolve(options.parentDirectory, names.id);
  if (existsSync(directory) && (!statSync(directory).isDirectory() || readdirSync(directory).length > 0)) {
    throw new ScaffoldException(ScaffoldExceptionCode.TARGET_EXISTS, `${directory} already exists and is not empty; nothing was written. Choose another name or --dir.`);
  }
  const root = options.workspaceRoot;
  const inWorkspace = root !== undefined && isInside(root, directory);
  const inConnectorsDirectory = root !== undefined && dirname(directory) === join(root, 'connectors');

  const files = new Map<string, string>();
  const values = placeholderValues(names, template);
  for (const source of templateLayers(names.kind, template).map((layer) => join(TEMPLATES_DIRECTORY, layer))) {
    for (const file of listFiles(source)) {
      const target = file.replace(/\.tmpl$/, '').replace(/__stem__/g, names.stem);
      files.set(target, render(readFileSync(join(source, file), 'utf8'), values, `${source}/${file}`));
    }
  }
  const packageJson = packageManifest(names, template, inWorkspace, inConnectorsDirectory, root);
  files.set('package.json', `${JSON.stringify(packageJson, null, 2)}\n`);
  for (const [file, content] of Object.entries(typeScriptConfigs(directory, inWorkspace, root))) files.set(file, `${JSON.stringify(content, null, 2)}\n`);

  for (const [file, content] of files) {
    const path = join(directory, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content, { flag: 'wx' });
  }
  return { names, template, directory, files: [...files.keys()].sort(), inWorkspace, inConnectorsDirectory };
}

/** What to do next, as the command prints it. */
export function nextSteps(result: ScaffoldResult, cwd: string): string[] {
  const where = relative(cwd, result.directory) || '.';
  const lines = [
    `Created ${result.names.id} (${result.names.kind}, ${result.template} template) in ${where}: ${result.files.length} files.`,
    '',
    'Next steps:',
    `  cd ${where}`,
  ];
  if (!result.inWorkspace) lines.push('  npm install                       # outside the checkout: links its SDK, installs TypeScript and Jest');
  lines.push(
    '  npm run build                     # compile src/ into dist/ (what the platform loads)',
    '  npm test                          # the unit tests next to the code',
    '  npx tributary connector test .    # the conformance suite, with test/conformance.fixture.ts',
  );
  if (result.template === 'database') lines.push('                                    # (needs TRIBUTARY_TEST_DATABASE_URL: a PostgreSQL the fixture may create a schema in)');
  lines.push('');
  if (result.inConnectorsDirectory) {
    lines.push('It is under connectors/: the platform lists it in its catalog on the next start (npm start).');
  } else {
    lines.push('Make the platform load it (API and workers):', `  TRIBUTARY_PLUGINS=${result.directory} npm start`);
  }
  lines.push('Guide: docs/connectors/first-connector.md; reference: docs/connectors/sdk-reference.md.');
  return lines;
}

/**
 * The template directories a package is made from, later ones overriding files of earlier ones:
 * the declarative source is the HTTP source with its streams moved into streams.yaml.
 */
function templateLayers(kind: ConnectorKind, template: TemplateName): string[] {
  if (kind === 'source' && template === 'declarative') return ['common', 'source-http', 'source-declarative'];
  return ['common', `${kind}-${template}`];
}

function placeholderValues(names: ConnectorNames, template: TemplateName): Record<string, string> {
  return { id: names.id, kind: names.kind, stem: names.stem, pascal: names.pascal, title: names.title, template };
}

/** Replaces `{{name}}`; an unknown placeholder is a bug in the template, not something to leave in. */
function render(text: string, values: Record<string, string>, file: string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`template ${file} uses an unknown placeholder ${match}`);
    return value;
  });
}

function listFiles(directory: string, prefix = ''): string[] {
  if (!existsSync(directory)) throw new Error(`the template directory ${directory} is missing: reinstall the CLI`);
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(directory, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

function isInside(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path !== '' && !path.startsWith('..') && !path.startsWith(sep) && !/^[a-zA-Z]:/.test(path);
}

/** Third-party packages a template's code imports, with the range the workspace uses. */
const TEMPLATE_DEPENDENCIES: Record<TemplateName, { dependencies: string[]; devDependencies: string[] }> = {
  http: { dependencies: [], devDependencies: [] },
  declarative: { dependencies: ['yaml'], devDependencies: [] },
  database: { dependencies: ['pg'], devDependencies: ['@types/pg'] },
  files: { dependencies: [], devDependencies: [] },
};
const TOOLCHAIN = ['typescript', '@types/node', '@types/jest', 'jest', '@swc/core', '@swc/jest'];

function packageManifest(names: ConnectorNames, template: TemplateName, inWorkspace: boolean, inConnectorsDirectory: boolean, root: string | undefined): Record<string, unknown> {
  const versions = root ? workspaceVersions(root) : {};
  const range = (name: string) => versions[name] ?? '*';
  const extra = TEMPLATE_DEPENDENCIES[template];
  const sdk = (lib: string) => (inWorkspace || !root ? '*' : `file:${join(root, 'libs', lib)}`);
  const dependencies: Record<string, string> = { '@tributary/connector-sdk': sdk('connector-sdk'), '@tributary/protocol': sdk('protocol') };
  for (const name of extra.dependencies) dependencies[name] = range(name);
  const devDependencies: Record<string, string> = {};
  for (const name of [...extra.devDependencies, ...(inWorkspace ? [] : TOOLCHAIN)]) devDependencies[name] = range(name);
  return {
    // In connectors/ the package is a workspace of the monorepo, named like its siblings.
    name: inConnectorsDirectory ? `@tributary/${names.id}` : `tributary-${names.id}`,
    version: '0.1.0',
    private: true,
    description: `${names.title} ${names.kind} connector for Tributary.`,
    main: 'dist/index.js',
    types: 'dist/index.d.ts',
    files: ['dist', 'tributary.connector.json', 'README.md', 'icon.svg', ...(template === 'declarative' ? ['streams.yaml'] : [])],
    scripts: {
      build: 'tsc -p tsconfig.build.json',
      test: 'jest',
      ...(inConnectorsDirectory ? { lint: 'eslint .' } : {}),
    },
    dependencies,
    ...(Object.keys(devDependencies).length ? { devDependencies } : {}),
    ...(inConnectorsDirectory ? { nx: { tags: ['type:connector'] } } : {}),
  };
}

function workspaceVersions(root: string): Record<string, string> {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    return { ...pkg.dependencies, ...pkg.devDependencies };
  } catch {
    return {};
  }
}

/** The compiler options of tsconfig.base.json that a package outside the checkout needs on its own. */
const STANDALONE_COMPILER_OPTIONS = {
  target: 'es2022',
  lib: ['es2023'],
  module: 'nodenext',
  moduleResolution: 'nodenext',
  strict: true,
  noImplicitOverride: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  esModuleInterop: true,
  resolveJsonModule: true,
  skipLibCheck: true,
  declaration: true,
  sourceMap: true,
  forceConsistentCasingInFileNames: true,
};

function typeScriptConfigs(directory: string, inWorkspace: boolean, root: string | undefined): Record<string, object> {
  const base = inWorkspace && root ? { extends: relative(directory, join(root, 'tsconfig.base.json')).split(sep).join('/') } : {};
  const shared = inWorkspace ? {} : STANDALONE_COMPILER_OPTIONS;
  return {
    // Type-checks everything, tests included (editors read this one).
    'tsconfig.json': { ...base, compilerOptions: { ...shared, types: ['node', 'jest'], noEmit: true }, include: ['src/**/*.ts', 'test/**/*.ts'] },
    // What `npm run build` compiles into dist/: the code the platform loads, without the tests.
    'tsconfig.build.json': {
      ...base,
      compilerOptions: { ...shared, types: ['node'], rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.spec.ts'],
    },
  };
}
