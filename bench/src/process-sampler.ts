// Memory and CPU of the processes a scenario involves, read from /proc while it runs: VmRSS sampled
// every `intervalMs` (the peak of the samples), VmHWM (the kernel's own peak, reset at the start
// through /proc/<pid>/clear_refs where we may), and utime + stime from /proc/<pid>/stat. Processes
// are followed with their descendants, so a peer's helper processes count too.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessFigures {
  /** What the process is (`worker-1`, `api`, `sling`, …) and its command name in /proc. */
  name: string;
  pid: number;
  command: string;
  /** Peak resident memory, MB: the kernel's VmHWM when it could be reset, else the sampled peak. */
  peakRssMb: number;
  /** Highest VmRSS seen by the sampler, MB. */
  sampledPeakRssMb: number;
  /** RSS at the start of the measurement, MB. */
  startRssMb: number;
  /** user + system CPU used during the measurement, seconds (up to the last sample for a process that ended). */
  cpuSeconds: number;
}

interface Tracked {
  name: string;
  pid: number;
  command: string;
  hwmReset: boolean;
  startCpuTicks: number;
  lastCpuTicks: number;
  startRssKb: number;
  peakRssKb: number;
  lastHwmKb: number;
}

interface Root {
  name: string;
  pid: number;
}

export class ProcessSampler {
  private readonly tracked = new Map<number, Tracked>();
  private readonly roots: Root[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 100) {}

  /** Follows `pid` and every process it starts from now on, under `name`. */
  follow(name: string, pid: number | undefined): this {
    if (pid === undefined) return this;
    this.roots.push({ name, pid });
    this.track(name, pid);
    return this;
  }

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Stops sampling and returns the figures of every process seen. */
  stop(): ProcessFigures[] {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.sample();
    return [...this.tracked.values()].map((t) => {
      const sampledPeakRssMb = mb(t.peakRssKb);
      return {
        name: t.name,
        pid: t.pid,
        command: t.command,
        peakRssMb: t.hwmReset ? Math.max(mb(t.lastHwmKb), sampledPeakRssMb) : sampledPeakRssMb,
        sampledPeakRssMb,
        startRssMb: mb(t.startRssKb),
        cpuSeconds: (t.lastCpuTicks - t.startCpuTicks) / CLOCK_TICKS_PER_SECOND,
      };
    });
  }

  private track(name: string, pid: number): void {
    if (this.tracked.has(pid)) return;
    const stat = readStat(pid);
    const status = readStatus(pid);
    if (!stat || !status) return;
    // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux ≥ 4.0; needs ownership).
    let hwmReset = false;
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      hwmReset = true;
    } catch {
      hwmReset = false;
    }
    this.tracked.set(pid, {
      name,
      pid,
      command: stat.command,
      hwmReset,
      startCpuTicks: stat.cpuTicks,
      lastCpuTicks: stat.cpuTicks,
      startRssKb: status.rssKb,
      peakRssKb: status.rssKb,
      lastHwmKb: status.rssKb,
    });
  }

  private sample(): void {
    if (this.roots.length) this.discoverDescendants();
    for (const t of this.tracked.values()) {
      const stat = readStat(t.pid);
      const status = readStatus(t.pid);
      if (!stat || !status) continue;
      t.lastCpuTicks = stat.cpuTicks;
      t.peakRssKb = Math.max(t.peakRssKb, status.rssKb);
      t.lastHwmKb = status.hwmKb;
    }
  }

  /** Children appear and go: scan /proc for processes whose parent chain leads to a root. */
  private discoverDescendants(): void {
    const parents = new Map<number, number>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = readStat(Number(entry));
      if (stat) parents.set(Number(entry), stat.ppid);
    }
    const rootName = new Map(this.roots.map((r) => [r.pid, r.name]));
    for (const pid of parents.keys()) {
      if (this.tracked.has(pid)) continue;
      let cursor: number | undefined = parents.get(pid);
      for (let depth = 0; cursor !== undefined && cursor > 1 && depth < 16; depth++) {
        const name = rootName.get(cursor);
        if (name) {
          this.track(`${name}/${readStat(pid)?.command ?? pid}`, pid);
          break;
        }
        cursor = parents.get(cursor);
      }
    }
  }
}

function mb(kb: number): number {
  return Math.round((kb / 1024) * 10) / 10;
}

function readStat(pid: number): { command: string; ppid: number; cpuTicks: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command is in parentheses and may itself contain spaces and parentheses.
  const close = text.lastIndexOf(')');
  const command = text.slice(text.indexOf('(') + 1, close);
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15.
  return { command, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
}

function readStatus(pid: number): { rssKb: number; hwmKb: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { rssKb: field('VmRSS'), hwmKb: field('VmHWM') };
}
