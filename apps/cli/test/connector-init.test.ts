// `tributary connector init` as a connector author uses it: each template is scaffolded with the
// built CLI into a temporary directory of the checkout (tmp/, git-ignored, outside connectors/ so
// no other test or running stack picks it up), then built with its own `npm run build`, unit-tested
// with its own Jest config, run through the conformance suite by `tributary connector test`, and
// loaded by the registry the way TRIBUTARY_PLUGINS makes the API and workers load it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConnectorRegistry } from '@tributary/connector-sdk';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

function run(command: string, args: string[], cwd: string, timeout = 180_000) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
}
const cli = (cwd: string, ...args: string[]) => run(process.execPath, [CLI, ...args], cwd);

describe('tributary connector init', () => {
  let parent: string;
  beforeAll(() => {
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    parent = mkdtempSync(join(ROOT, 'tmp', 'connector-init-'));
  });
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  describe.each([
    { name: 'source-acme-crm', template: 'http', kind: 'source', checks: 10 },
    { name: 'source-acme-declared', template: 'declarative', kind: 'source', checks: 10 },
    { name: 'source-billing-db', template: 'database', kind: 'source', checks: 10 },
    { name: 'destination-acme-lake', template: 'files', kind: 'destination', checks: 7 },
  ])('the $template template ($name)', ({ name, template, kind, checks }) => {
    const directory = () => join(parent, name);

    it('scaffolds the package and prints the next steps', () => {
      const { code, stdout, output } = cli(parent, 'connector', 'init', name, '--kind', kind, '--template', template, '--dir', parent);
      expect({ code, output }).toMatchObject({ code: 0 });
      expect(stdout).toContain(`Created ${name} (${kind}, ${template} template)`);
      expect(stdout).toContain(`TRIBUTARY_PLUGINS=${directory()}`);
      for (const file of ['package.json', 'tributary.connector.json', 'README.md', 'icon.svg', 'tsconfig.build.json', 'src/index.ts', 'test/conformance.fixture.ts']) {
        expect(existsSync(join(directory(), file))).toBe(true);
      }
      expect(JSON.parse(readFileSync(join(directory(), 'tributary.connector.json'), 'utf8'))).toMatchObject({ id: name, kind });
    });

    it('builds with its own build script', () => {
      const build = run('npm', ['run', 'build'], directory());
      expect({ code: build.code, output: build.output }).toMatchObject({ code: 0 });
      expect(existsSync(join(directory(), 'dist', 'index.js'))).toBe(true);
      const typecheck = run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], directory());
      expect({ code: typecheck.code, output: typecheck.output }).toMatchObject({ code: 0 });
    });

    it('passes its own unit tests', () => {
      const tests = run(process.execPath, [JEST, '--ci'], directory());
      expect({ code: tests.code, output: tests.output }).toMatchObject({ code: 0 });
      expect(tests.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);
    });

    it('passes the conformance suite', () => {
      const conformance = cli(directory(), 'connector', 'test', '.');
      expect({ code: conformance.code, output: conformance.output }).toMatchObject({ code: 0 });
      expect(conformance.stdout).toContain(`All ${checks} checks passed.`);
    });

    it('is registered as a plugin, as TRIBUTARY_PLUGINS makes the API and workers load it', async () => {
      const registry = ConnectorRegistry.load({ connectorDirectories: [], plugins: [directory()] });
      expect(registry.problems).toEqual([]);
      expect(registry.get(name)).toMatchObject({ origin: 'plugin', manifest: { id: name, kind, name: expect.any(String) } });
      expect(registry.get(name)?.docs).toContain('##');
      await expect(registry.implementation(name)).resolves.toMatchObject({ kind });
    });
  });

  it('refuses to overwrite a directory that is not empty', () => {
    mkdirSync(join(parent, 'source-taken'));
    writeFileSync(join(parent, 'source-taken', 'notes.txt'), 'mine');
    const refused = cli(parent, 'connector', 'init', 'source-taken', '--dir', parent);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists and is not empty');
    expect(readFileSync(join(parent, 'source-taken', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it.each([
    [['source_acme'], /must start with "source-" or "destination-" \(e\.g\. source-acme\)/],
    [['source-Acme'], /kebab-case/],
    [['SourceAcme'], /must start with "source-" or "destination-"/],
    [['acme', '--kind', 'source'], /must start with "source-": try "source-acme"/],
    [['destination-acme', '--kind', 'source'], /must start with "source-"/],
    [['source-acme', '--template', 'files'], /no "files" template for a source/],
    [['destination-acme', '--template', 'http'], /no "http" template for a destination\. Choose one of: files/],
    [['source-acme', '--kind', 'sink'], /--kind must be "source" or "destination"/],
  ])('rejects %j in words (exit 1)', (args, message) => {
    const result = cli(parent, 'connector', 'init', ...args, '--dir', parent);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(existsSync(join(parent, args[0]!))).toBe(false);
  });

  it('documents itself and treats a missing name as a usage error (exit 2)', () => {
    const help = cli(parent, 'connector', 'init', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Templates:');
    expect(cli(parent, 'connector', 'init').code).toBe(2);
  });
});
