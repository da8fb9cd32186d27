// Runs one external command (a ceiling, a peer) under GNU time and the /proc sampler: wall time,
// user + system CPU of the command and everything it started (rusage of reaped children, so
// short-lived helpers count), the largest resident set of any one of its processes, and the
// sampled per-process figures.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessSampler, type ProcessFigures } from './process-sampler';

const GNU_TIME = '/usr/bin/time';

export interface MeasuredRun {
  wallSeconds: number;
  cpuSeconds: number;
  /** Largest RSS of any single process of the command, MB. */
  peakRssMb: number;
  processes: ProcessFigures[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface MeasuredCommand {
  /** Label of the root process in the figures (`psql-pipe`, `sling`, …). */
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export async function runMeasured(spec: MeasuredCommand): Promise<MeasuredRun> {
  const dir = await mkdtemp(join(tmpdir(), 'tributary-bench-time-'));
  const timeFile = join(dir, 'time.txt');
  const useTime = existsSync(GNU_TIME);
  const [command, args] = useTime ? [GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, spec.command, ...spec.args]] : [spec.command, spec.args];
  const started = process.hrtime.bigint();
  const child = spawn(command, args, { env: spec.env ?? process.env, cwd: spec.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const sampler = new ProcessSampler().follow(spec.name, child.pid).start();
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout = (stdout + chunk.toString('utf8')).slice(-200_000);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-200_000);
  });
  const timer = spec.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), spec.timeoutMs) : undefined;
  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
    child.on('error', (error) => {
      stderr += String(error);
      resolve(127);
    });
  });
  if (timer) clearTimeout(timer);
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const processes = sampler.stop().filter((p) => !(useTime && p.command === 'time'));
  let cpuSeconds = processes.reduce((sum, p) => sum + p.cpuSeconds, 0);
  let peakRssMb = Math.max(0, ...processes.map((p) => p.peakRssMb));
  if (useTime) {
    // time's own figures cover every descendant, including those that ended between two samples.
    const figures = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n').pop()?.split(' ').map(Number) ?? [];
    if (figures.length === 4 && figures.every((n) => Number.isFinite(n))) {
      cpuSeconds = figures[1]! + figures[2]!;
      peakRssMb = Math.max(peakRssMb, Math.round((figures[3]! / 1024) * 10) / 10);
    }
  }
  await rm(dir, { recursive: true, force: true });
  return { wallSeconds, cpuSeconds, peakRssMb, processes, exitCode, stdout, stderr };
}
