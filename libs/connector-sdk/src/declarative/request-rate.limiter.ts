// A per-stream request-rate limit: attempts (retries included) are spaced evenly, at most
// `max_requests` per `per_seconds`, so a stream never bursts past what the API allows.
import { abortableDelay } from '../http/abortable-delay';
import type { RateLimitDefinition } from './manifest.types';

export class RequestRateLimiter {
  private readonly intervalMs: number;
  private next = 0;

  constructor(definition: RateLimitDefinition) {
    this.intervalMs = ((definition.per_seconds ?? 1) * 1000) / definition.max_requests;
  }

  /** Resolves when the next request may start. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await abortableDelay(at - now, signal);
  }
}
