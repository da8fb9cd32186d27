// Search and kind filter of the catalog: a GET form, so the URL holds the filter and survives reload.
export function CatalogFilters({ query, kind }: { query: string; kind: string }) {
  return (
    <form className="toolbar" role="search" method="get">
      <label className="sr-only" htmlFor="catalog-search">
        Search connectors
      </label>
      <input id="catalog-search" className="search" type="search" name="q" defaultValue={query} placeholder="Search connectors…" aria-label="Search connectors" />
      <label htmlFor="catalog-kind" className="muted">
        Kind
      </label>
      <select id="catalog-kind" name="kind" defaultValue={kind} style={{ width: 'auto' }}>
        <option value="">All</option>
        <option value="source">Sources</option>
        <option value="destination">Destinations</option>
      </select>
      <button className="button" type="submit">
        Search
      </button>
    </form>
  );
}
