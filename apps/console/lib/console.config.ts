// The console's environment, read in one place (server side only).

export interface ConsoleConfig {
  /** Base URL of the Tributary API, e.g. http://127.0.0.1:8080. */
  apiUrl: string;
  /** The Temporal web UI, when known. */
  temporalUiUrl?: string;
}

export function consoleConfig(): ConsoleConfig {
  const apiUrl = (process.env['TRIBUTARY_API_URL'] ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const temporalUiUrl = process.env['TEMPORAL_UI_URL']?.trim() || undefined;
  return { apiUrl, temporalUiUrl };
}
