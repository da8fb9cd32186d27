// Drives the real platform the way a user does: the built API and worker processes (tools/testing
// `startStack`) on a real Temporal dev server, configured over the REST API. A sync is timed by the
// job's own timestamps (created → ended, what a user waits), while the /proc sampler watches the
// worker(s) and the API, and the sync workflow's history is read from Temporal afterwards.
import { startStack, type Stack } from '../../tools/testing';
import { ProcessSampler, type ProcessFigures } from './process-sampler';
import { TemporalHistoryReader, type HistoryFigures } from './temporal-history';

export interface JobView {
  id: string;
  status: string;
  recordsCommitted: number;
  recordsEmitted: number;
  bytesCommitted: number;
  failure: { type: string; message: string } | null;
  attempts?: { number: number; status: string; resumed: boolean; recordsCommitted: number }[];
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/**
 * Where a sync's time went, from the job's own log lines (seconds): waiting for a worker, the
 * attempt's preparation (loading the connection, discovery, drift check), the data (first stream
 * started → last stream complete), and the end (final commit and bookkeeping).
 */
export interface SyncPhases {
  queuedSeconds?: number;
  prepareSeconds?: number;
  dataSeconds?: number;
  finishSeconds?: number;
}

export interface SyncRun {
  job: JobView;
  phases: SyncPhases;
  /** Job created → job ended (the API's timestamps), seconds. */
  seconds: number;
  processes: ProcessFigures[];
  temporal?: HistoryFigures;
}

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export function connectionConfig(url: string): Record<string, unknown> {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    database: decodeURIComponent(u.pathname.slice(1)),
    username: decodeURIComponent(u.username),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

export class PlatformDriver {
  private constructor(
    readonly stack: Stack,
    private readonly history: TemporalHistoryReader,
  ) {}

  static async start(options: { heartbeatTimeoutSeconds: number; echo: boolean }): Promise<PlatformDriver> {
    const stack = await startStack({
      workers: 1,
      echo: options.echo,
      env: { TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: String(options.heartbeatTimeoutSeconds), LOG_LEVEL: 'info' },
    });
    try {
      return new PlatformDriver(stack, await TemporalHistoryReader.connect(stack.temporalAddress, stack.temporalNamespace));
    } catch (error) {
      await stack.stop();
      throw error;
    }
  }

  get liveWorkers() {
    return this.stack.workers.filter((w) => w.running);
  }

  /** The sampler of the sync in flight: workers started during a sync are followed too. */
  private activeSampler: ProcessSampler | undefined;

  async startWorker() {
    const worker = await this.stack.startWorker();
    this.activeSampler?.follow(worker.name, worker.pid);
    return worker;
  }

  /**
   * Replaces every worker with `count` new ones, so a scenario's memory figures are those of
   * processes that ran nothing before (a long-lived worker keeps what earlier syncs left).
   */
  async freshWorkers(count = 1, env: NodeJS.ProcessEnv = {}): Promise<void> {
    await this.stopWorkers();
    for (let i = 0; i < count; i++) await this.stack.startWorker(env);
  }

  /** SIGTERM to every worker (a `--cpu-prof` worker writes its profile as it exits). */
  async stopWorkers(): Promise<void> {
    await Promise.all(this.liveWorkers.map((w) => w.stop()));
  }

  async create(path: '/sources' | '/destinations' | '/connections', body: Record<string, unknown>): Promise<string> {
    const response = await this.stack.request('POST', path, body);
    if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}: ${response.text}`);
    return response.body['id'] as string;
  }

  /** A source, a destination and a connection of one stream of the `public` schema. */
  async pipeline(input: {
    name: string;
    source: Record<string, unknown>;
    destination: { definitionId: string; config: Record<string, unknown> };
    stream: string;
    syncMode: string;
    cursorField?: string[];
    primaryKey?: string[][];
    namespace?: string;
  }): Promise<string> {
    const sourceId = await this.create('/sources', { name: `bench ${input.name}`, definitionId: 'source-postgres', config: input.source });
    const destinationId = await this.create('/destinations', { name: `bench ${input.name}`, definitionId: input.destination.definitionId, config: input.destination.config });
    return this.create('/connections', {
      sourceId,
      destinationId,
      ...(input.namespace ? { namespaceDefinition: 'custom', namespaceFormat: input.namespace } : {}),
      streams: [
        {
          name: input.stream,
          namespace: 'public',
          syncMode: input.syncMode,
          ...(input.cursorField ? { cursorField: input.cursorField } : {}),
          ...(input.primaryKey ? { primaryKey: input.primaryKey } : {}),
        },
      ],
    });
  }

  async trigger(connectionId: string): Promise<string> {
    const response = await this.stack.request('POST', `/connections/${connectionId}/jobs`, { type: 'sync' });
    if (response.status !== 202) throw new Error(`triggering a sync answered ${response.status}: ${response.text}`);
    return response.body['id'] as string;
  }

  async job(jobId: string): Promise<JobView> {
    const response = await this.stack.request('GET', `/jobs/${jobId}`);
    if (response.status !== 200) throw new Error(`GET /jobs/${jobId} answered ${response.status}: ${response.text}`);
    return response.body as unknown as JobView;
  }

  async waitForJob(jobId: string, until: (job: JobView) => boolean = (j) => TERMINAL.includes(j.status), timeoutMs = 6 * 3600_000, pollMs = 200): Promise<JobView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(jobId);
      if (until(job)) return job;
      if (TERMINAL.includes(job.status)) throw new Error(`job ${jobId} ended ${job.status} before the awaited point: ${JSON.stringify(job.failure)}`);
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish in time: ${JSON.stringify(job)}`);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** A sampler following the API and every live worker. */
  sampler(): ProcessSampler {
    const sampler = new ProcessSampler();
    sampler.follow('api', this.stack.api.pid);
    for (const worker of this.liveWorkers) sampler.follow(worker.name, worker.pid);
    return sampler;
  }

  /** Triggers a sync, waits for it, and measures it. `during` runs while the sync is in flight. */
  async sync(connectionId: string, during?: (jobId: string) => Promise<void>): Promise<SyncRun> {
    const sampler = this.sampler().start();
    this.activeSampler = sampler;
    let job: JobView;
    let processes: ProcessFigures[];
    try {
      const jobId = await this.trigger(connectionId);
      if (during) await during(jobId);
      job = await this.waitForJob(jobId);
    } finally {
      processes = sampler.stop();
      this.activeSampler = undefined;
    }
    if (job.status !== 'succeeded') throw new Error(`the sync ${job.status}: ${job.failure?.message ?? 'no failure recorded'}`);
    const seconds = (Date.parse(job.endedAt!) - Date.parse(job.createdAt)) / 1000;
    const temporal = await this.history.figures(`sync-connection-${connectionId}`).catch(() => undefined);
    return { job, seconds, processes, temporal, phases: await this.phases(job) };
  }

  async phases(job: JobView): Promise<SyncPhases> {
    const response = await this.stack.request('GET', `/jobs/${job.id}/logs?limit=1000`);
    const lines = ((response.body['items'] ?? []) as { at: string; message: string }[]).map((l) => ({ at: Date.parse(l.at), message: l.message }));
    const first = (re: RegExp) => lines.find((l) => re.test(l.message))?.at;
    const last = (re: RegExp) => lines.filter((l) => re.test(l.message)).pop()?.at;
    const created = Date.parse(job.createdAt);
    const ended = job.endedAt ? Date.parse(job.endedAt) : undefined;
    const attemptStarted = first(/^attempt \d+ of \w+ job started/);
    const dataStarted = first(/^stream .*: (started|running)$/);
    const dataEnded = last(/^stream .*: complete$/);
    const span = (a?: number, b?: number) => (a !== undefined && b !== undefined ? Math.round((b - a) / 10) / 100 : undefined);
    return { queuedSeconds: span(created, attemptStarted), prepareSeconds: span(attemptStarted, dataStarted), dataSeconds: span(dataStarted, dataEnded), finishSeconds: span(dataEnded, ended) };
  }

  /** Error lines the stack printed, for a failed scenario's note. */
  recentErrors(): string {
    return this.stack
      .output()
      .split('\n')
      .filter((line) => /"level"\s*:\s*"(error|warn)"/.test(line))
      .slice(-5)
      .join('\n');
  }

  async stop(): Promise<void> {
    await this.history.close().catch(() => undefined);
    await this.stack.stop();
  }
}
