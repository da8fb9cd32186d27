// `tributary connector …` as scripts use it: the built binary, real connectors, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
const FAKER = join(ROOT, 'connectors', 'source-faker');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split('\n').filter(Boolean) };
}

describe('tributary connector', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-connector-'));
    writeFileSync(join(dir, 'good.yaml'), 'count: 4\nseed: 9\n');
    writeFileSync(join(dir, 'bad.json'), '{"count": -1}');
    writeFileSync(join(dir, 'broken.json'), '{"count": ');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the spec', () => {
    const { code, lines } = run('connector', 'spec', FAKER);
    expect(code).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'SPEC', spec: { connectionSpecification: { type: 'object' } } });
  });

  it('checks a YAML config (exit 0) and a bad JSON config (exit 1, FAILED with the reason)', () => {
    expect(run('connector', 'check', FAKER, '--config', join(dir, 'good.yaml'))).toMatchObject({ code: 0, lines: ['{"type":"CONNECTION_STATUS","connectionStatus":{"status":"SUCCEEDED"}}'] });
    const bad = run('connector', 'check', FAKER, '--config', join(dir, 'bad.json'));
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.lines[0]!)).toEqual({ type: 'CONNECTION_STATUS', connectionStatus: { status: 'FAILED', message: expect.stringContaining('count') } });
  });

  it('discovers and reads, printing protocol messages as JSON lines', () => {
    const discover = run('connector', 'discover', FAKER, '--config', join(dir, 'good.yaml'));
    expect(discover.code).toBe(0);
    expect(JSON.parse(discover.lines[0]!).catalog.streams.map((s: { name: string }) => s.name)).toEqual(['users', 'purchases']);
    const read = run('connector', 'read', FAKER, '--config', join(dir, 'good.yaml'));
    expect(read.code).toBe(0);
    const messages = read.lines.map((line) => JSON.parse(line) as { type: string; record?: { stream: string } });
    expect(messages.filter((m) => m.type === 'RECORD' && m.record!.stream === 'users')).toHaveLength(4);
    expect(messages.some((m) => m.type === 'STATE')).toBe(true);
  });

  it('runs the conformance suite (exit 0 when every check passes)', () => {
    const { code, stdout } = run('connector', 'test', FAKER);
    expect(stdout).toContain('All 10 checks passed.');
    expect(code).toBe(0);
  });

  it('reports unusable input in words with exit 1, and usage errors with exit 2', () => {
    const broken = run('connector', 'check', FAKER, '--config', join(dir, 'broken.json'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('is not valid JSON');
    expect(run('connector', 'check', FAKER).code).toBe(2);
    expect(run('connector', 'test', join(dir, 'nowhere')).code).toBe(1);
    const help = run('connector', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes');
  });
});
