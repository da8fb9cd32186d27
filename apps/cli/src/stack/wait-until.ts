// Polling for readiness: one loop that every "wait until X answers" in the stack uses, so a
// timeout, an abort or a dead process end the wait the same way everywhere.
import { setTimeout as sleep } from 'node:timers/promises';
import { StackException, StackExceptionCode } from './stack.exception';

export interface WaitOptions {
  /** What is awaited, in words: "the API to answer /api/v1/health". */
  description: string;
  timeoutMs: number;
  intervalMs?: number;
  signal?: AbortSignal;
  /**
   * Checked before each attempt: a message ends the wait at once (e.g. the process died), with
   * `output` shown under it.
   */
  failFast?: () => { message: string; output?: string } | undefined;
}

/**
 * Calls `attempt` until it returns a value other than `undefined` and returns that value. An
 * attempt that throws counts as "not yet"; the last error is quoted when the time runs out.
 */
export async function waitUntil<T>(attempt: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 250;
  let lastError: unknown;
  for (;;) {
    if (options.signal?.aborted) throw abortedWhileWaiting(options.description);
    const failure = options.failFast?.();
    if (failure) throw new StackException(StackExceptionCode.PROCESS_FAILED, failure.message, failure.output);
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new StackException(StackExceptionCode.NOT_READY, `Gave up waiting for ${options.description} after ${Math.round(options.timeoutMs / 1000)} s${cause}.`);
    }
    try {
      await sleep(intervalMs, undefined, { signal: options.signal });
    } catch {
      throw abortedWhileWaiting(options.description);
    }
  }
}

function abortedWhileWaiting(description: string): StackException {
  return new StackException(StackExceptionCode.ABORTED, `Stopped while waiting for ${description}.`);
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** GETs `url` (no redirects followed); throws when nothing answers within `timeoutMs`. */
export async function httpGet(url: string, timeoutMs = 2000): Promise<HttpAnswer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  return { status: response.status, body: await response.text() };
}

/**
 * An attempt for `waitUntil` that succeeds when `url` answers 200; any other answer is quoted in
 * the timeout message (e.g. a 503 health body saying which dependency is down).
 */
export function httpOk(url: string): () => Promise<true> {
  return async () => {
    const answer = await httpGet(url);
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status} ${answer.body.slice(0, 300)}`);
    return true;
  };
}
