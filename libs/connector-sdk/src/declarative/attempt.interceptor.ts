// The requester's one per-attempt hook is its authenticator (called before every attempt, retries
// included), so the declarative runtime wraps the real authenticator to wait for the stream's rate
// limiter first and to show each prepared request to an observer (the Builder's test read).
import type { HttpAuthenticator } from '../http/http.authenticator';
import type { PreparedRequest } from '../http/http.types';
import type { RequestRateLimiter } from './request-rate.limiter';

export class AttemptInterceptor implements HttpAuthenticator {
  constructor(
    private readonly inner: HttpAuthenticator | undefined,
    private readonly limiter: RequestRateLimiter | undefined,
    private readonly observe?: (request: PreparedRequest) => void,
  ) {}

  async authenticate(request: PreparedRequest, signal?: AbortSignal): Promise<void> {
    await this.limiter?.acquire(signal);
    await this.inner?.authenticate(request, signal);
    this.observe?.(request);
  }

  async refresh(signal?: AbortSignal): Promise<boolean> {
    return this.inner?.refresh ? this.inner.refresh(signal) : false;
  }

  async close(): Promise<void> {
    await this.inner?.close?.();
  }
}
