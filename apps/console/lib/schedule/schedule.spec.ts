import { describeSchedule, formatRun, nextRuns } from './schedule';

describe('schedules', () => {
  const from = new Date('2025-11-21T10:00:00Z');

  it('previews cron runs in the schedule time zone', () => {
    const result = nextRuns({ type: 'cron', cron: '0 6 * * 1-5', timezone: 'Europe/Paris' }, 2, from);
    expect(result).toEqual({ ok: true, runs: [new Date('2025-11-24T05:00:00Z'), new Date('2025-11-25T05:00:00Z')] });
    expect(formatRun(new Date('2025-11-24T05:00:00Z'), 'Europe/Paris')).toContain('06:00');
  });

  it('previews interval runs and refuses bad input with a sentence', () => {
    expect(nextRuns({ type: 'interval', everyMinutes: 30, timezone: 'UTC' }, 2, from)).toEqual({ ok: true, runs: [new Date('2025-11-21T10:30:00Z'), new Date('2025-11-21T11:00:00Z')] });
    expect(nextRuns({ type: 'interval', everyMinutes: 0, timezone: 'UTC' }).ok).toBe(false);
    expect(nextRuns({ type: 'cron', cron: '61 * * * *', timezone: 'UTC' }).ok).toBe(false);
    expect(nextRuns({ type: 'cron', cron: 'every day', timezone: 'UTC' }).ok).toBe(false);
  });

  it('describes schedules in words', () => {
    expect(describeSchedule({ type: 'manual', timezone: 'UTC' })).toBe('Manual');
    expect(describeSchedule({ type: 'interval', everyMinutes: 120, timezone: 'UTC' })).toBe('Every 2 hours');
  });
});
