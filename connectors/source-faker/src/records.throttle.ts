// Caps a read at a number of records per second. Records are released in small batches on a
// schedule that advances by exactly batch / rate, so timer jitter does not add up into drift; time
// spent idle earns no credit, so a slow consumer is never followed by a burst above the cap. The
// wait is abortable: a cancelled sync stops at once instead of sleeping out its turn.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/** The most records released together are those due in this span: keeps the output smooth. */
const RELEASE_SPAN_MS = 100;

export class RecordThrottle {
  /** When the next batch may go, on the performance.now() clock. */
  private nextRelease = Number.NEGATIVE_INFINITY;

  /** `recordsPerSecond` 0 means unlimited. */
  constructor(
    private readonly recordsPerSecond: number,
    private readonly signal: AbortSignal,
  ) {}

  /** How many records to release at once, at most `preferred`. */
  batchSize(preferred: number): number {
    if (this.recordsPerSecond === 0) return preferred;
    return Math.max(1, Math.min(preferred, Math.floor((this.recordsPerSecond * RELEASE_SPAN_MS) / 1000)));
  }

  /** Resolves when `records` more records may be released; rejects with the abort reason. */
  async acquire(records: number): Promise<void> {
    if (this.recordsPerSecond === 0 || records === 0) return;
    const now = performance.now();
    this.nextRelease = Math.max(this.nextRelease, now);
    const wait = this.nextRelease - now;
    this.nextRelease += (records * 1000) / this.recordsPerSecond;
    if (wait <= 0) return;
    try {
      await sleep(wait, undefined, { signal: this.signal });
    } catch (error) {
      // timers/promises wraps the reason in its own AbortError; callers expect the reason itself.
      this.signal.throwIfAborted();
      throw error;
    }
  }
}
