import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorManifest } from '@tributary/protocol';
import { ConnectorRegistry, MANIFEST_FILE } from './connector-registry';

// Real connector packages on disk (manifest, package.json, README, icon, CommonJS entry module),
// some of them broken on purpose, read by the real registry.

const PROTOCOL_FIXTURE = join(__dirname, 'process', 'fixtures', 'protocol-connector.js');
const ICON = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';
const README = '# Alpha\n\nReads alphas.\n';

const spec = (properties: Record<string, unknown> = { api_key: { type: 'string', secret: true, order: 0 } }) => ({
  connectionSpecification: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties },
});

const sourceModule = (message: string) => `
exports.connector = {
  kind: 'source',
  create() {
    return {
      async check() { return { status: 'SUCCEEDED', message: ${JSON.stringify(message)} }; },
      async discover() { return { streams: [] }; },
      async *read() {},
    };
  },
};
`;

const destinationModule = `
exports.connector = {
  kind: 'destination',
  create() {
    return {
      async check() { return { status: 'SUCCEEDED', message: 'destination ready' }; },
      async *write() {},
    };
  },
};
`;

interface PackageFiles {
  manifest?: unknown;
  /** Written as the manifest text as is (for broken JSON). */
  rawManifest?: string;
  packageJson?: Record<string, unknown>;
  files?: Record<string, string>;
}

