// JobRepository against a real PostgreSQL: a fresh database for this file, migrated with the real
// migrations, so the partial unique index, the transactions and the SQL are the ones production runs.
import { randomUUID } from 'node:crypto';
import type { StateMessage } from '@tributary/protocol';
import type { DataSource } from 'typeorm';
import {
  ActiveJobExistsError,
  ActorEntity,
  ConnectionEntity,
  ConnectorDefinitionEntity,
  createDataSource,
  GLOBAL_STATE_STREAM,
  JobRepository,
  migrate,
  type CheckpointCommit,
} from '../src';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing/test-database';

let database: TestDatabase;
let dataSource: DataSource;
let jobs: JobRepository;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 8, applicationName: 'job-repository-test' });
  await dataSource.initialize();
  await migrate(dataSource);
  jobs = new JobRepository(dataSource);
  await dataSource.getRepository(ConnectorDefinitionEntity).save([
    { id: 'source-test', name: 'Test source', kind: 'source', version: '1.0.0', spec: { connectionSpecification: { type: 'object' } }, origin: 'builtin' },
    { id: 'destination-test', name: 'Test destination', kind: 'destination', version: '1.0.0', spec: { connectionSpecification: { type: 'object' } }, origin: 'builtin' },
  ]);
});

afterAll(async () => {
  if (dataSource?.isInitialized) await dataSource.destroy();
  await database?.drop();
});

/** A connection (with its source and destination) for jobs to belong to. */
async function newConnection(): Promise<string> {
  const actors = dataSource.getRepository(ActorEntity);
  const source = await actors.save({ kind: 'source', definitionId: 'source-test', name: 'src', config: {} });
  const destination = await actors.save({ kind: 'destination', definitionId: 'destination-test', name: 'dst', config: {} });
  const connection = await dataSource.getRepository(ConnectionEntity).save({
    name: `connection ${randomUUID()}`,
    sourceId: source.id,
    destinationId: destination.id,
    streams: [],
    schedule: { type: 'manual' },
    schemaChangePolicy: { nonBreaking: 'ignore', breaking: 'fail' },
    status: 'active',
    namespaceDefinition: 'source',
    namespaceFormat: null,
  });
  return connection.id;
}

function streamState(name: string, cursor: number, namespace?: string): StateMessage {
  return { type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name, ...(namespace ? { namespace } : {}) }, stream_state: { cursor } } } };
}

function globalState(lsn: number): StateMessage {
  return { type: 'STATE', state: { type: 'GLOBAL', global: { shared_state: { lsn }, stream_states: [] } } };
}

