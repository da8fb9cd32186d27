// `tributary connector write` as scripts use it: protocol messages on stdin (what `connector read`
// prints), a real destination, its committed states on stdout, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
const FAKER = join(ROOT, 'connectors', 'source-faker');
const LOCAL_FILES = join(ROOT, 'connectors', 'destination-local-files');

function run(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000, input });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, lines: result.stdout.split('\n').filter(Boolean) };
}

describe('tributary connector write', () => {
  let dir: string;
  let messages: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-cli-write-'));
    writeFileSync(join(dir, 'faker.json'), JSON.stringify({ count: 12, seed: 3, state_checkpoint_interval: 5 }));
    writeFileSync(join(dir, 'out.yaml'), `destination_path: ${join(dir, 'out')}\n`);
    writeFileSync(
      join(dir, 'catalog.json'),
      JSON.stringify({ streams: [{ stream: { name: 'users', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }),
    );
    writeFileSync(
      join(dir, 'faker-catalog.json'),
      JSON.stringify({ streams: [{ stream: { name: 'users', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }] }),
    );
    const read = run(['connector', 'read', FAKER, '--config', join(dir, 'faker.json'), '--catalog', join(dir, 'faker-catalog.json')]);
    if (read.code !== 0) throw new Error(`connector read failed: ${read.stderr}`);
    messages = read.stdout;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes what `connector read` printed and prints each committed state, in order, with the commit', () => {
    const { code, lines, stderr } = run(['connector', 'write', LOCAL_FILES, '--config', join(dir, 'out.yaml'), '--catalog', join(dir, 'catalog.json'), '--sync-id', 'sync-a'], messages);
    expect({ code, stderr }).toMatchObject({ code: 0 });
    const printed = lines.map((line) => JSON.parse(line) as { type: string; state?: { stream?: { stream_state?: { id?: number } } }; log?: { message: string } });
    expect(printed.filter((m) => m.type === 'STATE').map((m) => m.state?.stream?.stream_state?.id)).toEqual([5, 10, 12]);
    const commits = printed.filter((m) => m.type === 'LOG').map((m) => JSON.parse(m.log!.message.replace(/^commit /, '')) as { records: number; states: number });
    expect(commits.reduce((sum, c) => sum + c.records, 0)).toBe(12);
    expect(printed.at(-1)?.type).toBe('LOG');
    const file = join(dir, 'out', 'users', 'sync-a.jsonl');
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(12);
    expect(readdirSync(join(dir, 'out', 'users'))).toEqual(['sync-a.jsonl']);
  });

  it('stops at a line that is not a protocol message, naming it (exit 1)', () => {
    const input = `${messages.split('\n')[0]}\n{"type":"RECORD","record":{"stream":"users"}}\n`;
    const { code, stderr } = run(['connector', 'write', LOCAL_FILES, '--config', join(dir, 'out.yaml'), '--catalog', join(dir, 'catalog.json')], input);
    expect(code).toBe(1);
    expect(stderr).toContain('input line 2 is not a protocol message (a RECORD without stream or data)');
  });

  it('fails with the destination\'s reason (exit 1) and needs --config and --catalog (exit 2)', () => {
    writeFileSync(join(dir, 'bad.json'), '{}');
    const bad = run(['connector', 'write', LOCAL_FILES, '--config', join(dir, 'bad.json'), '--catalog', join(dir, 'catalog.json')], messages);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('destination_path');
    expect(run(['connector', 'write', LOCAL_FILES, '--config', join(dir, 'out.yaml')], '').code).toBe(2);
    expect(run(['connector', 'write', '--help']).stdout).toContain('committed');
  });
});