function writePackage(directory: string, { manifest, rawManifest, packageJson, files = {} }: PackageFiles): string {
  mkdirSync(directory, { recursive: true });
  if (rawManifest !== undefined) writeFileSync(join(directory, MANIFEST_FILE), rawManifest);
  else if (manifest !== undefined) writeFileSync(join(directory, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name: `@test/${directory.split('/').pop()}`, version: '0.0.1', main: 'index.js', ...packageJson }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

describe('ConnectorRegistry', () => {
  let root: string;
  let connectors: string;
  let registry: ConnectorRegistry;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tributary-registry-'));
    connectors = join(root, 'connectors');

    writePackage(join(connectors, 'source-alpha'), {
      manifest: { id: 'source-alpha', name: 'Alpha', kind: 'source', description: 'Reads alphas.', icon: 'icon.svg', spec: spec() },
      packageJson: { version: '1.2.3' },
      files: { 'index.js': sourceModule('alpha is reachable'), 'README.md': README, 'icon.svg': ICON },
    });
    writePackage(join(connectors, 'destination-beta'), {
      manifest: { id: 'destination-beta', name: 'Beta', kind: 'destination', version: '2.0.0', icon: ICON, spec: spec({ path: { type: 'string' } }) },
      files: { 'index.js': destinationModule },
    });
    writePackage(join(connectors, 'source-throws'), {
      manifest: { id: 'source-throws', name: 'Throws', kind: 'source', spec: spec() },
      files: { 'index.js': `throw new Error('boom on import: native driver missing');` },
    });
    writePackage(join(connectors, 'source-kind-mismatch'), {
      manifest: { id: 'source-kind-mismatch', name: 'Mismatch', kind: 'source', spec: spec() },
      files: { 'index.js': destinationModule },
    });
    writePackage(join(connectors, 'source-no-export'), {
      manifest: { id: 'source-no-export', name: 'No export', kind: 'source', spec: spec() },
      files: { 'index.js': `exports.somethingElse = 1;` },
    });
    // Broken manifests: each must land in `problems` without stopping the others.
    writePackage(join(connectors, 'bad-json'), { rawManifest: '{ "id": "bad-json", ' });
    writePackage(join(connectors, 'missing-fields'), { manifest: { id: 'missing-fields', name: 'Missing' } });
    writePackage(join(connectors, 'invalid-schema'), {
      manifest: { id: 'invalid-schema', name: 'Invalid', kind: 'source', spec: { connectionSpecification: { type: 'objekt' } } },
    });
    writePackage(join(connectors, 'bad-id'), { manifest: { id: 'Source_Bad', name: 'Bad id', kind: 'source', spec: spec() } });
    writePackage(join(connectors, 'bad-kind'), { manifest: { id: 'bad-kind', name: 'Bad kind', kind: 'transformer', spec: spec() } });
    // An executable connector registered through config: a manifest with a command, no JS entry.
    writePackage(join(connectors, 'source-exec'), {
      manifest: { id: 'source-exec', name: 'Exec', kind: 'source', spec: spec(), executable: { command: process.execPath, args: [PROTOCOL_FIXTURE] } },
    });
    writePackage(join(connectors, 'bad-executable'), { manifest: { id: 'bad-executable', name: 'Bad exec', kind: 'source', spec: spec(), executable: { command: '', args: [1] } } });
    writePackage(join(connectors, 'zz-duplicate-alpha'), { manifest: { id: 'source-alpha', name: 'Alpha again', kind: 'source', spec: spec() } });
    // Not connector packages: ignored silently.
    mkdirSync(join(connectors, 'docs'));
    writeFileSync(join(connectors, 'notes.txt'), 'not a package');

    // A plugin given by path, and one given by npm package name resolved from an app directory.
    writePackage(join(root, 'plugins', 'gamma'), {
      manifest: { id: 'source-gamma', name: 'Gamma', kind: 'source', spec: spec() },
      files: { 'index.js': sourceModule('gamma is reachable') },
    });
    writePackage(join(root, 'app', 'node_modules', '@acme', 'tributary-source-delta'), {
      manifest: { id: 'source-delta', name: 'Delta', kind: 'source', spec: spec() },
      packageJson: { name: '@acme/tributary-source-delta', version: '3.1.4' },
      files: { 'index.js': sourceModule('delta is reachable') },
    });

    registry = ConnectorRegistry.load({
      connectorDirectories: [connectors, join(root, 'no-such-directory')],
      plugins: [join(root, 'plugins', 'gamma'), '@acme/tributary-source-delta', '@acme/not-installed'],
      resolveFrom: join(root, 'app'),
    });
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('registers every valid package of the directories and plugins, sorted by id, without running their code', () => {
    // source-throws throws as soon as its module runs: listing it proves manifests are read only.
    expect(registry.list().map((c) => [c.manifest.id, c.origin])).toEqual([
      ['destination-beta', 'builtin'],
      ['source-alpha', 'builtin'],
      ['source-delta', 'plugin'],
      ['source-exec', 'builtin'],
      ['source-gamma', 'plugin'],
      ['source-kind-mismatch', 'builtin'],
      ['source-no-export', 'builtin'],
      ['source-throws', 'builtin'],
    ]);
  });

  it('lists by kind', () => {
    expect(registry.list('destination').map((c) => c.manifest.id)).toEqual(['destination-beta']);
    expect(registry.list('source')).toHaveLength(7);
  });

  it('reads the manifest, with the README as docs, the icon file inlined and the version from package.json', () => {
    expect(registry.get('source-alpha')).toEqual({
      manifest: {
        id: 'source-alpha',
        name: 'Alpha',
        kind: 'source',
        version: '1.2.3',
        description: 'Reads alphas.',
        icon: ICON,
        documentationUrl: undefined,
        spec: spec(),
      },
      directory: join(connectors, 'source-alpha'),
      docs: README,
      origin: 'builtin',
    });
  });

  it('keeps an inline icon and the manifest version, and has no docs without a README', () => {
    const beta = registry.get('destination-beta')!;
    expect(beta.manifest.icon).toBe(ICON);
    expect(beta.manifest.version).toBe('2.0.0');
    expect(beta.docs).toBeUndefined();
  });

  it('resolves a plugin package by name from the given directory', () => {
    expect(registry.get('source-delta')).toMatchObject({
      directory: join(root, 'app', 'node_modules', '@acme', 'tributary-source-delta'),
      origin: 'plugin',
      manifest: { version: '3.1.4' },
    });
  });

  it('reports every broken package as a problem, naming where and what', () => {
    const byLocation = Object.fromEntries(registry.problems.map((p) => [p.location, p.message]));
    expect(byLocation).toEqual({
      [join(connectors, 'bad-json')]: expect.stringContaining(`${join(connectors, 'bad-json', MANIFEST_FILE)} is not valid JSON`),
      [join(connectors, 'missing-fields')]: expect.stringMatching(/lacks kind, spec$/),
      [join(connectors, 'invalid-schema')]: expect.stringMatching(/^invalid JSON Schema: /),
      [join(connectors, 'bad-id')]: expect.stringContaining('id must be lower-case letters, digits and dashes'),
      [join(connectors, 'bad-kind')]: expect.stringContaining('kind must be "source" or "destination"'),
      [join(connectors, 'zz-duplicate-alpha')]: `connector id "source-alpha" is already registered from ${join(connectors, 'source-alpha')}`,
      [join(connectors, 'bad-executable')]: expect.stringContaining('executable: "command" must be a non-empty string'),
      '@acme/not-installed': expect.stringContaining('cannot find plugin package'),
    });
    expect(registry.problems).toHaveLength(8);
  });

  it('keeps the first package of a duplicate id', () => {
    expect(registry.get('source-alpha')!.manifest.name).toBe('Alpha');
  });

  it('loads an implementation once, when asked, and runs it', async () => {
    const implementation = await registry.implementation('source-alpha');
    expect(implementation.kind).toBe('source');
    const source = implementation.create();
    await expect(source.check({}, { logger: console, signal: new AbortController().signal })).resolves.toEqual({ status: 'SUCCEEDED', message: 'alpha is reachable' });
    await expect(registry.implementation('source-alpha')).resolves.toBe(implementation);
  });

  it('loads plugins found by path and by package name', async () => {
    const context = { logger: console, signal: new AbortController().signal };
    const gamma = await registry.implementation('source-gamma');
    const delta = await registry.implementation('source-delta');
    expect(gamma.kind === 'source' && (await gamma.create().check({}, context))).toEqual({ status: 'SUCCEEDED', message: 'gamma is reachable' });
    expect(delta.kind === 'source' && (await delta.create().check({}, context))).toEqual({ status: 'SUCCEEDED', message: 'delta is reachable' });
  });

  it('rejects the implementation of a package that throws on import, naming the connector, and still loads the others', async () => {
    await expect(registry.implementation('source-throws')).rejects.toThrow(
      `connector "source-throws" failed to load from ${join(connectors, 'source-throws')}: boom on import: native driver missing`,
    );
    await expect(registry.implementation('destination-beta')).resolves.toMatchObject({ kind: 'destination' });
  });

  it('rejects an implementation whose kind differs from its manifest', async () => {
    await expect(registry.implementation('source-kind-mismatch')).rejects.toThrow('connector "source-kind-mismatch" is declared a source but exports a destination');
  });

  it('rejects a package that exports no connector', async () => {
    await expect(registry.implementation('source-no-export')).rejects.toThrow('connector "source-no-export" does not export `connector` with a create() function');
  });

  it('rejects an unknown id', async () => {
    await expect(registry.implementation('source-nope')).rejects.toThrow('unknown connector "source-nope"');
  });

  it('runs a connector registered through config with an executable, in a child process', async () => {
    expect(registry.get('source-exec')).toMatchObject({ origin: 'builtin', executable: { command: process.execPath, args: [PROTOCOL_FIXTURE], cwd: join(connectors, 'source-exec') } });
    const implementation = await registry.implementation('source-exec');
    const source = implementation.kind === 'source' ? implementation.create() : undefined;
    const context = { logger: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal };
    await expect(source!.check({ fail: true }, context)).resolves.toEqual({ status: 'FAILED', message: 'bad api key' });
  });

  it('registers executables defined through the API as custom, replacing an earlier custom one but never a package', async () => {
    const manifest = { id: 'source-custom', name: 'Custom', kind: 'source' as const, version: '1.0.0', spec: spec() as unknown as ConnectorManifest['spec'] };
    registry.registerExecutable(manifest, { command: 'first' });
    registry.registerExecutable(manifest, { command: process.execPath, args: [PROTOCOL_FIXTURE] });
    expect(registry.get('source-custom')).toMatchObject({ origin: 'custom', executable: { command: process.execPath } });
    const implementation = await registry.implementation('source-custom');
    expect(implementation.kind).toBe('source');
    expect(() => registry.registerExecutable({ ...manifest, id: 'source-alpha' }, { command: 'x' })).toThrow('connector id "source-alpha" is already registered');
    expect(() => registry.registerExecutable({ ...manifest, id: 'source-custom-2' }, { command: '' })).toThrow('"command" must be a non-empty string');
  });

  it('registers declarative manifests as custom sources run by the runner with the manifest bound', async () => {
    const runnerRoot = join(root, 'runner-connectors');
    writePackage(join(runnerRoot, 'source-declarative'), {
      manifest: { id: 'source-declarative', name: 'Declarative', kind: 'source', spec: spec() },
      files: { 'index.js': `exports.connector = { kind: 'source', create: () => ({ check: async (config) => ({ status: 'SUCCEEDED', message: JSON.stringify(config) }) }) };` },
    });
    const withRunner = ConnectorRegistry.load({ connectorDirectories: [runnerRoot] });
    const manifest = { id: 'acme-crm', name: 'Acme', kind: 'source' as const, version: '1', spec: spec() as unknown as ConnectorManifest['spec'] };
    withRunner.registerDeclarative(manifest, { version: '1', streams: [] });
    expect(withRunner.get('acme-crm')).toMatchObject({ origin: 'custom', declarative: { runner: 'source-declarative' } });
    const context = { logger: { debug() {}, info() {}, warn() {}, error() {} }, signal: new AbortController().signal };
    const run = async () => {
      const implementation = await withRunner.implementation('acme-crm');
      return implementation.kind === 'source' ? implementation.create().check({ token: 't' }, context) : undefined;
    };
    await expect(run()).resolves.toEqual({ status: 'SUCCEEDED', message: JSON.stringify({ manifest: { version: '1', streams: [] }, config: { token: 't' } }) });
    // A new version replaces the bound manifest.
    withRunner.registerDeclarative(manifest, { version: '1', streams: [{ name: 'x' }] });
    await expect(run()).resolves.toMatchObject({ message: expect.stringContaining('"name":"x"') });
    expect(() => withRunner.registerDeclarative({ ...manifest, id: 'source-declarative' }, {})).toThrow('is already registered');
    await expect(registry.implementation('source-custom-declarative').catch((e: Error) => e.message)).resolves.toContain('unknown connector');
    registry.registerDeclarative({ ...manifest, id: 'source-custom-declarative' }, {});
    await expect(registry.implementation('source-custom-declarative')).rejects.toThrow('needs the source-declarative connector to run its manifest');
  });
});
