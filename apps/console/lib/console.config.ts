// The console's environment, read in one place (server side only).

export interface ConsoleConfig {
  /** Origin of the Tributary API, e.g. http://127.0.0.1:8080 (the REST API is under /api/v1). */
  apiUrl: string;
  /** The Temporal web UI, when known. */
  temporalUiUrl?: string;
  /** Whether the session cookie is marked Secure (the console is served over HTTPS). */
  secureCookies: boolean;
}

export function consoleConfig(): ConsoleConfig {
  const apiUrl = (process.env['TRIBUTARY_API_URL'] ?? 'http://127.0.0.1:8080').trim().replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  const temporalUiUrl = process.env['TEMPORAL_UI_URL']?.trim() || undefined;
  const secureCookies = ['1', 'true', 'yes'].includes((process.env['TRIBUTARY_CONSOLE_SECURE_COOKIES'] ?? '').trim().toLowerCase());
  return { apiUrl, temporalUiUrl, secureCookies };
}
