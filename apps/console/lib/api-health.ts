// The only place the console asks the API about its health, and the shape the page gets back.
import { consoleConfig } from './console.config';

export type ComponentState = 'up' | 'down';

export type ApiHealth =
  | { reachable: true; healthy: boolean; httpStatus: number; database?: ComponentState; temporal?: ComponentState }
  | { reachable: false; reason: string };

interface HealthPayload {
  status?: string;
  database?: string;
  temporal?: string;
}

const TIMEOUT_MS = 3000;

export async function fetchApiHealth(): Promise<ApiHealth> {
  const url = `${consoleConfig().apiUrl}/api/v1/health`;
  let response: Response;
  try {
    response = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    return { reachable: false, reason: describeFetchError(error, url) };
  }
  // 503 carries the same body: which dependency is down.
  const payload = (await response.json().catch(() => ({}))) as HealthPayload;
  return {
    reachable: true,
    healthy: response.ok && payload.status === 'ok',
    httpStatus: response.status,
    database: componentState(payload.database),
    temporal: componentState(payload.temporal),
  };
}

function componentState(value: string | undefined): ComponentState | undefined {
  return value === 'up' || value === 'down' ? value : undefined;
}

function describeFetchError(error: unknown, url: string): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `No answer from ${url} within ${TIMEOUT_MS / 1000} s.`;
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : error instanceof Error ? error.message : String(error);
  return `Cannot reach ${url}: ${cause}.`;
}
