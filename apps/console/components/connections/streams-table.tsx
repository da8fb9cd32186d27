'use client';
// The streams of a connection: select all/none, search, sync mode per stream, cursor and primary
// key limited to valid fields, column selection.
import { Fragment, useState } from 'react';
import type { SyncMode } from '../../lib/api/api-types';
import { isIncremental, needsPrimaryKey, requiredFields, rowProblems, streamKey, syncModeLabel, type StreamRow } from '../../lib/streams/stream-choices';

export function StreamsTable({ rows, onChange, showProblems }: { rows: StreamRow[]; onChange: (rows: StreamRow[]) => void; showProblems: boolean }) {
  const [search, setSearch] = useState('');
  const [expanded, setExpanded] = useState<string | null>(null);
  const q = search.trim().toLowerCase();
  const visible = rows.filter((r) => !q || streamKey(r).toLowerCase().includes(q));
  const update = (key: string, patch: Partial<StreamRow>) => onChange(rows.map((r) => (streamKey(r) === key ? { ...r, ...patch } : r)));
  const setAll = (selected: boolean) => {
    const keys = new Set(visible.map(streamKey));
    onChange(rows.map((r) => (keys.has(streamKey(r)) ? { ...r, selected } : r)));
  };
  const selectedCount = rows.filter((r) => r.selected).length;

  return (
    <div>
      <div className="toolbar">
        <input type="search" className="search" placeholder="Search streams…" aria-label="Search streams" value={search} onChange={(e) => setSearch(e.target.value)} />
        <button type="button" className="button small" onClick={() => setAll(true)}>
          Select all
        </button>
        <button type="button" className="button small" onClick={() => setAll(false)}>
          Select none
        </button>
        <span className="muted small" aria-live="polite">
          {selectedCount} of {rows.length} streams selected
        </span>
      </div>
      <div className="table-scroll">
        <table className="data" aria-label="Streams">
          <thead>
            <tr>
              <th scope="col">Sync</th>
              <th scope="col">Stream</th>
              <th scope="col">Sync mode</th>
              <th scope="col">Cursor field</th>
              <th scope="col">Primary key</th>
              <th scope="col">Columns</th>
            </tr>
          </thead>
          <tbody>
            {visible.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  No stream matches “{search}”.
                </td>
              </tr>
            ) : null}
            {visible.map((row) => {
              const key = streamKey(row);
              const problems = showProblems ? rowProblems(row) : {};
              const incremental = isIncremental(row.syncMode);
              const columnsOpen = expanded === key;
              const selectedColumns = row.selectedFields ?? row.options.fields.map((f) => f.name);
              const required = requiredFields(row);
              return (
                <Fragment key={key}>
                  <tr data-stream={key}>
                    <td>
                      <input type="checkbox" checked={row.selected} onChange={(e) => update(key, { selected: e.target.checked })} aria-label={`Sync stream ${key}`} />
                    </td>
                    <td>
                      <strong>{row.name}</strong>
                      {row.namespace ? <div className="muted small">{row.namespace}</div> : null}
                    </td>
                    <td>
                      <select aria-label={`Sync mode of ${key}`} value={row.syncMode} disabled={!row.selected} onChange={(e) => update(key, { syncMode: e.target.value as SyncMode })} aria-invalid={problems.syncMode ? true : undefined}>
                        {row.options.syncModes.map((mode) => (
                          <option key={mode} value={mode}>
                            {syncModeLabel(mode)}
                          </option>
                        ))}
                      </select>
                      {problems.syncMode ? <p className="error small">{problems.syncMode}</p> : null}
                    </td>
                    <td>
                      {incremental ? (
                        row.options.sourceDefinedCursor ? (
                          <span className="mono" title="Defined by the source">
                            {row.cursorField} <span className="muted">(source)</span>
                          </span>
                        ) : (
                          <>
                            <select aria-label={`Cursor field of ${key}`} value={row.cursorField} disabled={!row.selected} onChange={(e) => update(key, { cursorField: e.target.value })} aria-invalid={problems.cursorField ? true : undefined}>
                              <option value="">Choose…</option>
                              {row.options.cursorCandidates.map((f) => (
                                <option key={f} value={f}>
                                  {f}
                                </option>
                              ))}
                            </select>
                            {problems.cursorField ? <p className="error small">{problems.cursorField}</p> : null}
                          </>
                        )
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      {row.options.sourceDefinedPrimaryKey ? (
                        <span className="mono" title="Defined by the source">
                          {row.primaryKey.join(', ')} <span className="muted">(source)</span>
                        </span>
                      ) : needsPrimaryKey(row.syncMode) ? (
                        <>
                          <select
                            aria-label={`Primary key of ${key}`}
                            multiple
                            size={Math.min(4, Math.max(2, row.options.primaryKeyCandidates.length))}
                            value={row.primaryKey}
                            disabled={!row.selected}
                            onChange={(e) => update(key, { primaryKey: [...e.target.selectedOptions].map((o) => o.value) })}
                            aria-invalid={problems.primaryKey ? true : undefined}
                          >
                            {row.options.primaryKeyCandidates.map((f) => (
                              <option key={f} value={f}>
                                {f}
                              </option>
                            ))}
                          </select>
                          {problems.primaryKey ? <p className="error small">{problems.primaryKey}</p> : null}
                        </>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      <button type="button" className="button small" aria-expanded={columnsOpen} aria-controls={`columns-${key}`} onClick={() => setExpanded(columnsOpen ? null : key)}>
                        {row.selectedFields ? `${selectedColumns.length} of ${row.options.fields.length}` : `All ${row.options.fields.length}`}
                      </button>
                    </td>
                  </tr>
                  {columnsOpen ? (
                    <tr id={`columns-${key}`}>
                      <td colSpan={6} className="columns-panel">
                        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
                          <legend className="small muted">Columns of {key} (cursor and primary key are always synced)</legend>
                          {row.options.fields.map((f) => {
                            const locked = required.includes(f.name);
                            return (
                              <label key={f.name}>
                                <input
                                  type="checkbox"
                                  checked={locked || selectedColumns.includes(f.name)}
                                  disabled={locked || !row.selected}
                                  onChange={(e) => {
                                    const next = e.target.checked ? [...selectedColumns, f.name] : selectedColumns.filter((c) => c !== f.name);
                                    update(key, { selectedFields: next.length === row.options.fields.length ? null : next });
                                  }}
                                />
                                <span className="mono">{f.name}</span> <span className="muted small">{f.type}</span>
                              </label>
                            );
                          })}
                        </fieldset>
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
