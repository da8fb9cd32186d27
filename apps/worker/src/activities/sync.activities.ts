// The sync activities. `replicate` runs one attempt: it loads the connection, resumes from the
// job's last committed checkpoint, streams records from source to destination through the sync
// engine, and commits each destination checkpoint (state + position + counters) in one
// transaction. It heartbeats progress so a dead worker is noticed and another takes over.
import { Context } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { ConfigError, type ConnectorRegistry, type JsonLogger } from '@tributary/connector-sdk';
import { ActiveJobExistsError, ActorCatalogEntity, ConnectionEntity, SchemaChangeEntity, type JobEntity, type JobRepository, type SchemaDriftRepository, type SecretCipher } from '@tributary/persistence';
import { configureCatalog, streamKey, type DestinationSyncMode } from '@tributary/protocol';
import { mapStreamDescriptor, runReplication } from '@tributary/sync-engine';
import type { JobOutcome, PlatformEvent, ReplicationResult, SyncActivities } from '@tributary/workflows';
import type { ActorLoader, LoadedActor } from '../actor-loader';
import { JobLogSink } from '../job-log-sink';
import { QuarantineReplaySource } from '../quarantine-replay.source';
import { toApplicationFailure } from './failure-mapping';
import { checkpointCommitter, pauseSchedule, prepareCatalog, replicationEnds, type RunLog, runFailure, sourceConfigUpdater, sourceStates, startHeartbeat, streamMapping } from './sync-run';

export interface SyncActivityDependencies {
  dataSource: DataSource;
  jobs: JobRepository;
  drift: SchemaDriftRepository;
  actors: ActorLoader;
  registry: ConnectorRegistry;
  logger: JsonLogger;
  cipher: SecretCipher;
  /** Pause a connection after this many consecutive failed jobs; 0 never pauses. */
  autoPauseAfterFailures: number;
}

