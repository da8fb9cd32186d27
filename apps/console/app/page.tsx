import { ApiHealthCard } from '../components/health/api-health-card';
import { GettingStarted } from '../components/getting-started/getting-started';
import { fetchApiHealth } from '../lib/api-health';
import { consoleConfig } from '../lib/console.config';

// The health is asked at every request, never baked in at build time.
export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const { apiUrl, temporalUiUrl } = consoleConfig();
  const health = await fetchApiHealth();
  const apiDocsUrl = `${apiUrl}/api/docs`;
  return (
    <main>
      <header className="masthead">
        <h1>Tributary</h1>
        <p>Open-source ELT: pluggable connectors, syncs that survive anything, run by Temporal.</p>
        <nav aria-label="Tools">
          <a href={apiDocsUrl}>API docs (OpenAPI)</a>
          {temporalUiUrl ? <a href={temporalUiUrl}>Temporal UI</a> : <span className="muted">Temporal UI: set TEMPORAL_UI_URL</span>}
        </nav>
      </header>
      <ApiHealthCard health={health} apiUrl={apiUrl} />
      <GettingStarted apiDocsUrl={apiDocsUrl} />
    </main>
  );
}
