// The README's curl walk-through, run verbatim (bash, curl, node) against a fresh stack: if the
// README drifts from what the API does, this fails.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startStack, type Stack } from '../../tools/testing/stack';

const run = promisify(execFile);

function walkthroughScript(): string {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const block = /<!-- readme-walkthrough:start -->\s*```bash\n([\s\S]*?)```\s*<!-- readme-walkthrough:end -->/.exec(readme);
  if (!block) throw new Error('README.md has no readme-walkthrough block');
  return block[1]!;
}

describe('README walk-through', () => {
  let stack: Stack;
  let workdir: string;

  beforeAll(async () => {
    stack = await startStack({ workers: 1 });
    workdir = mkdtempSync(join(tmpdir(), 'tributary-readme-'));
  });

  afterAll(async () => {
    await stack?.stop();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  it('creates a source, a destination and a connection, syncs, and leaves the files it describes', async () => {
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', walkthroughScript()], {
      cwd: workdir,
      env: { ...process.env, TRIBUTARY_API_URL: `${stack.apiUrl}/api/v1`, TRIBUTARY_API_TOKEN: stack.token },
      timeout: 120_000,
    });
    expect(stdout).toContain('"status":"succeeded"');
    expect(stdout).toMatch(/1000 tributary-output\/users\/[0-9a-f-]+\.jsonl/);
    expect(stdout).toMatch(/1500 tributary-output\/purchases\/[0-9a-f-]+\.jsonl/);
    const [usersFile] = readdirSync(join(workdir, 'tributary-output', 'users'));
    const first = JSON.parse(readFileSync(join(workdir, 'tributary-output', 'users', usersFile!), 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(first).toEqual(expect.objectContaining({ id: 1, _tributary_sync_id: usersFile!.replace('.jsonl', '') }));
  });
});
