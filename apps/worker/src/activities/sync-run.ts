// What every replication activity shares, whether it runs a sync whole (`replicate`) or one
// partition of it (`replicatePartition`): preparing the catalog (discovery, drift policy, column
// projections, data contracts), the states a read starts from, committing checkpoints, the
// heartbeat with progress, a source's config updates, and turning a failure into what Temporal
// retries or not.
import { CancelledFailure, getClient, type Context } from '@temporalio/activity';
import { classifyError, ConfigError, type JsonLogger } from '@tributary/connector-sdk';
import type { ConnectionEntity, JobEntity, JobRepository } from '@tributary/persistence';
import { summarizeChanges } from '@tributary/persistence';
import {
  collectSecretValues,
  configureCatalog,
  defaultSelection,
  formatIssues,
  streamKey,
  validateAgainstSchema,
  type AirbyteCatalog,
  type ConfiguredAirbyteCatalog,
  type DestinationSyncMode,
  type FailureType,
  type JsonObject,
  type StateMessage,
  type StreamContract,
} from '@tributary/protocol';
import type { NamespaceMapping, ReplicationCommit, StreamMapping } from '@tributary/sync-engine';
import { connectionScheduleId } from '@tributary/workflows';
import type { LoadedActor } from '../actor-loader';
import { replayedThrough } from '../quarantine-replay.source';
import { discoverAndStore } from './catalog-discovery';
import { toApplicationFailure } from './failure-mapping';
import type { SyncActivityDependencies } from './sync.activities';

const HEARTBEAT_EVERY_MS = 1000;

/** A run's logger, which gains secrets to redact as they become known (a rotated credential). */
export interface RunLog {
  logger: JsonLogger;
}

export interface PreparedCatalog {
  catalog: ConfiguredAirbyteCatalog;
  projections: Record<string, string[]>;
  contracts: Record<string, StreamContract>;
}

/**
 * Discovers the source (drift is detected and handled by the connection's policy) and builds the
 * catalog the job reads: the selected streams, narrowed to the job's streams for a replay or
 * refresh, in the modes the job type asks for.
 */
export async function prepareCatalog(
  deps: SyncActivityDependencies,
  job: JobEntity,
  connection: ConnectionEntity,
  source: LoadedActor<'source'>,
  destinationModes: DestinationSyncMode[],
  logger: JsonLogger,
  signal: AbortSignal,
): Promise<PreparedCatalog> {
  const current = await discoverAndStore(deps.dataSource, source, signal, logger);
  const drift = await deps.drift.evaluate({ connection, current, jobId: job.id, defaults: (stream) => defaultSelection(stream, destinationModes) });
  if (drift.action !== 'unchanged') {
    const message = `source schema changed (${drift.action.replace('_', ' ')}): ${summarizeChanges(drift.changes)}`;
    if (drift.blockedReason) logger.warn(message, { schemaChangeId: drift.change?.id });
    else logger.info(message, { schemaChangeId: drift.change?.id });
  }
  if (drift.action === 'paused' && drift.blockedReason) await pauseSchedule(connection.id, drift.blockedReason, logger);
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
  return { catalog, projections, contracts };
}

/**
 * The states a read of `catalog` starts from: this job's own (a resumed attempt), and the
 * connection's current state of each incremental stream that is not being refreshed.
 */
export async function sourceStates(jobs: JobRepository, job: JobEntity, catalog: ConfiguredAirbyteCatalog): Promise<StateMessage[]> {
  if (job.type === 'replay') return [];
  const refreshed = new Set((job.type === 'refresh' ? (job.streams ?? catalog.streams.map((s) => s.stream)) : []).map((s) => streamKey(s)));
  const incremental = new Set(catalog.streams.filter((s) => s.sync_mode === 'incremental').map((s) => streamKey(s.stream)));
  return (await jobs.currentStates(job.connectionId))
    .filter(({ jobId: writer, state }) => {
      const key = state.state.stream ? streamKey(state.state.stream.stream_descriptor) : undefined;
      if (writer === job.id) return true;
      return !!key && incremental.has(key) && !refreshed.has(key);
    })
    .map(({ state }) => state);
}

/** The source and destination of a run, with their configs, and the connection's stream mapping. */
export function replicationEnds(source: LoadedActor<'source'>, destination: LoadedActor<'destination'>, connection: ConnectionEntity) {
  return { source: source.connector, sourceConfig: source.config, destination: destination.connector, destinationConfig: destination.config, mapping: streamMapping(connection) };
}

export function streamMapping(connection: ConnectionEntity): StreamMapping {
  const namespace: NamespaceMapping =
    connection.namespaceDefinition === 'custom' ? { type: 'custom', format: connection.namespaceFormat ?? '' } : { type: connection.namespaceDefinition };
  return { namespace, prefix: connection.prefix };
}

export interface CheckpointTarget {
  jobs: JobRepository;
  connectionId: string;
  jobId: string;
  attemptId: string;
  attemptNumber: number;
  /** 0: the streams read whole; n > 0: partition n. */
  unit: number;
  catalog: ConfiguredAirbyteCatalog;
  /** The sequence of the checkpoint the run resumed from (0 for none). */
  resumedAt: number;
  log: RunLog;
}

