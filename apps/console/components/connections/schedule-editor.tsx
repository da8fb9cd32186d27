'use client';
// Manual, every N minutes, or cron in a time zone, with the next runs previewed.
import { useMemo } from 'react';
import type { Schedule } from '../../lib/api/api-types';
import { formatRun, nextRuns, timeZones } from '../../lib/schedule/schedule';

export function ScheduleEditor({ value, onChange, error }: { value: Schedule; onChange: (next: Schedule) => void; error?: string }) {
  const preview = nextRuns(value, 3);
  const zones = useMemo(() => timeZones(), []);
  const type = value.type;
  return (
    <div>
      <fieldset className="group">
        <legend>When does it sync?</legend>
        <div className="row" role="radiogroup" aria-label="Schedule type" style={{ gap: 18, marginBottom: 12 }}>
          {(
            [
              ['manual', 'Manually'],
              ['interval', 'Every N minutes'],
              ['cron', 'Cron expression'],
            ] as const
          ).map(([t, label]) => (
            <label key={t} className="row" style={{ gap: 6 }}>
              <input
                type="radio"
                name="schedule-type"
                value={t}
                checked={type === t}
                onChange={() => onChange(t === 'interval' ? { type: 'interval', everyMinutes: value.everyMinutes ?? 60, timezone: 'UTC' } : t === 'cron' ? { type: 'cron', cron: value.cron ?? '0 6 * * *', timezone: value.timezone || 'UTC' } : { type: 'manual', timezone: 'UTC' })}
              />
              {label}
            </label>
          ))}
        </div>
        {type === 'interval' ? (
          <div className="field" style={{ maxWidth: 240 }}>
            <label htmlFor="every-minutes">Every (minutes)</label>
            <input
              id="every-minutes"
              type="number"
              min={1}
              max={525600}
              step={1}
              value={value.everyMinutes ?? ''}
              onChange={(e) => onChange({ ...value, everyMinutes: e.target.value === '' ? undefined : Number(e.target.value) })}
              aria-invalid={!preview.ok || error ? true : undefined}
              aria-describedby="schedule-preview"
            />
          </div>
        ) : null}
        {type === 'cron' ? (
          <div className="grid-2">
            <div className="field">
              <label htmlFor="cron-expression">Cron expression</label>
              <input id="cron-expression" type="text" className="mono" value={value.cron ?? ''} placeholder="0 6 * * 1-5" onChange={(e) => onChange({ ...value, cron: e.target.value })} aria-invalid={!preview.ok || error ? true : undefined} aria-describedby="cron-help schedule-preview" />
              <p className="help" id="cron-help">
                minute hour day-of-month month day-of-week, e.g. <code>30 6 * * 1-5</code> (6:30 on weekdays), or @hourly, @daily.
              </p>
            </div>
            <div className="field">
              <label htmlFor="cron-timezone">Time zone</label>
              <select id="cron-timezone" value={value.timezone || 'UTC'} onChange={(e) => onChange({ ...value, timezone: e.target.value })}>
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>
            </div>
          </div>
        ) : null}
        <div id="schedule-preview" aria-live="polite">
          {type === 'manual' ? <p className="muted">Syncs run only when you press “Sync now” (or call the API).</p> : null}
          {!preview.ok ? <p className="error">{preview.message}</p> : null}
          {preview.ok && preview.runs.length ? (
            <div>
              <span className="field-label">Next runs</span>
              <ul style={{ margin: '4px 0 0' }} data-testid="next-runs">
                {preview.runs.map((run) => (
                  <li key={run.toISOString()}>{formatRun(run, type === 'cron' ? value.timezone || 'UTC' : 'UTC')}</li>
                ))}
              </ul>
              {type === 'interval' ? <p className="help">Counted from when the schedule starts; overlapping runs are skipped.</p> : null}
            </div>
          ) : null}
          {error ? <p className="error">{error}</p> : null}
        </div>
      </fieldset>
    </div>
  );
}
