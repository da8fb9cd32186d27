// docs/connectors/first-connector.md, run as written: its marked bash blocks scaffold, build, test
// and conformance-test an HTTP source in a plugin directory, then — against a fresh stack started
// with that plugin in TRIBUTARY_PLUGINS, as `npm start` would be — create a source, a destination
// and a connection through the REST API, sync, and look at the rows. If the guide drifts from what
// the CLI, the template or the API do, this fails.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startStack, type Stack } from '../../../tools/testing';

const ROOT = resolve(__dirname, '..', '..', '..');
const GUIDE = join(ROOT, 'docs', 'connectors', 'first-connector.md');

function guideBlock(name: string): string {
  const guide = readFileSync(GUIDE, 'utf8');
  const block = new RegExp(`<!-- first-connector:${name} -->\\s*\`\`\`bash\\n([\\s\\S]*?)\`\`\``).exec(guide);
  if (!block) throw new Error(`${GUIDE} has no first-connector:${name} block`);
  return block[1]!;
}

/** Runs a block with bash -euo pipefail in its own process group, so a fake API it left behind can be stopped. */
function runBlock(script: string, env: NodeJS.ProcessEnv, cwd: string, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => killGroup(child.pid), timeoutMs);
    let exitCode: number | null = null;
    // A background process the block left (the fake API, when a step failed) holds the output
    // pipes open: stop the group as soon as bash is done, then collect the output.
    child.on('exit', (code) => {
      exitCode = code;
      killGroup(child.pid);
    });
    child.on('close', () => {
      clearTimeout(timer);
      done({ code: exitCode, stdout, stderr });
    });
  });
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

describe('docs/connectors/first-connector.md', () => {
  let workdir: string;
  let pluginsDir: string;
  let stack: Stack | undefined;

  beforeAll(() => {
    // Inside the checkout (tmp/ is git-ignored), like the guide's my-connectors/: the plugin uses the checkout's SDK.
    mkdirSync(join(ROOT, 'tmp'), { recursive: true });
    workdir = mkdtempSync(join(ROOT, 'tmp', 'first-connector-'));
    pluginsDir = join(workdir, 'my-connectors');
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(workdir, { recursive: true, force: true });
  });

  it('scaffolds, builds, tests and conformance-tests the source (step 1)', async () => {
    const { code, stdout, stderr } = await runBlock(guideBlock('build'), { PLUGINS_DIR: pluginsDir, FORCE_COLOR: '0' }, ROOT, 240_000);
    expect({ code, stdout, stderr }).toMatchObject({ code: 0 });
    expect(stdout).toContain('Created source-acme-crm (source, http template)');
    expect(stdout).toContain('All 10 checks passed.');
  }, 300_000);

  it('syncs it through the platform, registered only by TRIBUTARY_PLUGINS (steps 2 and 3)', async () => {
    stack = await startStack({ workers: 1, env: { TRIBUTARY_PLUGINS: join(pluginsDir, 'source-acme-crm') } });
    const { code, stdout, stderr } = await runBlock(
      guideBlock('sync'),
      { PLUGINS_DIR: pluginsDir, TRIBUTARY_API_URL: `${stack.apiUrl}/api/v1`, TRIBUTARY_API_TOKEN: stack.token },
      ROOT,
      300_000,
    );
    expect({ code, stdout, stderr, stack: code === 0 ? '' : stack.output().slice(-4000) }).toMatchObject({ code: 0 });
    expect(stdout).toContain('Acme Crm');
    expect(stdout).toContain('{"status":"succeeded"}');
    expect(stdout).toMatch(/job [0-9a-f-]+: succeeded/);
    expect(stdout).toMatch(/^25 .*customers\/[0-9a-f-]+\.jsonl$/m);

    const directory = join(pluginsDir, 'acme-output', 'customers');
    const [file] = readdirSync(directory).filter((name) => name.endsWith('.jsonl'));
    const rows = readFileSync(join(directory, file!), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.map((row) => row.id)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(rows[0]).toEqual(expect.objectContaining({ name: 'Customer 1', plan: 'free', _tributary_sync_id: file!.replace('.jsonl', '') }));
  }, 480_000);
});
