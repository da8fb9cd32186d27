// First steps for someone who just started the stack.
export function GettingStarted({ apiDocsUrl }: { apiDocsUrl: string }) {
  return (
    <section className="card" aria-labelledby="getting-started-title">
      <h2 id="getting-started-title">Getting started</h2>
      <ol>
        <li>
          Keep the API token that <code>tributary up</code> printed at its first start. Every API call but the health
          check needs it as <code>Authorization: Bearer &lt;token&gt;</code>.
        </li>
        <li>
          Browse the connector catalog: <code>GET /api/v1/connector-definitions</code>.
        </li>
        <li>
          Create a source and a destination (<code>POST /api/v1/sources</code>, <code>POST /api/v1/destinations</code>),
          check them, then connect them with <code>POST /api/v1/connections</code>.
        </li>
        <li>
          Run a sync with <code>POST /api/v1/connections/&#123;id&#125;/jobs</code> and follow it in{' '}
          <code>GET /api/v1/jobs</code> or in the Temporal UI.
        </li>
      </ol>
      <p className="hint">
        Every endpoint, with its request and response shapes, is described in the <a href={apiDocsUrl}>API docs</a>. The
        point-and-click setup arrives in this console soon.
      </p>
    </section>
  );
}