describe('JobRepository', () => {
  describe('one active job per connection', () => {
    it('refuses a second pending or running job, naming the active one, until the first is finished', async () => {
      const connectionId = await newConnection();
      const first = await jobs.create(connectionId, 'sync', null);
      expect(first).toMatchObject({ connectionId, type: 'sync', status: 'pending', streams: null, recordsCommitted: 0 });

      const whilePending = await jobs.create(connectionId, 'refresh', [{ name: 'users' }]).catch((e: unknown) => e);
      expect(whilePending).toBeInstanceOf(ActiveJobExistsError);
      expect((whilePending as ActiveJobExistsError).activeJobId).toBe(first.id);

      await jobs.markRunning(first.id);
      expect((await jobs.get(first.id))!.status).toBe('running');
      await expect(jobs.create(connectionId, 'sync', null)).rejects.toMatchObject({ name: 'ActiveJobExistsError', activeJobId: first.id });

      expect(await jobs.finish(first.id, 'succeeded')).toBe(true);
      const second = await jobs.create(connectionId, 'refresh', [{ name: 'users', namespace: 'public' }]);
      expect(second).toMatchObject({ status: 'pending', type: 'refresh', streams: [{ name: 'users', namespace: 'public' }] });
      expect((await jobs.findActive(connectionId))!.id).toBe(second.id);
    });

    it('lets exactly one of many simultaneous triggers through', async () => {
      const connectionId = await newConnection();
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => jobs.create(connectionId, 'sync', null)));

      const created = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<JobRepository['create']>>> => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(created).toHaveLength(1);
      expect(refused).toHaveLength(5);
      for (const r of refused) expect(r.reason).toBeInstanceOf(ActiveJobExistsError);
      const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM jobs WHERE connection_id = $1`, [connectionId])) as { count: number }[];
      expect(count).toBe(1);
    });

    it('keeps connections independent', async () => {
      const a = await jobs.create(await newConnection(), 'sync', null);
      const b = await jobs.create(await newConnection(), 'sync', null);
      expect(a.id).not.toBe(b.id);
    });
  });

  describe('checkpoints', () => {
    it('stores states and position and adds to attempt, job and stream counters', async () => {
      const connectionId = await newConnection();
      const job = await jobs.create(connectionId, 'sync', null);
      const attempt = await jobs.startAttempt(job.id, 1);
      const base = { connectionId, jobId: job.id, attemptId: attempt.id, attemptNumber: 1 };

      await jobs.commitCheckpoint({
        ...base,
        sequence: 1,
        states: [streamState('users', 1, 'public'), streamState('events', 1)],
        position: { files: { users: 300 } },
        stats: [
          { stream: { name: 'users', namespace: 'public' }, records: 3, bytes: 300 },
          { stream: { name: 'events' }, records: 2, bytes: 50 },
        ],
      });
      await jobs.commitCheckpoint({
        ...base,
        sequence: 2,
        states: [streamState('users', 2, 'public')],
        position: { files: { users: 400 } },
        stats: [{ stream: { name: 'users', namespace: 'public' }, records: 1, bytes: 100 }],
      });

      expect(await jobs.resumePoint(job.id)).toEqual({ sequence: 2, position: { files: { users: 400 } } });
      expect(await jobs.attempts(job.id)).toEqual([expect.objectContaining({ number: 1, status: 'running', recordsCommitted: 4 + 2, bytesCommitted: 450 })]);
      expect(await jobs.get(job.id)).toMatchObject({ recordsCommitted: 6, bytesCommitted: 450 });
      expect((await jobs.streamStats([job.id])).map((s) => [s.streamNamespace, s.streamName, s.recordsEmitted, s.recordsCommitted, s.bytesCommitted, s.status])).toEqual([
        ['', 'events', 2, 2, 50, 'running'],
        ['public', 'users', 4, 4, 400, 'running'],
      ]);
      const stored = (await dataSource.query(`SELECT attempt_number, stream_namespace, stream_name, state FROM stream_states WHERE job_id = $1 ORDER BY id`, [job.id])) as unknown[];
      expect(stored).toEqual([
        { attempt_number: 1, stream_namespace: 'public', stream_name: 'users', state: streamState('users', 1, 'public') },
        { attempt_number: 1, stream_namespace: '', stream_name: 'events', state: streamState('events', 1) },
        { attempt_number: 1, stream_namespace: 'public', stream_name: 'users', state: streamState('users', 2, 'public') },
      ]);

      await jobs.finishAttempt(attempt.id, 'succeeded');
      expect((await jobs.streamStats([job.id])).map((s) => s.status)).toEqual(['complete', 'complete']);
    });

    it('commits nothing of a checkpoint that fails part-way', async () => {
      const connectionId = await newConnection();
      const job = await jobs.create(connectionId, 'sync', null);
      const attempt = await jobs.startAttempt(job.id, 1);
      const good: CheckpointCommit = {
        connectionId,
        jobId: job.id,
        attemptId: attempt.id,
        attemptNumber: 1,
        sequence: 1,
        states: [streamState('users', 1, 'public')],
        position: { offset: 10 },
        stats: [{ stream: { name: 'users', namespace: 'public' }, records: 5, bytes: 500 }],
      };
      await jobs.commitCheckpoint(good);

      // The states and the checkpoint row are written first; the stats then hit a missing attempt.
      await expect(
        jobs.commitCheckpoint({ ...good, sequence: 2, attemptId: randomUUID(), states: [streamState('users', 2, 'public')], position: { offset: 20 } }),
      ).rejects.toThrow(/foreign key/);

      expect(await jobs.resumePoint(job.id)).toEqual({ sequence: 1, position: { offset: 10 } });
      expect(await jobs.currentStates(connectionId)).toEqual([{ jobId: job.id, state: streamState('users', 1, 'public') }]);
      expect(await jobs.get(job.id)).toMatchObject({ recordsCommitted: 5, bytesCommitted: 500 });
    });

    it("keeps each partition's checkpoints and states apart from the job's and from the stream's current state", async () => {
      const connectionId = await newConnection();
      const job = await jobs.create(connectionId, 'sync', null);
      const attempt = await jobs.startAttempt(job.id, 1);
      const base = { connectionId, jobId: job.id, attemptId: attempt.id, attemptNumber: 1 };
      await jobs.commitCheckpoint({ ...base, sequence: 1, states: [streamState('users', 1, 'public')], position: { at: 'whole' }, stats: [{ stream: { name: 'users', namespace: 'public' }, records: 1, bytes: 10 }] });
      for (const unit of [1, 2]) {
        for (const sequence of [1, 2]) {
          await jobs.commitCheckpoint({ ...base, unit, sequence, states: [streamState('events', unit * 100 + sequence, 'public')], position: { unit, sequence }, stats: [{ stream: { name: 'events', namespace: 'public' }, records: 5, bytes: 50 }] });
        }
      }
      expect(await jobs.resumePoint(job.id)).toEqual({ sequence: 1, position: { at: 'whole' } });
      expect(await jobs.resumePoint(job.id, 2)).toEqual({ sequence: 2, position: { unit: 2, sequence: 2 } });
      expect([...(await jobs.partitionCheckpoints(job.id)).entries()]).toEqual([
        [1, { sequence: 2, position: { unit: 1, sequence: 2 } }],
        [2, { sequence: 2, position: { unit: 2, sequence: 2 } }],
      ]);
      // A partition's progress is its own; it is never the stream's state for the next sync.
      expect(await jobs.currentStates(connectionId)).toEqual([{ jobId: job.id, state: streamState('users', 1, 'public') }]);
      expect(await jobs.currentStates(connectionId, { jobId: job.id, unit: 1 })).toEqual([{ jobId: job.id, state: streamState('events', 102, 'public') }]);
      // Counters add up over every unit.
      expect(await jobs.get(job.id)).toMatchObject({ recordsCommitted: 21, bytesCommitted: 210 });
    });

    it('stores a plan once: a second save keeps the first', async () => {
      const job = await jobs.create(await newConnection(), 'sync', null);
      expect(await jobs.plan(job.id)).toBeUndefined();
      expect(await jobs.savePlan(job.id, { units: [1, 2] })).toEqual({ units: [1, 2] });
      expect(await jobs.savePlan(job.id, { units: [3] })).toEqual({ units: [1, 2] });
    });

    it('has no resume point before the first commit, and a null position when the destination gave none', async () => {
      const connectionId = await newConnection();
      const job = await jobs.create(connectionId, 'sync', null);
      expect(await jobs.resumePoint(job.id)).toBeNull();
      const attempt = await jobs.startAttempt(job.id, 1);
      await jobs.commitCheckpoint({ connectionId, jobId: job.id, attemptId: attempt.id, attemptNumber: 1, sequence: 1, states: [], stats: [] });
      expect(await jobs.resumePoint(job.id)).toEqual({ sequence: 1, position: null });
      expect(await jobs.get(job.id)).toMatchObject({ recordsCommitted: 0, bytesCommitted: 0 });
    });

    it("gives the newest state of every stream of a connection, across jobs, with the job that wrote it", async () => {
      const connectionId = await newConnection();
      const first = await jobs.create(connectionId, 'sync', null);
      const firstAttempt = await jobs.startAttempt(first.id, 1);
      await jobs.commitCheckpoint({
        connectionId,
        jobId: first.id,
        attemptId: firstAttempt.id,
        attemptNumber: 1,
        sequence: 1,
        states: [streamState('users', 1, 'public'), streamState('events', 1), globalState(100)],
        stats: [],
      });
      await jobs.commitCheckpoint({ connectionId, jobId: first.id, attemptId: firstAttempt.id, attemptNumber: 1, sequence: 2, states: [streamState('events', 2)], stats: [] });
      await jobs.finish(first.id, 'succeeded');

      const second = await jobs.create(connectionId, 'sync', null);
      const secondAttempt = await jobs.startAttempt(second.id, 1);
      await jobs.commitCheckpoint({
        connectionId,
        jobId: second.id,
        attemptId: secondAttempt.id,
        attemptNumber: 1,
        sequence: 1,
        states: [streamState('users', 7, 'public'), globalState(200)],
        stats: [],
      });

      // Another connection's states stay its own.
      const otherConnection = await newConnection();
      const other = await jobs.create(otherConnection, 'sync', null);
      const otherAttempt = await jobs.startAttempt(other.id, 1);
      await jobs.commitCheckpoint({ connectionId: otherConnection, jobId: other.id, attemptId: otherAttempt.id, attemptNumber: 1, sequence: 1, states: [streamState('users', 99, 'public')], stats: [] });

      expect(await jobs.currentStates(connectionId)).toEqual([
        { jobId: second.id, state: globalState(200) },
        { jobId: first.id, state: streamState('events', 2) },
        { jobId: second.id, state: streamState('users', 7, 'public') },
      ]);
      const [{ stream_name }] = (await dataSource.query(`SELECT stream_name FROM stream_states WHERE job_id = $1 AND state->'state'->>'type' = 'GLOBAL' LIMIT 1`, [second.id])) as { stream_name: string }[];
      expect(stream_name).toBe(GLOBAL_STATE_STREAM);
      expect(await jobs.currentStates(otherConnection)).toEqual([{ jobId: other.id, state: streamState('users', 99, 'public') }]);
    });
  });

  describe('attempts', () => {
    it('closes older attempts still marked running as failed when a new one starts', async () => {
      const job = await jobs.create(await newConnection(), 'sync', null);
      const first = await jobs.startAttempt(job.id, 1);
      await jobs.finishAttempt(first.id, 'failed', { type: 'config_error', message: 'password authentication failed' });
      const second = await jobs.startAttempt(job.id, 2);
      expect(second).toMatchObject({ number: 2, status: 'running', resumed: false });

      // The worker running attempt 2 dies; attempt 3 starts.
      const third = await jobs.startAttempt(job.id, 3);

      const attempts = await jobs.attempts(job.id);
      expect(attempts.map((a) => [a.number, a.status, a.failureType, a.failureMessage])).toEqual([
        [1, 'failed', 'config_error', 'password authentication failed'],
        [2, 'failed', 'transient_error', 'the worker running this attempt stopped without reporting back'],
        [3, 'running', null, null],
      ]);
      expect(attempts[1]!.endedAt).toBeInstanceOf(Date);
      expect(attempts[2]!.id).toBe(third.id);
    });

    it('returns the existing attempt when the same number starts again', async () => {
      const job = await jobs.create(await newConnection(), 'sync', null);
      const first = await jobs.startAttempt(job.id, 1);
      await jobs.markAttemptResumed(first.id);
      const again = await jobs.startAttempt(job.id, 1);
      expect(again).toMatchObject({ id: first.id, status: 'running', resumed: true });
      expect(await jobs.attempts(job.id)).toHaveLength(1);
    });
  });

  describe('finish', () => {
    it('moves a job to a terminal status once and never overwrites it', async () => {
      const job = await jobs.create(await newConnection(), 'sync', null);
      await jobs.markRunning(job.id);
      const startedAt = (await jobs.get(job.id))!.startedAt;
      expect(startedAt).toBeInstanceOf(Date);
      const attempt = await jobs.startAttempt(job.id, 1);

      expect(await jobs.finish(job.id, 'cancelled')).toBe(true);
      expect(await jobs.finish(job.id, 'succeeded')).toBe(false);
      expect(await jobs.finish(job.id, 'failed', { type: 'system_error', message: 'late report' })).toBe(false);
      await jobs.markRunning(job.id);

      const finished = await jobs.get(job.id);
      expect(finished).toMatchObject({ status: 'cancelled', failureType: null, failureMessage: null, startedAt });
      expect(finished!.endedAt).toBeInstanceOf(Date);
      expect(await jobs.attempts(job.id)).toEqual([expect.objectContaining({ id: attempt.id, status: 'cancelled' })]);
    });

    it('records the failure of a failed job and fails its running attempt', async () => {
      const job = await jobs.create(await newConnection(), 'sync', null);
      await jobs.startAttempt(job.id, 1);
      expect(await jobs.finish(job.id, 'failed', { type: 'config_error', message: 'table "users" does not exist' })).toBe(true);
      expect(await jobs.get(job.id)).toMatchObject({ status: 'failed', failureType: 'config_error', failureMessage: 'table "users" does not exist' });
      expect((await jobs.attempts(job.id)).map((a) => a.status)).toEqual(['failed']);
    });
  });

  describe('logs', () => {
    it('pages through the log lines of a job, oldest first, after a given id', async () => {
      const connectionId = await newConnection();
      const job = await jobs.create(connectionId, 'sync', null);
      await jobs.finish(job.id, 'succeeded');
      const otherJob = await jobs.create(connectionId, 'sync', null);
      const at = new Date('2025-01-02T03:04:05.678Z');
      await jobs.appendLogs([
        { jobId: job.id, attemptNumber: 1, at, level: 'info', message: 'line 1', fields: { stream: 'users', records: 10 } },
        { jobId: otherJob.id, at, level: 'info', message: 'other job' },
        { jobId: job.id, attemptNumber: 1, at, level: 'warn', message: 'line 2' },
        { jobId: job.id, at, level: 'error', message: 'line 3' },
      ]);
      await jobs.appendLogs([
        { jobId: job.id, attemptNumber: 2, at, level: 'debug', message: 'line 4' },
        { jobId: job.id, attemptNumber: 2, at, level: 'info', message: 'line 5' },
      ]);
      await jobs.appendLogs([]);

      const page1 = await jobs.logs(job.id, 0, 2);
      expect(page1.map((l) => [l.message, l.level, l.attemptNumber])).toEqual([
        ['line 1', 'info', 1],
        ['line 2', 'warn', 1],
      ]);
      expect(page1[0]).toMatchObject({ jobId: job.id, at, fields: { stream: 'users', records: 10 } });
      expect(page1[1]!.fields).toBeNull();

      const page2 = await jobs.logs(job.id, Number(page1[1]!.id), 2);
      expect(page2.map((l) => [l.message, l.attemptNumber])).toEqual([
        ['line 3', null],
        ['line 4', 2],
      ]);
      const page3 = await jobs.logs(job.id, Number(page2[1]!.id), 2);
      expect(page3.map((l) => l.message)).toEqual(['line 5']);
      expect(await jobs.logs(job.id, Number(page3[0]!.id), 2)).toEqual([]);
    });
  });

  describe('listing', () => {
    it('filters by connection and status, newest first, with the total', async () => {
      const connectionId = await newConnection();
      const done: string[] = [];
      for (let i = 0; i < 3; i++) {
        const job = await jobs.create(connectionId, 'sync', null);
        await jobs.finish(job.id, i === 1 ? 'failed' : 'succeeded');
        done.push(job.id);
      }
      const active = await jobs.create(connectionId, 'sync', null);

      const all = await jobs.list({ connectionId, limit: 2, offset: 0 });
      expect(all.total).toBe(4);
      expect(all.items.map((j) => j.id)).toEqual([active.id, done[2]]);
      const succeeded = await jobs.list({ connectionId, status: 'succeeded', limit: 10, offset: 0 });
      expect(succeeded).toEqual({ total: 2, items: [expect.objectContaining({ id: done[2] }), expect.objectContaining({ id: done[0] })] });
    });
  });
});
