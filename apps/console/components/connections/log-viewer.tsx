// A job's log lines, filterable by level through the URL.
import Link from 'next/link';
import type { JobLogLine } from '../../lib/api/api-types';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

export function LogViewer({ lines, level, basePath, following }: { lines: JobLogLine[]; level?: string; basePath: string; following: boolean }) {
  const minimum = LEVELS.indexOf((LEVELS as readonly string[]).includes(level ?? '') ? (level as (typeof LEVELS)[number]) : 'debug');
  const shown = lines.filter((l) => LEVELS.indexOf(l.level) >= minimum);
  return (
    <div>
      <nav className="toolbar" aria-label="Log level">
        <span className="muted small">Show:</span>
        {LEVELS.map((l, i) => (
          <Link key={l} className="button small" href={`${basePath}?level=${l}`} aria-current={i === minimum ? 'true' : undefined} style={i === minimum ? { borderColor: 'var(--accent)' } : undefined}>
            {l === 'debug' ? 'all' : `${l}+`}
          </Link>
        ))}
        {following ? <span className="muted small">following live…</span> : null}
      </nav>
      {shown.length === 0 ? (
        <p className="muted">No log lines{minimum > 0 ? ' at this level' : ' yet'}.</p>
      ) : (
        <pre className="logs" tabIndex={0} aria-label="Job logs">
          {shown.map((line) => (
            <div key={line.id} className={line.level === 'warn' || line.level === 'error' ? line.level : undefined}>
              <span className="at">{line.at.slice(11, 23)}</span> {line.level.toUpperCase().padEnd(5)} {line.attempt ? `[${line.attempt}] ` : ''}
              {line.message}
              {line.fields ? ` ${JSON.stringify(line.fields)}` : ''}
            </div>
          ))}
        </pre>
      )}
    </div>
  );
}
