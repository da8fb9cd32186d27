'use client';
// What a test read of one stream gave: a summary, then tabs for the records, the requests and
// responses (credentials already masked by the API), the inferred schema, the resulting state and
// the connector's log lines.
import { useId, useState } from 'react';
import type { StreamTestResult, TestedPage } from '../../lib/declarative-definitions';

type Tab = 'records' | 'requests' | 'schema' | 'state' | 'logs';

const MAX_COLUMNS = 12;

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? '';
}

function cell(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function StreamTestResultView({ result }: { result: StreamTestResult }) {
  const [tab, setTab] = useState<Tab>('records');
  const base = useId().replace(/:/g, '');
  const tabs: { id: Tab; label: string }[] = [
    { id: 'records', label: `Records (${result.recordCount})` },
    { id: 'requests', label: `Requests (${result.pages.length})` },
    { id: 'schema', label: 'Inferred schema' },
    { id: 'state', label: 'State' },
    { id: 'logs', label: `Logs (${result.logs.length})` },
  ];
  return (
    <section className="card" aria-labelledby={`${base}-heading`}>
      <h2 id={`${base}-heading`}>Test result: {result.stream}</h2>
      <p data-testid="test-summary">
        {result.recordCount} {result.recordCount === 1 ? 'record' : 'records'} from {result.pages.length} {result.pages.length === 1 ? 'page' : 'pages'}
        {result.more ? ' — more pages to read (stopped at the page limit)' : ' — the stream ended'}
        {result.records.length < result.recordCount ? `; the first ${result.records.length} are shown` : ''}.
      </p>
      {result.error ? (
        <div className="alert bad" role="alert">
          <p>
            <strong>The read stopped: {result.error.failureType.replace('_', ' ')}.</strong> {result.error.message}
          </p>
        </div>
      ) : null}
      <div className="tabs" role="tablist" aria-label="Test result">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`${base}-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`${base}-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${base}-panel-${tab}`} aria-labelledby={`${base}-tab-${tab}`}>
        {tab === 'records' ? <RecordsTable records={result.records} /> : null}
        {tab === 'requests' ? <Requests pages={result.pages} /> : null}
        {tab === 'schema' ? (
          <pre className="logs">
            {json(result.inferredSchema)}
          </pre>
        ) : null}
        {tab === 'state' ? (
          result.state ? (
            <pre className="logs">
              {json(result.state)}
            </pre>
          ) : (
            <p className="muted">No state: the stream is not incremental.</p>
          )
        ) : null}
        {tab === 'logs' ? (
          result.logs.length ? (
            <pre className="logs">
              {result.logs.map((line, i) => (
                <div key={i} className={line.level}>
                  {line.level.toUpperCase()} {line.message}
                </div>
              ))}
            </pre>
          ) : (
            <p className="muted">The connector logged nothing.</p>
          )
        ) : null}
      </div>
    </section>
  );
}

function RecordsTable({ records }: { records: Record<string, unknown>[] }) {
  if (!records.length) return <p className="muted">The stream returned no records.</p>;
  const columns: string[] = [];
  for (const record of records) for (const key of Object.keys(record)) if (!columns.includes(key)) columns.push(key);
  const shown = columns.slice(0, MAX_COLUMNS);
  return (
    <>
      {columns.length > shown.length ? <p className="help">The first {MAX_COLUMNS} of {columns.length} fields are shown; the schema tab has them all.</p> : null}
      <div className="table-scroll">
        <table className="data" aria-label="Records">
          <thead>
            <tr>
              {shown.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {records.map((record, i) => (
              <tr key={i}>
                {shown.map((c) => (
                  <td key={c} className="mono cell-clip" title={cell(record[c])}>
                    {cell(record[c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Headers({ headers }: { headers: Record<string, string> }) {
  const entries = Object.entries(headers);
  if (!entries.length) return <p className="muted small">No headers.</p>;
  return (
    <pre className="logs small">
      {entries.map(([name, value]) => `${name}: ${value}`).join('\n')}
    </pre>
  );
}

function Requests({ pages }: { pages: TestedPage[] }) {
  if (!pages.length) return <p className="muted">No request was made.</p>;
  return (
    <ol className="requests" aria-label="Requests">
      {pages.map((page, i) => (
        <li key={i}>
          <details open={i === 0}>
            <summary>
              <span className={`badge ${page.response.status < 400 ? 'ok' : 'bad'}`}>{page.response.status}</span> <span className="mono">{page.request ? `${page.request.method} ${page.request.url}` : '(no request)'}</span>{' '}
              <span className="muted">
                · {page.recordCount} {page.recordCount === 1 ? 'record' : 'records'}
                {page.partition ? ` · partition ${page.partition}` : ''}
              </span>
            </summary>
            <div className="grid-2">
              <div>
                <h3>Request</h3>
                {page.request ? <Headers headers={page.request.headers} /> : null}
                {page.request?.body ? <pre className="logs small">{page.request.body}</pre> : null}
              </div>
              <div>
                <h3>Response</h3>
                <Headers headers={page.response.headers} />
                {page.response.truncated ? <p className="help">The body was cut at 64 KiB.</p> : null}
                <pre className="logs small" aria-label={`Response body ${i + 1}`}>
                  {typeof page.response.body === 'string' ? page.response.body : json(page.response.body)}
                </pre>
              </div>
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}
