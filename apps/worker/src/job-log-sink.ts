// Buffers a job's log lines and writes them to the metadata store in batches, so logging never
// costs a database round trip per line.
import type { JobRepository, JobLogInput } from '@tributary/persistence';
import type { LogRecord } from '@tributary/connector-sdk';

const FLUSH_EVERY_MS = 1000;
const MAX_BUFFERED = 500;

export class JobLogSink {
  private buffer: JobLogInput[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobs: JobRepository,
    private readonly jobId: string,
    private readonly attemptNumber: number | undefined,
  ) {}

  readonly receive = (record: LogRecord): void => {
    const { time, level, message, ...rest } = record;
    delete rest.service;
    delete rest.jobId;
    delete rest.attempt;
    this.buffer.push({ jobId: this.jobId, attemptNumber: this.attemptNumber, at: new Date(time), level, message, fields: Object.keys(rest).length ? rest : undefined });
    if (this.buffer.length >= MAX_BUFFERED) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  };

  /** Writes what is buffered; failures to store logs never fail the sync. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(async () => {
      if (!batch.length) return;
      try {
        await this.jobs.appendLogs(batch);
      } catch (error) {
        process.stderr.write(`could not store ${batch.length} job log lines: ${(error as Error).message}\n`);
      }
    });
    return this.flushing;
  }
}
