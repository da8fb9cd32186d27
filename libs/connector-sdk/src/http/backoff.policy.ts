// How long to wait before retrying: exponential backoff with jitter (so that many clients rejected
// together do not come back together), and the server's own Retry-After when it gives one.

export interface BackoffPolicy {
  /** Milliseconds to wait before retry number `retry` (0 for the first retry). */
  delayMs(retry: number): number;
}

export interface ExponentialBackoffOptions {
  /** Delay before the first retry (default 1 s). */
  initialMs?: number;
  /** Growth per retry (default 2). */
  factor?: number;
  /** Ceiling of any delay (default 60 s). */
  maxMs?: number;
  /**
   * "Equal jitter": the delay is drawn between half and all of the exponential value, so it never
   * collapses to zero (default true).
   */
  jitter?: boolean;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
}

export class ExponentialBackoff implements BackoffPolicy {
  private readonly initialMs: number;
  private readonly factor: number;
  private readonly maxMs: number;
  private readonly jitter: boolean;
  private readonly random: () => number;

  constructor(options: ExponentialBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.factor = options.factor ?? 2;
    this.maxMs = options.maxMs ?? 60_000;
    this.jitter = options.jitter ?? true;
    this.random = options.random ?? Math.random;
  }

  delayMs(retry: number): number {
    const exponential = Math.min(this.maxMs, this.initialMs * this.factor ** retry);
    if (!this.jitter) return exponential;
    return Math.round(exponential / 2 + (this.random() * exponential) / 2);
  }
}

/**
 * Milliseconds the server asks us to wait (RFC 9110 Retry-After: delay-seconds or an HTTP date),
 * or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
