// Jobs, attempts, per-stream stats, logs and committed state: everything the API and the worker
// record about a sync. Checkpoints are committed in one transaction (states, destination position,
// counters) so a resumed attempt always sees a consistent picture.
import { In, IsNull, type DataSource, type EntityManager } from 'typeorm';
import type { FailureType, JsonObject, StateMessage } from '@tributary/protocol';
import {
  ACTIVE_JOB_STATUSES,
  AttemptEntity,
  JobEntity,
  JobLogEntity,
  QuarantinedRecordEntity,
  StreamStatsEntity,
  SyncCheckpointEntity,
  type AttemptStatus,
  type JobLogLevel,
  type JobStatus,
  type JobTrigger,
  type JobType,
} from '../entities';

export class ActiveJobExistsError extends Error {
  constructor(readonly activeJobId: string | undefined) {
    super('a job of this connection is already pending or running');
    this.name = 'ActiveJobExistsError';
  }
}

export interface StreamRef {
  name: string;
  namespace?: string;
}

export interface CheckpointCommit {
  connectionId: string;
  jobId: string;
  attemptId: string;
  attemptNumber: number;
  sequence: number;
  /** 0 (the default): the streams read whole; n > 0: partition n of a scaled-out sync. */
  unit?: number;
  states: StateMessage[];
  position?: JsonObject;
  /** Records and bytes made durable since the previous commit, per stream. */
  stats: { stream: StreamRef; records: number; bytes: number }[];
  /** Rows the data contracts rejected, covered by this commit. */
  quarantined?: QuarantineInput[];
  /** A replay job's final commit: its quarantined rows up to this id (of these streams) are replayed. */
  replayed?: { throughId: number; streams: StreamRef[] };
}

export interface QuarantineInput {
  stream: StreamRef;
  record: Record<string, unknown>;
  column: string;
  reason: string;
  contract: string;
}

export interface ResumePoint {
  sequence: number;
  position: JsonObject | null;
}

export interface JobFailure {
  type: FailureType;
  message: string;
}

