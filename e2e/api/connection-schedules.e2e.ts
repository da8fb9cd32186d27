// Schedules run through Temporal Schedules: an interval schedule really fires, a paused connection's
// schedule does not, cron schedules report their next run in their time zone, the schedule follows
// edits and disappears with the connection; repeated failures pause a connection, saying why.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { startStack, type Stack } from '../../tools/testing/stack';

interface Job {
  id: string;
  status: string;
  trigger: string;
  failure: { type: string; message: string } | null;
}

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('connection schedules and auto-pause', () => {
  let stack: Stack;
  let sourceId: string;
  let destinationId: string;

  beforeAll(async () => {
    stack = await startStack({ workers: 1, workerEnv: { TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES: '2' } });
    sourceId = (await stack.request('POST', '/sources', { name: 'Faker', definitionId: 'source-faker', config: { count: 50 } })).body.id as string;
    destinationId = (await stack.request('POST', '/destinations', { name: 'Files', definitionId: 'destination-local-files', config: { destination_path: join(stack.dataDir, 'out') } })).body.id as string;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const connectionWith = (body: Record<string, unknown>) =>
    stack.request('POST', '/connections', { sourceId, destinationId, streams: [{ name: 'users', syncMode: 'full_refresh_overwrite' }], ...body });

  it('fires an interval schedule, and not the schedule of a paused connection', async () => {
    const active = await connectionWith({ name: 'every minute', schedule: { type: 'interval', everyMinutes: 1 } });
    expect(active.status).toBe(201);
    expect(active.body.schedule).toEqual({ type: 'interval', everyMinutes: 1 });
    const nextRunAt = new Date(active.body.nextRunAt as string).getTime();
    expect(nextRunAt).toBeGreaterThan(Date.now() - 1000);
    expect(nextRunAt).toBeLessThanOrEqual(Date.now() + 61_000);

    const paused = await connectionWith({ name: 'paused', schedule: { type: 'interval', everyMinutes: 1 }, status: 'paused' });
    expect(paused.status).toBe(201);
    expect(paused.body.nextRunAt).toBeNull();

    const job = await until(
      async () => {
        const { body } = await stack.request('GET', `/jobs?connectionId=${active.body.id}`);
        return (body.items as Job[]).find((j) => j.status === 'succeeded');
      },
      100_000,
      'the scheduled sync',
    );
    expect(job.trigger).toBe('schedule');
    const pausedJobs = await stack.request('GET', `/jobs?connectionId=${paused.body.id}`);
    expect(pausedJobs.body.total).toBe(0);

    // Pausing stops it: the schedule is paused in Temporal and no next run is reported.
    const pause = await stack.request('PATCH', `/connections/${active.body.id}`, { status: 'paused' });
    expect(pause.status).toBe(200);
    expect(pause.body.nextRunAt).toBeNull();
    const temporal = await Connection.connect({ address: stack.temporalAddress });
    try {
      const client = new Client({ connection: temporal, namespace: stack.temporalNamespace });
      const description = await client.schedule.getHandle(`connection-schedule-${active.body.id}`).describe();
      expect(description.state.paused).toBe(true);

      // The schedule follows edits and disappears with the connection.
      const manual = await stack.request('PATCH', `/connections/${paused.body.id}`, { schedule: { type: 'manual' } });
      expect(manual.body.schedule).toEqual({ type: 'manual' });
      await expect(client.schedule.getHandle(`connection-schedule-${paused.body.id}`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
      expect((await stack.request('DELETE', `/connections/${active.body.id}`)).status).toBe(204);
      await expect(client.schedule.getHandle(`connection-schedule-${active.body.id}`).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    } finally {
      await temporal.close();
    }
  });

  it('reports the next run of a cron schedule in its time zone', async () => {
    const created = await connectionWith({ schedule: { type: 'cron', cron: '30 6 * * *', timezone: 'Asia/Tokyo' } });
    expect(created.status).toBe(201);
    // 06:30 in Tokyo (UTC+9, no daylight saving) is 21:30 UTC.
    const now = new Date();
    const expected = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 21, 30));
    if (expected.getTime() <= now.getTime()) expected.setUTCDate(expected.getUTCDate() + 1);
    expect(created.body.nextRunAt).toBe(expected.toISOString());

    const moved = await stack.request('PATCH', `/connections/${created.body.id}`, { schedule: { type: 'cron', cron: '30 6 * * *', timezone: 'UTC' } });
    expect(moved.status).toBe(200);
    const expectedUtc = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 6, 30));
    if (expectedUtc.getTime() <= now.getTime()) expectedUtc.setUTCDate(expectedUtc.getUTCDate() + 1);
    expect(moved.body.nextRunAt).toBe(expectedUtc.toISOString());
  });

  it.each([
    [{ type: 'cron', cron: 'every day' }, /schedule\.cron/],
    [{ type: 'cron', cron: '0 6 * * *', timezone: 'Mars/Olympus' }, /schedule\.timezone/],
    [{ type: 'interval' }, /schedule\.everyMinutes/],
    [{ type: 'interval', everyMinutes: 0 }, /schedule\.everyMinutes/],
    [{ type: 'hourly' }, /schedule\.type: must be one of manual, interval, cron/],
  ])('rejects the schedule %j with a 400 naming the field', async (schedule, message) => {
    const response = await connectionWith({ schedule });
    expect(response.status).toBe(400);
    expect(String(response.body.message)).toMatch(message);
  });

  it('pauses a connection after repeated failures and says why', async () => {
    const blocker = join(stack.dataDir, 'not-a-directory');
    writeFileSync(blocker, 'a file where a directory should be');
    const broken = await stack.request('POST', '/destinations', { name: 'Broken', definitionId: 'destination-local-files', config: { destination_path: join(blocker, 'out') } });
    const connection = await stack.request('POST', '/connections', { sourceId, destinationId: broken.body.id, streams: [{ name: 'users', syncMode: 'full_refresh_overwrite' }] });
    expect(connection.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const trigger = await stack.request('POST', `/connections/${connection.body.id}/jobs`, { type: 'sync' });
      expect(trigger.status).toBe(202);
      const job = await until(
        async () => {
          const { body } = await stack.request('GET', `/jobs/${trigger.body.id}`);
          return ['succeeded', 'failed', 'cancelled'].includes(body.status as string) ? (body as unknown as Job) : undefined;
        },
        60_000,
        'the failing job',
      );
      expect(job.status).toBe('failed');
      expect(job.failure?.message).toMatch(/not-a-directory/);
    }
    const after = await stack.request('GET', `/connections/${connection.body.id}`);
    expect(after.body.status).toBe('paused');
    expect(after.body.statusReason).toMatch(/after 2 consecutive failed syncs/);
    const refused = await stack.request('POST', `/connections/${connection.body.id}/jobs`, { type: 'sync' });
    expect(refused.status).toBe(409);
    const resumed = await stack.request('PATCH', `/connections/${connection.body.id}`, { status: 'active' });
    expect(resumed.body.statusReason).toBeNull();
  });
});
