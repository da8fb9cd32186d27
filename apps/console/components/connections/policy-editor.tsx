'use client';
// What happens when the source's schema changes.
import type { SchemaChangePolicy } from '../../lib/api/api-types';

const NON_BREAKING: { value: SchemaChangePolicy['nonBreaking']; label: string; help: string }[] = [
  { value: 'propagate_all', label: 'Propagate all changes', help: 'New streams and columns are added and synced automatically.' },
  { value: 'propagate_columns', label: 'Propagate column changes only', help: 'New columns are synced; new streams wait for you to select them.' },
  { value: 'ignore', label: 'Ignore', help: 'Keep syncing the schema accepted so far.' },
  { value: 'approve', label: 'Hold for approval', help: 'Syncs wait until someone approves or rejects the change.' },
  { value: 'pause', label: 'Pause the connection', help: 'The connection pauses until someone resumes it.' },
];

const BREAKING: { value: SchemaChangePolicy['breaking']; label: string }[] = [
  { value: 'pause', label: 'Pause the connection' },
  { value: 'fail', label: 'Fail the sync' },
];

export function PolicyEditor({ value, onChange }: { value: SchemaChangePolicy; onChange: (next: SchemaChangePolicy) => void }) {
  return (
    <div className="grid-2">
      <fieldset className="group">
        <legend>Non-breaking changes (stream or column added, type widened)</legend>
        {NON_BREAKING.map((option) => (
          <label key={option.value} className="row" style={{ alignItems: 'flex-start', marginBottom: 8, flexWrap: 'nowrap' }}>
            <input type="radio" name="policy-non-breaking" value={option.value} checked={value.nonBreaking === option.value} onChange={() => onChange({ ...value, nonBreaking: option.value })} style={{ marginTop: 3 }} />
            <span>
              {option.label}
              <br />
              <span className="muted small">{option.help}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className="group">
        <legend>Breaking changes (key or cursor removed, type narrowed)</legend>
        {BREAKING.map((option) => (
          <label key={option.value} className="row" style={{ marginBottom: 8 }}>
            <input type="radio" name="policy-breaking" value={option.value} checked={value.breaking === option.value} onChange={() => onChange({ ...value, breaking: option.value })} />
            {option.label}
          </label>
        ))}
      </fieldset>
    </div>
  );
}
