// Shows whether the API (and what it depends on) answers, with an error state a person can act on.
import type { ApiHealth, ComponentState } from '../../lib/api-health';

export function ApiHealthCard({ health, apiUrl }: { health: ApiHealth; apiUrl: string }) {
  if (!health.reachable) {
    return (
      <section className="card card-error" aria-labelledby="api-health-title">
        <h2 id="api-health-title">
          <span className="dot dot-down" aria-hidden="true" /> API unreachable
        </h2>
        <p>{health.reason}</p>
        <p className="hint">
          Is the API running? Start everything with <code>npm start</code> (or <code>tributary up</code>), or point
          the console at a running API with <code>TRIBUTARY_API_URL</code> (now <code>{apiUrl}</code>).
        </p>
      </section>
    );
  }
  return (
    <section className={health.healthy ? 'card' : 'card card-warning'} aria-labelledby="api-health-title">
      <h2 id="api-health-title">
        <span className={health.healthy ? 'dot dot-up' : 'dot dot-degraded'} aria-hidden="true" />{' '}
        {health.healthy ? 'API healthy' : `API degraded (HTTP ${health.httpStatus})`}
      </h2>
      <dl className="states">
        <State name="Metadata database" state={health.database} />
        <State name="Temporal" state={health.temporal} />
      </dl>
      <p className="hint">
        API at <code>{apiUrl}</code>
      </p>
    </section>
  );
}

function State({ name, state }: { name: string; state?: ComponentState }) {
  return (
    <>
      <dt>{name}</dt>
      <dd className={state === 'up' ? 'state-up' : 'state-down'}>{state ?? 'unknown'}</dd>
    </>
  );
}
