// The sync activities. `replicate` runs one attempt: it loads the connection, resumes from the
// job's last committed checkpoint, streams records from source to destination through the sync
// engine, and commits each destination checkpoint (state + position + counters) in one
// transaction. It heartbeats progress so a dead worker is noticed and another takes over.
import { Context, CancelledFailure, getClient } from '@temporalio/activity';
import type { DataSource } from 'typeorm';
import { classifyError, ConfigError, type ConnectorRegistry, type JsonLogger } from '@tributary/connector-sdk';
import { ActiveJobExistsError, ActorCatalogEntity, ConnectionEntity, SchemaChangeEntity, type JobEntity, summarizeChanges, type JobRepository, type SchemaDriftRepository, type SecretCipher } from '@tributary/persistence';
import { collectSecretValues, configureCatalog, defaultSelection, formatIssues, streamKey, validateAgainstSchema, type AirbyteCatalog, type ConfiguredAirbyteCatalog, type DestinationSyncMode, type StateMessage } from '@tributary/protocol';
import { mapStreamDescriptor, runReplication, type NamespaceMapping } from '@tributary/sync-engine';
import { connectionScheduleId, type JobOutcome, type PlatformEvent, type ReplicationResult, type SyncActivities } from '@tributary/workflows';
import type { ActorLoader, LoadedActor } from '../actor-loader';
import { JobLogSink } from '../job-log-sink';
import { QuarantineReplaySource, replayedThrough } from '../quarantine-replay.source';
import { toApplicationFailure } from './failure-mapping';
import { discoverAndStore } from './catalog-discovery';

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