export function createSyncActivities(deps: SyncActivityDependencies): SyncActivities {
  const { jobs } = deps;

  async function createScheduledJob(input: { connectionId: string; workflowId: string; runId: string }): Promise<{ jobId: string } | null> {
    const connection = await deps.dataSource.getRepository(ConnectionEntity).findOne({ where: { id: input.connectionId } });
    if (!connection) {
      deps.logger.warn('scheduled sync skipped: the connection no longer exists', { connectionId: input.connectionId });
      return null;
    }
    if (connection.status !== 'active') {
      deps.logger.info('scheduled sync skipped: the connection is paused', { connectionId: input.connectionId });
      return null;
    }
    try {
      const job = await jobs.create(connection.id, 'sync', null, 'schedule');
      await jobs.attachWorkflow(job.id, input.workflowId, input.runId);
      return { jobId: job.id };
    } catch (error) {
      if (!(error instanceof ActiveJobExistsError)) throw error;
      deps.logger.info(`scheduled sync skipped: job ${error.activeJobId ?? '?'} of this connection is still active`, { connectionId: input.connectionId });
      return null;
    }
  }

  async function markJobRunning(jobId: string): Promise<void> {
    await jobs.markRunning(jobId);
  }

  async function finishJob({ jobId, outcome }: { jobId: string; outcome: JobOutcome }): Promise<{ events: PlatformEvent[] }> {
    const failure = outcome.status === 'failed' ? { type: outcome.failureType, message: outcome.message } : undefined;
    const changed = await jobs.finish(jobId, outcome.status, failure);
    const job = await jobs.get(jobId);
    if (!changed || !job) return { events: [] };
    const sink = new JobLogSink(jobs, jobId, undefined);
    const logger = deps.logger.child({ jobId }, { sinks: [sink.receive] });
    if (failure) logger.error(`job failed (${failure.type.replace('_', ' ')}): ${failure.message}`);
    else logger.info(`job ${outcome.status}`);
    const events: PlatformEvent[] = [];
    const connectionId = job.connectionId;
    if (outcome.status === 'succeeded') events.push({ type: 'sync.succeeded', connectionId, jobId });
    if (failure) {
      events.push({ type: 'sync.failed', connectionId, jobId });
      const pending = await deps.dataSource.getRepository(SchemaChangeEntity).findOne({ where: { jobId, action: 'pending_approval' } });
      if (pending) events.push({ type: 'schema_change.awaiting_approval', connectionId, jobId, schemaChangeId: pending.id });
      if (await pauseAfterRepeatedFailures(jobId, logger)) events.push({ type: 'connection.auto_paused', connectionId, jobId });
    }
    await sink.flush();
    return { events };
  }

  /** A connection that keeps failing is paused, with the reason, instead of failing forever. */
  async function pauseAfterRepeatedFailures(jobId: string, logger: JsonLogger): Promise<boolean> {
    if (deps.autoPauseAfterFailures <= 0) return false;
    const job = await jobs.get(jobId);
    if (!job) return false;
    const failures = await jobs.consecutiveFailures(job.connectionId);
    if (failures < deps.autoPauseAfterFailures) return false;
    const reason = `paused automatically after ${failures} consecutive failed syncs; fix the cause and set the status back to active`;
    const updated = await deps.dataSource
      .getRepository(ConnectionEntity)
      .createQueryBuilder()
      .update()
      .set({ status: 'paused', statusReason: reason })
      .where('id = :id AND status = :active', { id: job.connectionId, active: 'active' })
      .execute();
    if (!updated.affected) return false;
    logger.warn(`connection ${reason}`);
    await pauseSchedule(job.connectionId, reason, logger);
    return true;
  }

  async function replicate({ jobId, connectionId }: { jobId: string; connectionId: string }): Promise<ReplicationResult> {
    const context = Context.current();
    const attemptNumber = context.info.attempt;
    const attempt = await jobs.startAttempt(jobId, attemptNumber);
    const sink = new JobLogSink(jobs, jobId, attemptNumber);
    const log: RunLog = { logger: deps.logger.child({ jobId, attempt: attemptNumber }, { sinks: [sink.receive] }) };
    const heartbeat = startHeartbeat(context, jobs, jobId, log, false);
    try {
      const job = await jobs.get(jobId);
      const connection = await deps.dataSource.getRepository(ConnectionEntity).findOne({ where: { id: connectionId } });
      if (!job || !connection) throw new ConfigError('the connection or job no longer exists');
      log.logger.info(`attempt ${attemptNumber} of ${job.type} job started`);
      const source = await deps.actors.load('source', connection.sourceId);
      const destination = await deps.actors.load('destination', connection.destinationId);
      log.logger = log.logger.child({}, { secrets: [...source.secrets, ...destination.secrets] });

      const destinationModes = destination.manifest.spec.supported_destination_sync_modes ?? ['overwrite', 'append'];
      if (job.type === 'clear') {
        await clearStreams(job, connection, destination, destinationModes, log.logger, context.cancellationSignal, attempt.id, attemptNumber);
        await jobs.finishAttempt(attempt.id, 'succeeded');
        return { recordsCommitted: 0, bytesCommitted: 0 };
      }
      const { catalog, projections, contracts } = await prepareCatalog(deps, job, connection, source, destinationModes, log.logger, context.cancellationSignal);
      const reader =
        job.type === 'replay'
          ? new QuarantineReplaySource(jobs, connectionId, catalog.streams.map((s) => ({ name: s.stream.name, namespace: s.stream.namespace })))
          : source.connector;
      const sourceState = await sourceStates(jobs, job, catalog);
      const resume = await jobs.resumePoint(jobId);
      if (resume) {
        await jobs.markAttemptResumed(attempt.id);
        log.logger.info(`resuming from checkpoint ${resume.sequence} committed by an earlier attempt`, { checkpoint: resume.sequence });
      }
      const summary = await runReplication({
        ...replicationEnds(source, destination, connection),
        source: reader,
        catalog,
        sourceState,
        projections,
        contracts,
        syncId: jobId,
        resumePosition: resume?.position ?? undefined,
        signal: context.cancellationSignal,
        logger: log.logger,
        onProgress: (progress) => heartbeat.progress(progress.totalRecordsEmitted),
        onSourceConfigUpdate: sourceConfigUpdater(deps, source, log),
        onCommit: checkpointCommitter({ jobs, connectionId, jobId, attemptId: attempt.id, attemptNumber, unit: 0, catalog, resumedAt: resume?.sequence ?? 0, log }),
      });
      await jobs.finishAttempt(attempt.id, 'succeeded');
      log.logger.info(`attempt ${attemptNumber} succeeded: ${summary.recordsCommitted} records, ${summary.bytesCommitted} bytes committed in ${summary.commits} checkpoints`);
      return { recordsCommitted: summary.recordsCommitted, bytesCommitted: summary.bytesCommitted };
    } catch (error) {
      const failure = runFailure(error, context.cancellationSignal, log.logger);
      if ('cancelled' in failure) {
        await jobs.finishAttempt(attempt.id, 'cancelled');
        log.logger.info('attempt cancelled on request');
        throw failure.cancelled;
      }
      await jobs.finishAttempt(attempt.id, 'failed', { type: failure.failureType, message: failure.message });
      log.logger.error(`attempt ${attemptNumber} failed (${failure.failureType.replace('_', ' ')}): ${failure.message}`);
      throw toApplicationFailure(failure.failureType, failure.message);
    } finally {
      heartbeat.stop();
      await sink.flush();
    }
  }

  /**
   * A clear job: the destination removes the streams' data, and each stream's state is reset (a
   * state without stream_state is committed), so the next sync starts from nothing. The source is
   * not needed: the connection's accepted catalog says what the streams are.
   */
  async function clearStreams(
    job: JobEntity,
    connection: ConnectionEntity,
    destination: LoadedActor<'destination'>,
    destinationModes: DestinationSyncMode[],
    logger: JsonLogger,
    signal: AbortSignal,
    attemptId: string,
    attemptNumber: number,
  ): Promise<void> {
    if (!destination.connector.clear) throw new ConfigError(`destination "${destination.actor.name}" (${destination.manifest.id}) cannot clear data`);
    const accepted = connection.catalogId ? await deps.dataSource.getRepository(ActorCatalogEntity).findOne({ where: { id: connection.catalogId } }) : null;
    if (!accepted) throw new ConfigError('the connection has no catalog yet: sync it once before clearing');
    const { catalog } = configureCatalog(accepted.catalog, connection.streams, destinationModes);
    const wanted = job.streams?.length ? new Set(job.streams.map((s) => streamKey(s))) : undefined;
    const streams = catalog.streams.filter((s) => !wanted || wanted.has(streamKey(s.stream)));
    if (!streams.length) throw new ConfigError('none of the streams to clear is selected in the connection');
    const mapping = streamMapping(connection);
    const targets = streams.map((s) => {
      const { namespace: _sourceNamespace, ...rest } = s.stream;
      return { ...s, stream: { ...rest, ...mapStreamDescriptor(s.stream, mapping) } };
    });
    await destination.connector.clear(destination.config, targets, { logger, signal });
    const resumePoint = await jobs.resumePoint(job.id);
    await jobs.commitCheckpoint({
      connectionId: connection.id,
      jobId: job.id,
      attemptId,
      attemptNumber,
      sequence: (resumePoint?.sequence ?? 0) + 1,
      states: streams.map((s) => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: s.stream.namespace ? { name: s.stream.name, namespace: s.stream.namespace } : { name: s.stream.name } } } })),
      stats: [],
    });
    logger.info(`cleared ${streams.map((s) => streamKey(s.stream)).join(', ')}: data removed and state reset`);
  }

  return { createScheduledJob, markJobRunning, replicate, finishJob };
}