export interface JobLogInput {
  jobId: string;
  attemptNumber?: number;
  at: Date;
  level: JobLogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

/** Stream name under which a GLOBAL state message is stored. */
export const GLOBAL_STATE_STREAM = '__global__';

const TERMINAL: JobStatus[] = ['succeeded', 'failed', 'cancelled'];

export class JobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates a pending job; throws ActiveJobExistsError when one is already pending or running. */
  async create(connectionId: string, type: JobType, streams: StreamRef[] | null, trigger: JobTrigger = 'manual'): Promise<JobEntity> {
    const jobs = this.dataSource.getRepository(JobEntity);
    try {
      return await jobs.save(jobs.create({ connectionId, type, streams, trigger, status: 'pending' }));
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        const active = await this.findActive(connectionId);
        throw new ActiveJobExistsError(active?.id);
      }
      throw error;
    }
  }

  findActive(connectionId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOne({ where: { connectionId, status: In(ACTIVE_JOB_STATUSES) } });
  }

  get(jobId: string): Promise<JobEntity | null> {
    return this.dataSource.getRepository(JobEntity).findOne({ where: { id: jobId } });
  }

  async list(filter: { connectionId?: string; status?: JobStatus; limit: number; offset: number }): Promise<{ items: JobEntity[]; total: number }> {
    const [items, total] = await this.dataSource.getRepository(JobEntity).findAndCount({
      where: { ...(filter.connectionId ? { connectionId: filter.connectionId } : {}), ...(filter.status ? { status: filter.status } : {}) },
      order: { createdAt: 'DESC' },
      take: filter.limit,
      skip: filter.offset,
    });
    return { items, total };
  }

  async attachWorkflow(jobId: string, workflowId: string, runId: string): Promise<void> {
    await this.dataSource.getRepository(JobEntity).update(jobId, { workflowId, runId });
  }

  async delete(jobId: string): Promise<void> {
    await this.dataSource.getRepository(JobEntity).delete(jobId);
  }

  /** Live progress of the running attempt (records emitted by the source so far). */
  async reportProgress(jobId: string, recordsEmitted: number): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET records_emitted = $2 WHERE id = $1 AND status = 'running'`, [jobId, recordsEmitted]);
  }

  /** Live progress of one of a job's partitions, which run at once: records emitted since its last report. */
  async addProgress(jobId: string, recordsEmitted: number): Promise<void> {
    await this.dataSource.query(`UPDATE jobs SET records_emitted = records_emitted + $2 WHERE id = $1 AND status = 'running'`, [jobId, recordsEmitted]);
  }

  /** How many of the connection's most recent finished jobs failed in a row. */
  async consecutiveFailures(connectionId: string): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS failures FROM jobs
        WHERE connection_id = $1 AND status = 'failed'
          AND created_at > COALESCE((SELECT max(created_at) FROM jobs WHERE connection_id = $1 AND status IN ('succeeded', 'cancelled')), '-infinity')`,
      [connectionId],
    )) as { failures: number }[];
    return row?.failures ?? 0;
  }

  async markRunning(jobId: string): Promise<void> {
    await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder()
      .update()
      .set({ status: 'running', startedAt: () => 'COALESCE(started_at, now())' })
      .where('id = :jobId AND status IN (:...active)', { jobId, active: ACTIVE_JOB_STATUSES })
      .execute();
  }

  /**
   * Starts attempt `number`. Attempts of this job still marked running belonged to a worker that
   * died without reporting back; they are closed as failed first.
   */
  async startAttempt(jobId: string, number: number): Promise<AttemptEntity> {
    return this.dataSource.transaction(async (manager) => {
      const attempts = manager.getRepository(AttemptEntity);
      await attempts
        .createQueryBuilder()
        .update()
        .set({ status: 'failed', failureType: 'transient_error', failureMessage: 'the worker running this attempt stopped without reporting back', endedAt: () => 'now()' })
        .where('job_id = :jobId AND status = :running AND number < :number', { jobId, running: 'running', number })
        .execute();
      const existing = await attempts.findOne({ where: { jobId, number } });
      if (existing) return existing;
      return attempts.save(attempts.create({ jobId, number, status: 'running', startedAt: new Date() }));
    });
  }

  async markAttemptResumed(attemptId: string): Promise<void> {
    await this.dataSource.getRepository(AttemptEntity).update(attemptId, { resumed: true });
  }

  async finishAttempt(attemptId: string, status: AttemptStatus, failure?: JobFailure): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AttemptEntity).update(attemptId, {
        status,
        failureType: failure?.type ?? null,
        failureMessage: failure?.message ?? null,
        endedAt: new Date(),
      });
      await manager
        .getRepository(StreamStatsEntity)
        .update({ attemptId }, { status: status === 'succeeded' ? 'complete' : 'incomplete' });
    });
  }

  /** Moves the job to a terminal status unless it is in one already; returns whether it did. */
  async finish(jobId: string, status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>, failure?: JobFailure): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(JobEntity)
      .createQueryBuilder()
      .update()
      .set({ status, failureType: failure?.type ?? null, failureMessage: failure?.message ?? null, endedAt: () => 'now()' })
      .where('id = :jobId AND status NOT IN (:...terminal)', { jobId, terminal: TERMINAL })
      .execute();
    if (status !== 'succeeded') {
      await this.dataSource
        .getRepository(AttemptEntity)
        .createQueryBuilder()
        .update()
        .set({ status: status === 'cancelled' ? 'cancelled' : 'failed', endedAt: () => 'now()' })
        .where('job_id = :jobId AND status = :running', { jobId, running: 'running' })
        .execute();
    }
    return (result.affected ?? 0) > 0;
  }

  /** Commits a checkpoint: stream states, destination position and counters, atomically. */
  async commitCheckpoint(commit: CheckpointCommit): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const state of commit.states) {
        const descriptor = state.state.stream?.stream_descriptor;
        await manager.query(
          `INSERT INTO stream_states (connection_id, job_id, attempt_number, stream_namespace, stream_name, state, unit) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [commit.connectionId, commit.jobId, commit.attemptNumber, descriptor?.namespace ?? '', descriptor?.name ?? GLOBAL_STATE_STREAM, JSON.stringify(state), commit.unit ?? 0],
        );
      }
      await manager.query(
        `INSERT INTO sync_checkpoints (job_id, unit, sequence, destination_position) VALUES ($1, $2, $3, $4)
         ON CONFLICT (job_id, unit) DO UPDATE SET sequence = EXCLUDED.sequence, destination_position = EXCLUDED.destination_position, updated_at = now()`,
        [commit.jobId, commit.unit ?? 0, commit.sequence, commit.position ? JSON.stringify(commit.position) : null],
      );
      await this.addStats(manager, commit);
      if (commit.replayed) {
        for (const stream of commit.replayed.streams) {
          await manager.query(
            `UPDATE quarantined_records SET replayed_job_id = $1, replayed_at = now()
              WHERE connection_id = $2 AND stream_namespace = $3 AND stream_name = $4 AND id <= $5 AND replayed_at IS NULL`,
            [commit.jobId, commit.connectionId, stream.namespace ?? '', stream.name, commit.replayed.throughId],
          );
        }
      }
      for (const row of commit.quarantined ?? []) {
        const json = JSON.stringify(row.record);
        await manager.query(
          `INSERT INTO quarantined_records (connection_id, job_id, stream_namespace, stream_name, record, record_hash, column_name, reason, contract)
           VALUES ($1, $2, $3, $4, $5::jsonb, md5($5::text), $6, $7, $8)
           ON CONFLICT (connection_id, stream_namespace, stream_name, record_hash) WHERE replayed_at IS NULL DO NOTHING`,
          [commit.connectionId, commit.jobId, row.stream.namespace ?? '', row.stream.name, json, row.column, row.reason, row.contract],
        );
      }
    });
  }

  /** The newest quarantined row of a connection (0 when none): a replay stops there. */
  async lastQuarantineId(connectionId: string): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT COALESCE(max(id), 0) AS id FROM quarantined_records WHERE connection_id = $1`, [connectionId])) as { id: string }[];
    return Number(row?.id ?? 0);
  }

  /** Quarantined rows not replayed yet, oldest first, with ids in (afterId, throughId]. */
  pendingQuarantine(connectionId: string, streams: StreamRef[], afterId: number, throughId: number, limit: number): Promise<QuarantinedRecordEntity[]> {
    if (!streams.length) return Promise.resolve([]);
    const query = this.dataSource
      .getRepository(QuarantinedRecordEntity)
      .createQueryBuilder('q')
      .where('q.connection_id = :connectionId AND q.replayed_at IS NULL AND q.id > :afterId AND q.id <= :throughId', { connectionId, afterId, throughId })
      .andWhere(
        `(${streams.map((_, i) => `(q.stream_namespace = :ns${i} AND q.stream_name = :name${i})`).join(' OR ')})`,
        Object.fromEntries(streams.flatMap((s, i) => [[`ns${i}`, s.namespace ?? ''], [`name${i}`, s.name]])),
      )
      .orderBy('q.id', 'ASC')
      .limit(limit);
    return query.getMany();
  }

  async listQuarantine(connectionId: string, limit: number, offset: number, includeReplayed: boolean): Promise<[QuarantinedRecordEntity[], number]> {
    return this.dataSource.getRepository(QuarantinedRecordEntity).findAndCount({
      where: { connectionId, ...(includeReplayed ? {} : { replayedAt: IsNull() }) },
      order: { id: 'DESC' },
      take: limit,
      skip: offset,
    });
  }

  private async addStats(manager: EntityManager, commit: CheckpointCommit): Promise<void> {
    let records = 0;
    let bytes = 0;
    for (const { stream, records: r, bytes: b } of commit.stats) {
      records += r;
      bytes += b;
      await manager.query(
        `INSERT INTO stream_stats (job_id, attempt_id, stream_namespace, stream_name, records_committed, bytes_committed, records_emitted)
         VALUES ($1, $2, $3, $4, $5, $6, $5)
         ON CONFLICT (attempt_id, stream_namespace, stream_name) DO UPDATE SET
           records_committed = stream_stats.records_committed + EXCLUDED.records_committed,
           bytes_committed = stream_stats.bytes_committed + EXCLUDED.bytes_committed,
           records_emitted = stream_stats.records_emitted + EXCLUDED.records_emitted,
           updated_at = now()`,
        [commit.jobId, commit.attemptId, stream.namespace ?? '', stream.name, r, b],
      );
    }
    if (records || bytes) {
      await manager.query(`UPDATE attempts SET records_committed = records_committed + $2, bytes_committed = bytes_committed + $3 WHERE id = $1`, [commit.attemptId, records, bytes]);
      await manager.query(`UPDATE jobs SET records_committed = records_committed + $2, bytes_committed = bytes_committed + $3, updated_at = now() WHERE id = $1`, [commit.jobId, records, bytes]);
    }
  }

  /** The checkpoint a resumed attempt of this job (or of one of its partitions) continues from, or null when nothing was committed. */
  async resumePoint(jobId: string, unit = 0): Promise<ResumePoint | null> {
    const checkpoint = await this.dataSource.getRepository(SyncCheckpointEntity).findOne({ where: { jobId, unit } });
    return checkpoint ? { sequence: checkpoint.sequence, position: checkpoint.destinationPosition } : null;
  }

  /** The last committed checkpoint of each partition of a scaled-out job, by unit. */
  async partitionCheckpoints(jobId: string): Promise<Map<number, ResumePoint>> {
    const rows = await this.dataSource.getRepository(SyncCheckpointEntity).find({ where: { jobId } });
    return new Map(rows.filter((r) => r.unit > 0).map((r) => [r.unit, { sequence: r.sequence, position: r.destinationPosition }]));
  }

  /**
   * The current (newest committed) state of every stream of a connection, with the job that wrote
   * it; or, given a job and unit n > 0, the newest state of that partition of the job.
   */
  async currentStates(connectionId: string, partition?: { jobId: string; unit: number }): Promise<{ jobId: string; state: StateMessage }[]> {
    const rows: { job_id: string; state: StateMessage }[] = partition
      ? await this.dataSource.query(
          `SELECT DISTINCT ON (stream_namespace, stream_name) job_id, state FROM stream_states WHERE connection_id = $1 AND job_id = $2 AND unit = $3 ORDER BY stream_namespace, stream_name, id DESC`,
          [connectionId, partition.jobId, partition.unit],
        )
      : await this.dataSource.query(
          `SELECT DISTINCT ON (stream_namespace, stream_name) job_id, state FROM stream_states WHERE connection_id = $1 AND unit = 0 ORDER BY stream_namespace, stream_name, id DESC`,
          [connectionId],
        );
    return rows.map((r) => ({ jobId: r.job_id, state: r.state }));
  }

  /** Stores a scaled-out sync's plan, unless the job has one already; returns the job's plan. */
  async savePlan<T extends object>(jobId: string, plan: T): Promise<T> {
    await this.dataSource.query(`INSERT INTO sync_plans (job_id, plan) VALUES ($1, $2) ON CONFLICT (job_id) DO NOTHING`, [jobId, JSON.stringify(plan)]);
    return (await this.plan<T>(jobId))!;
  }

  async plan<T extends object>(jobId: string): Promise<T | undefined> {
    const [row] = (await this.dataSource.query(`SELECT plan FROM sync_plans WHERE job_id = $1`, [jobId])) as { plan: T }[];
    return row?.plan;
  }

  attempts(jobId: string): Promise<AttemptEntity[]> {
    return this.dataSource.getRepository(AttemptEntity).find({ where: { jobId }, order: { number: 'ASC' } });
  }

  streamStats(jobIds: string[]): Promise<StreamStatsEntity[]> {
    if (!jobIds.length) return Promise.resolve([]);
    return this.dataSource.getRepository(StreamStatsEntity).find({ where: { jobId: In(jobIds) }, order: { streamName: 'ASC' } });
  }

  async appendLogs(entries: JobLogInput[]): Promise<void> {
    if (!entries.length) return;
    const values: unknown[] = [];
    const rows = entries.map((e, i) => {
      values.push(e.jobId, e.attemptNumber ?? null, e.at, e.level, e.message, e.fields ? JSON.stringify(e.fields) : null);
      return `($${i * 6 + 1}, $${i * 6 + 2}, $${i * 6 + 3}, $${i * 6 + 4}, $${i * 6 + 5}, $${i * 6 + 6})`;
    });
    await this.dataSource.query(`INSERT INTO job_logs (job_id, attempt_number, at, level, message, fields) VALUES ${rows.join(', ')}`, values);
  }

  /** Log lines after `afterId`, oldest first. */
  logs(jobId: string, afterId: number, limit: number): Promise<JobLogEntity[]> {
    return this.dataSource
      .getRepository(JobLogEntity)
      .createQueryBuilder('log')
      .where('log.job_id = :jobId AND log.id > :afterId', { jobId, afterId })
      .orderBy('log.id', 'ASC')
      .limit(limit)
      .getMany();
  }
}