const HEARTBEAT_EVERY_MS = 1000;

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

  async function pauseSchedule(connectionId: string, reason: string, logger: JsonLogger): Promise<void> {
    try {
      await getClient().schedule.getHandle(connectionScheduleId(connectionId)).pause(reason);
    } catch (error) {
      // A manual connection has no schedule: nothing to pause.
      if ((error as Error).name !== 'ScheduleNotFoundError') logger.warn(`could not pause the schedule: ${(error as Error).message}`);
    }
  }

  async function replicate({ jobId, connectionId }: { jobId: string; connectionId: string }): Promise<ReplicationResult> {
    const context = Context.current();
    const attemptNumber = context.info.attempt;
    const attempt = await jobs.startAttempt(jobId, attemptNumber);
    const sink = new JobLogSink(jobs, jobId, attemptNumber);
    let logger = deps.logger.child({ jobId, attempt: attemptNumber }, { sinks: [sink.receive] });
    let recordsEmitted = 0;
    let reported = 0;
    context.heartbeat({ recordsEmitted });
    const heartbeat = setInterval(() => {
      context.heartbeat({ recordsEmitted });
      if (recordsEmitted !== reported) {
        reported = recordsEmitted;
        jobs.reportProgress(jobId, recordsEmitted).catch((error: unknown) => logger.debug(`progress not recorded: ${String(error)}`));
      }
    }, HEARTBEAT_EVERY_MS);
    try {
      const job = await jobs.get(jobId);
      const connection = await deps.dataSource.getRepository(ConnectionEntity).findOne({ where: { id: connectionId } });
      if (!job || !connection) throw new ConfigError('the connection or job no longer exists');
      logger.info(`attempt ${attemptNumber} of ${job.type} job started`);
      const source = await deps.actors.load('source', connection.sourceId);
      const destination = await deps.actors.load('destination', connection.destinationId);
      logger = logger.child({}, { secrets: [...source.secrets, ...destination.secrets] });

      const destinationModes = destination.manifest.spec.supported_destination_sync_modes ?? ['overwrite', 'append'];
      if (job.type === 'clear') {
        await clearStreams(job, connection, destination, destinationModes, logger, context.cancellationSignal, attempt.id, attemptNumber);
        await jobs.finishAttempt(attempt.id, 'succeeded');
        return { recordsCommitted: 0, bytesCommitted: 0 };
      }
      // Discover before every sync: drift is detected and handled by the connection's policy.
      const current = await discoverAndStore(deps.dataSource, source, context.cancellationSignal, logger);
      const drift = await deps.drift.evaluate({ connection, current, jobId, defaults: (stream) => defaultSelection(stream, destinationModes) });
      if (drift.action !== 'unchanged') {
        const message = `source schema changed (${drift.action.replace('_', ' ')}): ${summarizeChanges(drift.changes)}`;
        if (drift.blockedReason) logger.warn(message, { schemaChangeId: drift.change?.id });
        else logger.info(message, { schemaChangeId: drift.change?.id });
      }
      if (drift.action === 'paused' && drift.blockedReason) await pauseSchedule(connectionId, drift.blockedReason, logger);
      if (drift.blockedReason) throw new ConfigError(drift.blockedReason);
      const configured = configureCatalog(drift.catalog.catalog, drift.selections, destinationModes);
      if (configured.issues.length) throw new ConfigError(`the connection's stream settings no longer fit the source: ${formatIssues(configured.issues)}`);
      let catalog = configured.catalog;
      if (job.streams?.length && (job.type === 'replay' || job.type === 'refresh')) {
        const wanted = new Set(job.streams.map((s) => streamKey(s)));
        catalog = { streams: catalog.streams.filter((s) => wanted.has(streamKey(s.stream))) };
      }
      if (!catalog.streams.length) throw new ConfigError('no stream of this connection is selected');
      if (job.type === 'replay') {
        // Replayed rows are added to what the destination has: never an overwrite.
        catalog = { streams: catalog.streams.map((s) => ({ ...s, sync_mode: 'full_refresh', destination_sync_mode: 'append' })) };
      }
      if (job.type === 'refresh' && destinationModes.includes('overwrite')) {
        // A refresh re-reads from scratch and replaces the stream; the old data stays readable until the swap.
        catalog = { streams: catalog.streams.map((s) => ({ ...s, destination_sync_mode: 'overwrite' })) };
      }
      const projections = extraColumnProjections(catalog, current.catalog);
      const contracts = Object.fromEntries(drift.selections.filter((s) => s.contract).map((s) => [streamKey(s), s.contract!]));
      const reader =
        job.type === 'replay'
          ? new QuarantineReplaySource(jobs, connectionId, catalog.streams.map((s) => ({ name: s.stream.name, namespace: s.stream.namespace })))
          : source.connector;

      const refreshed = new Set((job.type === 'refresh' ? (job.streams ?? catalog.streams.map((s) => s.stream)) : []).map((s) => streamKey(s)));
      const incremental = new Set(catalog.streams.filter((s) => s.sync_mode === 'incremental').map((s) => streamKey(s.stream)));
      const sourceState: StateMessage[] = job.type === 'replay' ? [] : (await jobs.currentStates(connectionId))
        .filter(({ jobId: writer, state }) => {
          const key = state.state.stream ? streamKey(state.state.stream.stream_descriptor) : undefined;
          if (writer === jobId) return true;
          return !!key && incremental.has(key) && !refreshed.has(key);
        })
        .map(({ state }) => state);

      const resume = await jobs.resumePoint(jobId);
      if (resume) {
        await jobs.markAttemptResumed(attempt.id);
        logger.info(`resuming from checkpoint ${resume.sequence} committed by an earlier attempt`, { checkpoint: resume.sequence });
      }
      let sequence = resume?.sequence ?? 0;
      const mapping = namespaceMapping(connection);

      const summary = await runReplication({
        source: reader,
        sourceConfig: source.config,
        destination: destination.connector,
        destinationConfig: destination.config,
        catalog,
        sourceState,
        mapping: { namespace: mapping, prefix: connection.prefix },
        projections,
        contracts,
        syncId: jobId,
        resumePosition: resume?.position ?? undefined,
        signal: context.cancellationSignal,
        logger,
        onProgress: (progress) => {
          recordsEmitted = progress.totalRecordsEmitted;
        },
        onSourceConfigUpdate: async (config) => {
          const spec = source.manifest.spec.connectionSpecification;
          const issues = validateAgainstSchema(spec, config);
          if (issues.length) {
            logger.warn(`the source asked to store a config that does not fit its spec; ignored: ${formatIssues(issues)}`);
            return;
          }
          logger = logger.child({}, { secrets: collectSecretValues(spec, config) });
          await deps.dataSource.query(`UPDATE actors SET config = $2, updated_at = now() WHERE id = $1`, [source.actor.id, JSON.stringify(deps.cipher.seal(spec, config))]);
          logger.info('the source updated its stored config (e.g. rotated credentials)');
        },
        onCommit: async (commit) => {
          sequence++;
          const throughIds = commit.states.map(replayedThrough).filter((id): id is number => id !== undefined);
          const replayed = throughIds.length ? { throughId: Math.max(...throughIds), streams: catalog.streams.map((s) => ({ name: s.stream.name, namespace: s.stream.namespace })) } : undefined;
          await jobs.commitCheckpoint({
            connectionId,
            jobId,
            attemptId: attempt.id,
            attemptNumber,
            sequence,
            states: commit.states.filter((s) => replayedThrough(s) === undefined),
            position: commit.position,
            stats: commit.stats,
            quarantined: commit.quarantined,
            replayed,
          });
          if (commit.quarantined.length) logger.warn(`${commit.quarantined.length} rows quarantined by data contracts`, { reasons: [...new Set(commit.quarantined.map((q) => q.reason))].slice(0, 5) });
          logger.debug(`checkpoint ${sequence} committed`, { records: commit.stats.reduce((n, s) => n + s.records, 0) });
        },
      });
      await jobs.finishAttempt(attempt.id, 'succeeded');
      logger.info(`attempt ${attemptNumber} succeeded: ${summary.recordsCommitted} records, ${summary.bytesCommitted} bytes committed in ${summary.commits} checkpoints`);
      return { recordsCommitted: summary.recordsCommitted, bytesCommitted: summary.bytesCommitted };
    } catch (error) {
      const reason = context.cancellationSignal.aborted ? context.cancellationSignal.reason : undefined;
      if (reason instanceof CancelledFailure && reason.message === 'CANCELLED') {
        await jobs.finishAttempt(attempt.id, 'cancelled');
        logger.info('attempt cancelled on request');
        throw reason;
      }
      const { failureType, message } = reason instanceof CancelledFailure
        ? { failureType: 'transient_error' as const, message: `the attempt was interrupted (${reason.message.toLowerCase().replace(/_/g, ' ')})` }
        : classifyError(error);
      const safeMessage = logger.redact(message);
      await jobs.finishAttempt(attempt.id, 'failed', { type: failureType, message: safeMessage });
      logger.error(`attempt ${attemptNumber} failed (${failureType.replace('_', ' ')}): ${safeMessage}`);
      throw toApplicationFailure(failureType, safeMessage);
    } finally {
      clearInterval(heartbeat);
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
    const mapping = { namespace: namespaceMapping(connection), prefix: connection.prefix };
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

function namespaceMapping(connection: ConnectionEntity): NamespaceMapping {
  return connection.namespaceDefinition === 'custom' ? { type: 'custom', format: connection.namespaceFormat ?? '' } : { type: connection.namespaceDefinition };
}

/**
 * Records are cut back to the configured schema's columns when the source emits more: a column
 * selection, or columns the accepted schema lacks (an ignored or pending change).
 */
function extraColumnProjections(configured: ConfiguredAirbyteCatalog, current: AirbyteCatalog): Record<string, string[]> {
  const currentByKey = new Map(current.streams.map((s) => [streamKey(s), s]));
  const projections: Record<string, string[]> = {};
  // The configured schema already holds only the selected fields when there is a selection.
  for (const { stream } of configured.streams) {
    const accepted = Object.keys((stream.json_schema.properties ?? {}) as object);
    const now = Object.keys((currentByKey.get(streamKey(stream))?.json_schema.properties ?? {}) as object);
    if (now.some((column) => !accepted.includes(column))) projections[streamKey(stream)] = accepted;
  }
  return projections;
}
