// Scale-out (DESIGN §4): a sync whose large streams the source splits runs as one activity per
// partition, which any worker polling the task queue may take. `planPartitions` makes the plan
// once per job and stores it (catalog, projections, contracts, units), so every partition works
// from the same catalog; it then holds the source's snapshot open for the partitions. Each unit
// commits checkpoints of its own and resumes from them; `publishPartitions` has the destination
// make the partitions visible (an overwrite's swap, the manifests) once all are written, and
// closes the attempt. See docs/scale-out.md.
import { Context, getClient } from '@temporalio/activity';
import { ConfigError, SystemError } from '@tributary/connector-sdk';
import { ActorCatalogEntity, ConnectionEntity } from '@tributary/persistence';
import { configureCatalog, streamKey, type ConfiguredAirbyteCatalog, type JsonObject, type StreamContract } from '@tributary/protocol';
import { publishPartitions as publishPartitionsThroughEngine, runReplication } from '@tributary/sync-engine';
import { PARTITIONS_PLANNED_SIGNAL, type PartitionedSyncActivities, type PartitionsPlanned, type ReplicationResult } from '@tributary/workflows';
import { JobLogSink } from '../job-log-sink';
import { activityFailure, checkpointCommitter, prepareCatalog, replicationEnds, type RunLog, sourceConfigUpdater, sourceStates, startHeartbeat, streamMapping } from './sync-run';
import type { SyncActivityDependencies } from './sync.activities';

/** Unit 0: the streams read whole (possibly none); unit n > 0: one partition of one stream. */
type PlanUnit = { streams: string[] } | { stream: string; partition: JsonObject };

/** What `planPartitions` stores for the job (sync_plans); the same for every unit and attempt. */
interface SyncPlan {
  attemptId: string;
  attemptNumber: number;
  /** When the partitioned run started: names with dates are the same for every partition. */
  startedAt: string;
  catalog: ConfiguredAirbyteCatalog;
  projections: Record<string, string[]>;
  contracts: Record<string, StreamContract>;
  units: PlanUnit[];
}

const HOLD_HEARTBEAT_MS = 1000;

