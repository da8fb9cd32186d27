// Connection schedules in words, and their next runs (cron in its time zone, as Temporal runs it).
import { CronExpressionParser } from 'cron-parser';
import type { Schedule } from '../api/api-types';

export function describeSchedule(schedule: Schedule): string {
  switch (schedule.type) {
    case 'manual':
      return 'Manual';
    case 'interval':
      return schedule.everyMinutes === 60 ? 'Every hour' : schedule.everyMinutes && schedule.everyMinutes % 60 === 0 ? `Every ${schedule.everyMinutes / 60} hours` : `Every ${schedule.everyMinutes} minutes`;
    case 'cron':
      return `Cron “${schedule.cron}” (${schedule.timezone || 'UTC'})`;
  }
}

export type NextRuns = { ok: true; runs: Date[] } | { ok: false; message: string };

/** The next `count` runs after `from` (interval runs are counted from `from`). */
export function nextRuns(schedule: Schedule, count = 3, from = new Date()): NextRuns {
  if (schedule.type === 'manual') return { ok: true, runs: [] };
  if (schedule.type === 'interval') {
    const minutes = schedule.everyMinutes ?? 0;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 525600) return { ok: false, message: 'Enter a whole number of minutes from 1 to 525600.' };
    return { ok: true, runs: Array.from({ length: count }, (_, i) => new Date(from.getTime() + (i + 1) * minutes * 60_000)) };
  }
  const expression = (schedule.cron ?? '').trim();
  if (!/^(@(yearly|annually|monthly|weekly|daily|hourly)|(\S+\s+){4}\S+)$/.test(expression)) {
    return { ok: false, message: 'Enter five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, @weekly, @monthly.' };
  }
  try {
    const iterator = CronExpressionParser.parse(expression, { tz: schedule.timezone || 'UTC', currentDate: from });
    return { ok: true, runs: iterator.take(count).map((d) => d.toDate()) };
  } catch (error) {
    return { ok: false, message: `Not a valid cron expression: ${(error as Error).message}` };
  }
}

/** A run time in the schedule's own time zone, e.g. "Mon 24 Nov 2025, 06:00 (Europe/Paris)". */
export function formatRun(date: Date, timeZone = 'UTC'): string {
  return `${date.toLocaleString('en-GB', { timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' })} (${timeZone})`;
}

/** The IANA time zones this runtime knows, UTC first. */
export function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}
