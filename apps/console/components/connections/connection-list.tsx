// The connections list: name, source → destination, status, last sync, next run; searchable and
// paged through the URL.
import Link from 'next/link';
import type { ConnectionListView } from '../../lib/connections';
import { describeSchedule } from '../../lib/schedule/schedule';
import { formatDateTime } from '../format/format';
import { ConnectionStatusBadge, JobStatusBadge } from './status-badges';

export function ConnectionList({ view, search }: { view: ConnectionListView; search: string }) {
  const pages = Math.max(1, Math.ceil(view.total / view.pageSize));
  const href = (page: number) => `/connections?${new URLSearchParams({ ...(search ? { q: search } : {}), page: String(page) }).toString()}`;
  return (
    <>
      <form className="toolbar" role="search" method="get">
        <input type="search" className="search" name="q" defaultValue={search} placeholder="Search by name, source or destination…" aria-label="Search connections" />
        <button className="button" type="submit">
          Search
        </button>
        {search ? (
          <Link className="small" href="/connections">
            Clear search
          </Link>
        ) : null}
      </form>
      {view.rows.length === 0 ? (
        <div className="empty">
          <h2>{search ? 'No connection matches' : 'No connections yet'}</h2>
          <p>{search ? `Nothing matches “${search}”.` : 'A connection syncs the streams of a source into a destination.'}</p>
          {!search ? (
            <Link className="button primary" href="/connections/new">
              New connection
            </Link>
          ) : null}
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data" aria-label="Connections">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Source → destination</th>
                <th scope="col">Status</th>
                <th scope="col">Last sync</th>
                <th scope="col">Schedule / next run</th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map(({ connection, source, destination, lastJob }) => (
                <tr key={connection.id}>
                  <td>
                    <Link href={`/connections/${connection.id}`}>{connection.name}</Link>
                  </td>
                  <td>
                    {source?.name ?? '?'} → {destination?.name ?? '?'}
                  </td>
                  <td>
                    <ConnectionStatusBadge connection={connection} />
                  </td>
                  <td>
                    {lastJob ? (
                      <span className="row">
                        <JobStatusBadge status={lastJob.status} />
                        <span className="muted small">{formatDateTime(lastJob.endedAt ?? lastJob.startedAt ?? lastJob.createdAt)}</span>
                      </span>
                    ) : (
                      <span className="muted">Never synced</span>
                    )}
                  </td>
                  <td>
                    {describeSchedule(connection.schedule)}
                    {connection.nextRunAt ? <div className="muted small">next {formatDateTime(connection.nextRunAt)}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 ? (
        <nav className="row" aria-label="Pages" style={{ marginTop: 14, justifyContent: 'space-between' }}>
          <span className="muted small">
            {view.total} connections · page {view.page} of {pages}
          </span>
          <span className="row">
            {view.page > 1 ? (
              <Link className="button small" href={href(view.page - 1)} rel="prev">
                Previous
              </Link>
            ) : null}
            {view.page < pages ? (
              <Link className="button small" href={href(view.page + 1)} rel="next">
                Next
              </Link>
            ) : null}
          </span>
        </nav>
      ) : null}
    </>
  );
}