export function createPartitionedSyncActivities(deps: SyncActivityDependencies): PartitionedSyncActivities {
  const { jobs } = deps;

  async function loadJob(jobId: string, connectionId: string) {
    const job = await jobs.get(jobId);
    const connection = await deps.dataSource.getRepository(ConnectionEntity).findOne({ where: { id: connectionId } });
    if (!job || !connection) throw new ConfigError('the connection or job no longer exists');
    return { job, connection };
  }

  async function loadPlan(jobId: string): Promise<SyncPlan> {
    const plan = await jobs.plan<SyncPlan>(jobId);
    if (!plan) throw new SystemError(`job ${jobId} has no partition plan`);
    return plan;
  }

  const unitsOf = (plan: SyncPlan): PartitionsPlanned => ({ units: plan.units.flatMap((unit, index) => ('streams' in unit && unit.streams.length === 0 ? [] : [index])) });

  async function planPartitions(input: { jobId: string; connectionId: string; workflowId: string }): Promise<PartitionsPlanned> {
    const context = Context.current();
    const attemptNumber = context.info.attempt;
    const sink = new JobLogSink(jobs, input.jobId, attemptNumber);
    const log: RunLog = { logger: deps.logger.child({ jobId: input.jobId, attempt: attemptNumber }, { sinks: [sink.receive] }) };
    try {
      return await plan(input, context, attemptNumber, log);
    } catch (error) {
      throw activityFailure(error, context.cancellationSignal, log.logger, 'planning the partitions');
    } finally {
      await sink.flush();
    }
  }

  async function plan({ jobId, connectionId, workflowId }: { jobId: string; connectionId: string; workflowId: string }, context: Context, attemptNumber: number, log: RunLog): Promise<PartitionsPlanned> {
    const signalPlanned = (planned: PartitionsPlanned) => getClient().workflow.getHandle(workflowId).signal(PARTITIONS_PLANNED_SIGNAL, planned);
    const stored = await jobs.plan<SyncPlan>(jobId);
    if (stored) {
      // A retry (the holder's worker died): the partitions keep the plan; later ones read under snapshots of their own.
      await signalPlanned(unitsOf(stored));
      return unitsOf(stored);
    }
    const { job, connection } = await loadJob(jobId, connectionId);
    if (job.type !== 'sync' && job.type !== 'refresh') return { units: [] };
    const source = await deps.actors.load('source', connection.sourceId);
    const destination = await deps.actors.load('destination', connection.destinationId);
    log.logger = log.logger.child({}, { secrets: [...source.secrets, ...destination.secrets] });
    if (!source.connector.planPartitions || !destination.connector.publishPartitions || !destination.connector.writesPartitions?.(destination.config)) return { units: [] };
    const destinationModes = destination.manifest.spec.supported_destination_sync_modes ?? ['overwrite', 'append'];
    // A first look on the accepted catalog, without discovering: most syncs are not split.
    const accepted = connection.catalogId ? await deps.dataSource.getRepository(ActorCatalogEntity).findOne({ where: { id: connection.catalogId } }) : null;
    if (!accepted) return { units: [] };
    const wanted = job.type === 'refresh' && job.streams?.length ? new Set(job.streams.map((s) => streamKey(s))) : undefined;
    const candidates = configureCatalog(accepted.catalog, connection.streams, destinationModes).catalog.streams.filter((s) => s.sync_mode === 'full_refresh' && (!wanted || wanted.has(streamKey(s.stream))));
    if (candidates.length === 0) return { units: [] };

    const split = await source.connector.planPartitions(source.config, { streams: candidates }, { logger: log.logger, signal: context.cancellationSignal });
    if (!split) return { units: [] };
    try {
      const attempt = await jobs.startAttempt(jobId, attemptNumber);
      log.logger.info(`attempt ${attemptNumber} of ${job.type} job started`);
      const prepared = await prepareCatalog(deps, job, connection, source, destinationModes, log.logger, context.cancellationSignal);
      const units: PlanUnit[] = [{ streams: [] }];
      const partitioned = new Set<string>();
      for (const configured of prepared.catalog.streams) {
        const key = streamKey(configured.stream);
        const partitions = configured.sync_mode === 'full_refresh' ? split.streams[key] : undefined;
        if (!partitions?.length) {
          (units[0] as { streams: string[] }).streams.push(key);
          continue;
        }
        partitioned.add(key);
        for (const partition of partitions) units.push({ stream: key, partition });
      }
      if (partitioned.size === 0) {
        // The schema changed under the plan: nothing left to split, so the sync runs whole.
        return { units: [] };
      }
      const saved = await jobs.savePlan<SyncPlan>(jobId, { attemptId: attempt.id, attemptNumber, startedAt: new Date().toISOString(), ...prepared, units });
      const planned = unitsOf(saved);
      log.logger.info(`${[...partitioned].map((key) => `"${key}"`).join(', ')} split into ${saved.units.length - 1} partitions, replicated as activities any worker can take`, { units: planned.units.length });
      await signalPlanned(planned);
      // Hold the snapshot until the workflow says the partitions are done (it cancels this activity).
      await holdUntilCancelled(context);
      return planned;
    } finally {
      await split.release().catch((error: unknown) => log.logger.warn(`releasing the partitions' snapshot failed: ${String(error)}`));
    }
  }

  async function replicatePartition({ jobId, connectionId, unit }: { jobId: string; connectionId: string; unit: number }): Promise<ReplicationResult> {
    const context = Context.current();
    const plan = await loadPlan(jobId);
    const planned = plan.units[unit];
    if (!planned) throw new SystemError(`job ${jobId} has no unit ${unit}`);
    const label = 'stream' in planned ? `partition ${unit} of ${plan.units.length - 1} ("${planned.stream}")` : 'the streams read whole';
    const sink = new JobLogSink(jobs, jobId, plan.attemptNumber);
    const log: RunLog = { logger: deps.logger.child({ jobId, attempt: plan.attemptNumber, unit }, { sinks: [sink.receive] }) };
    const heartbeat = startHeartbeat(context, jobs, jobId, log, true);
    try {
      const { job, connection } = await loadJob(jobId, connectionId);
      const source = await deps.actors.load('source', connection.sourceId);
      const destination = await deps.actors.load('destination', connection.destinationId);
      log.logger = log.logger.child({}, { secrets: [...source.secrets, ...destination.secrets] });
      const keys = new Set('stream' in planned ? [planned.stream] : planned.streams);
      const catalog = { streams: plan.catalog.streams.filter((s) => keys.has(streamKey(s.stream))) };
      const sourceState = 'stream' in planned ? (await jobs.currentStates(connectionId, { jobId, unit })).map(({ state }) => state) : await sourceStates(jobs, job, catalog);
      const resume = await jobs.resumePoint(jobId, unit);
      if (resume) {
        await jobs.markAttemptResumed(plan.attemptId);
        log.logger.info(`${label}: try ${context.info.attempt} resumes from its checkpoint ${resume.sequence}`, { checkpoint: resume.sequence });
      } else log.logger.info(`${label} started${context.info.attempt > 1 ? ` (try ${context.info.attempt})` : ''}`);
      const summary = await runReplication({
        ...replicationEnds(source, destination, connection),
        catalog,
        sourceState,
        projections: plan.projections,
        contracts: plan.contracts,
        syncId: jobId,
        resumePosition: resume?.position ?? undefined,
        ...('stream' in planned ? { partition: { index: unit, startedAt: plan.startedAt, source: planned.partition } } : {}),
        signal: context.cancellationSignal,
        logger: log.logger,
        onProgress: (progress) => heartbeat.progress(progress.totalRecordsEmitted),
        onSourceConfigUpdate: sourceConfigUpdater(deps, source, log),
        onCommit: checkpointCommitter({ jobs, connectionId, jobId, attemptId: plan.attemptId, attemptNumber: plan.attemptNumber, unit, catalog, resumedAt: resume?.sequence ?? 0, log }),
      });
      log.logger.info(`${label} written: ${summary.recordsCommitted} records, ${summary.bytesCommitted} bytes in ${summary.commits} checkpoints`);
      return { recordsCommitted: summary.recordsCommitted, bytesCommitted: summary.bytesCommitted };
    } catch (error) {
      if (context.cancellationSignal.aborted) log.logger.info(`${label} stopped: ${String(context.cancellationSignal.reason)}`);
      throw activityFailure(error, context.cancellationSignal, log.logger, `${label} (try ${context.info.attempt})`);
    } finally {
      heartbeat.stop();
      await sink.flush();
    }
  }

  async function publishPartitions({ jobId, connectionId }: { jobId: string; connectionId: string }): Promise<ReplicationResult> {
    const context = Context.current();
    const plan = await loadPlan(jobId);
    const sink = new JobLogSink(jobs, jobId, plan.attemptNumber);
    const log: RunLog = { logger: deps.logger.child({ jobId, attempt: plan.attemptNumber }, { sinks: [sink.receive] }) };
    try {
      const { connection } = await loadJob(jobId, connectionId);
      const destination = await deps.actors.load('destination', connection.destinationId);
      log.logger = log.logger.child({}, { secrets: destination.secrets });
      const checkpoints = await jobs.partitionCheckpoints(jobId);
      const partitions = plan.units.flatMap((unit, index) => ('stream' in unit ? [{ index, position: checkpoints.get(index)?.position ?? undefined }] : []));
      const keys = new Set(plan.units.flatMap((unit) => ('stream' in unit ? [unit.stream] : [])));
      await publishPartitionsThroughEngine({
        destination: destination.connector,
        destinationConfig: destination.config,
        catalog: { streams: plan.catalog.streams.filter((s) => keys.has(streamKey(s.stream))) },
        mapping: streamMapping(connection),
        contracts: plan.contracts,
        syncId: jobId,
        startedAt: plan.startedAt,
        partitions,
        signal: context.cancellationSignal,
        logger: log.logger,
      });
      await jobs.finishAttempt(plan.attemptId, 'succeeded');
      const job = await jobs.get(jobId);
      const result = { recordsCommitted: job?.recordsCommitted ?? 0, bytesCommitted: job?.bytesCommitted ?? 0 };
      log.logger.info(`attempt ${plan.attemptNumber} succeeded: ${result.recordsCommitted} records, ${result.bytesCommitted} bytes committed by ${partitions.length} partitions, published`);
      return result;
    } catch (error) {
      throw activityFailure(error, context.cancellationSignal, log.logger, 'publishing the partitions');
    } finally {
      await sink.flush();
    }
  }

  return { planPartitions, replicatePartition, publishPartitions };
}

/** Heartbeats (which is how a cancel reaches an activity) until the activity is cancelled. */
async function holdUntilCancelled(context: Context): Promise<void> {
  const signal = context.cancellationSignal;
  await new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setInterval(() => context.heartbeat(), HOLD_HEARTBEAT_MS);
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(timer);
        resolve();
      },
      { once: true },
    );
  });
}
