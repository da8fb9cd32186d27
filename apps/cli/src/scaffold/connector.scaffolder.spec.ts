import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nextSteps, scaffoldConnector } from './connector.scaffolder';

describe('scaffoldConnector', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tributary-scaffold-'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'tributary', workspaces: ['connectors/*'], devDependencies: { typescript: '~6.0.3', jest: '^30.5.2' }, dependencies: { pg: '^8.23.1' } }));
    mkdirSync(join(root, 'connectors'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

  it('makes a package of the monorepo under connectors/: workspace SDK, base tsconfig, lint, Nx tag', () => {
    const result = scaffoldConnector({ name: 'source-acme', parentDirectory: join(root, 'connectors'), workspaceRoot: root });
    expect(result).toMatchObject({ template: 'http', inWorkspace: true, inConnectorsDirectory: true });
    const pkg = json(join(result.directory, 'package.json'));
    expect(pkg).toMatchObject({ name: '@tributary/source-acme', dependencies: { '@tributary/connector-sdk': '*' }, scripts: { lint: 'eslint .' }, nx: { tags: ['type:connector'] } });
    expect(pkg.devDependencies).toBeUndefined();
    expect(json(join(result.directory, 'tsconfig.build.json'))).toMatchObject({ extends: '../../tsconfig.base.json' });
    expect(readFileSync(join(result.directory, 'src', 'acme.source.ts'), 'utf8')).toContain('export class AcmeSource');
    expect(nextSteps(result, root).join('\n')).toContain('the platform lists it in its catalog on the next start');
  });

  it('makes a standalone package outside the checkout: file: links to the SDK, its own toolchain', () => {
    const outside = mkdtempSync(join(tmpdir(), 'tributary-plugins-'));
    try {
      const result = scaffoldConnector({ name: 'source-billing', template: 'database', parentDirectory: outside, workspaceRoot: root });
      const pkg = json(join(result.directory, 'package.json'));
      expect(pkg).toMatchObject({
        name: 'tributary-source-billing',
        dependencies: { '@tributary/connector-sdk': `file:${join(root, 'libs', 'connector-sdk')}`, pg: '^8.23.1' },
        devDependencies: { typescript: '~6.0.3', jest: '^30.5.2' },
      });
      expect(json(join(result.directory, 'tsconfig.build.json'))).toMatchObject({ compilerOptions: { strict: true, module: 'nodenext', rootDir: 'src' } });
      expect(nextSteps(result, outside).join('\n')).toContain('npm install');
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('leaves no placeholder unreplaced in any template', () => {
    for (const [name, template] of [['source-a', 'http'], ['source-b', 'declarative'], ['source-c', 'database'], ['destination-d', 'files']] as const) {
      const result = scaffoldConnector({ name, template, parentDirectory: join(root, 'connectors'), workspaceRoot: root });
      for (const file of result.files) expect(`${file}: ${readFileSync(join(result.directory, file), 'utf8')}`).not.toMatch(/\{\{\w+\}\}|__stem__/);
    }
  });

  it('refuses a directory that is not empty, writing nothing', () => {
    mkdirSync(join(root, 'connectors', 'source-acme'));
    writeFileSync(join(root, 'connectors', 'source-acme', 'keep.txt'), 'x');
    expect(() => scaffoldConnector({ name: 'source-acme', parentDirectory: join(root, 'connectors'), workspaceRoot: root })).toThrow('already exists and is not empty');
  });
});