/** Commits each destination checkpoint: states, position, counters and quarantined rows, in one transaction. */
export function checkpointCommitter(target: CheckpointTarget): (commit: ReplicationCommit) => Promise<void> {
  let sequence = target.resumedAt;
  return async (commit) => {
    sequence++;
    const throughIds = commit.states.map(replayedThrough).filter((id): id is number => id !== undefined);
    const replayed = throughIds.length ? { throughId: Math.max(...throughIds), streams: target.catalog.streams.map((s) => ({ name: s.stream.name, namespace: s.stream.namespace })) } : undefined;
    await target.jobs.commitCheckpoint({
      connectionId: target.connectionId,
      jobId: target.jobId,
      attemptId: target.attemptId,
      attemptNumber: target.attemptNumber,
      sequence,
      unit: target.unit,
      states: commit.states.filter((s) => replayedThrough(s) === undefined),
      position: commit.position,
      stats: commit.stats,
      quarantined: commit.quarantined,
      replayed,
    });
    const logger = target.log.logger;
    if (commit.quarantined.length) logger.warn(`${commit.quarantined.length} rows quarantined by data contracts`, { reasons: [...new Set(commit.quarantined.map((q) => q.reason))].slice(0, 5) });
    logger.debug(`checkpoint ${sequence} committed`, { records: commit.stats.reduce((n, s) => n + s.records, 0) });
  };
}

/** Stores a config the source asks for (e.g. a rotated refresh token), when it fits the spec; its secrets are redacted from then on. */
export function sourceConfigUpdater(deps: SyncActivityDependencies, source: LoadedActor<'source'>, log: RunLog): (config: JsonObject) => Promise<void> {
  return async (config) => {
    const spec = source.manifest.spec.connectionSpecification;
    const issues = validateAgainstSchema(spec, config);
    if (issues.length) {
      log.logger.warn(`the source asked to store a config that does not fit its spec; ignored: ${formatIssues(issues)}`);
      return;
    }
    log.logger = log.logger.child({}, { secrets: collectSecretValues(spec, config) });
    await deps.dataSource.query(`UPDATE actors SET config = $2, updated_at = now() WHERE id = $1`, [source.actor.id, JSON.stringify(deps.cipher.seal(spec, config))]);
    log.logger.info('the source updated its stored config (e.g. rotated credentials)');
  };
}

/**
 * Heartbeats every second with the records emitted so far (so a dead worker is noticed), and
 * reports progress to the job: as a total, or (`additive`, partitions running at once) as the
 * records since the last report.
 */
export function startHeartbeat(context: Context, jobs: JobRepository, jobId: string, log: RunLog, additive: boolean): { progress(recordsEmitted: number): void; stop(): void } {
  let recordsEmitted = 0;
  let reported = 0;
  context.heartbeat({ recordsEmitted });
  const timer = setInterval(() => {
    context.heartbeat({ recordsEmitted });
    if (recordsEmitted === reported) return;
    const report = additive ? jobs.addProgress(jobId, recordsEmitted - reported) : jobs.reportProgress(jobId, recordsEmitted);
    reported = recordsEmitted;
    report.catch((error: unknown) => log.logger.debug(`progress not recorded: ${String(error)}`));
  }, HEARTBEAT_EVERY_MS);
  return {
    progress: (n) => {
      recordsEmitted = n;
    },
    stop: () => clearInterval(timer),
  };
}

/** Why a run ended: cancelled on request (rethrow as is), or a classified failure with a redacted message. */
export function runFailure(error: unknown, signal: AbortSignal, logger: JsonLogger): { cancelled: CancelledFailure } | { failureType: FailureType; message: string } {
  const reason = signal.aborted ? signal.reason : undefined;
  if (reason instanceof CancelledFailure && reason.message === 'CANCELLED') return { cancelled: reason };
  const { failureType, message } =
    reason instanceof CancelledFailure
      ? { failureType: 'transient_error' as const, message: `the attempt was interrupted (${reason.message.toLowerCase().replace(/_/g, ' ')})` }
      : classifyError(error);
  return { failureType, message: logger.redact(message) };
}

/** The error an activity ends with: a cancel as is, else the failure (logged as `what` failing) in the form Temporal retries or not. */
export function activityFailure(error: unknown, signal: AbortSignal, logger: JsonLogger, what: string): Error {
  const failure = runFailure(error, signal, logger);
  if ('cancelled' in failure) return failure.cancelled;
  logger.error(`${what} failed (${failure.failureType.replace('_', ' ')}): ${failure.message}`);
  return toApplicationFailure(failure.failureType, failure.message);
}

export async function pauseSchedule(connectionId: string, reason: string, logger: JsonLogger): Promise<void> {
  try {
    await getClient().schedule.getHandle(connectionScheduleId(connectionId)).pause(reason);
  } catch (error) {
    // A manual connection has no schedule: nothing to pause.
    if ((error as Error).name !== 'ScheduleNotFoundError') logger.warn(`could not pause the schedule: ${(error as Error).message}`);
  }
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
