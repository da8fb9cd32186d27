// The contracts shared by the API (which starts workflows), the worker (which implements the
// activities) and the workflows themselves. Only small descriptors cross Temporal: ids, counts,
// failure summaries — never records or secrets.
import type { ConnectorSpecification } from '@tributary/protocol';

export const DEFAULT_TASK_QUEUE = 'tributary-sync';

export const SYNC_WORKFLOW_TYPE = 'syncConnectionWorkflow';
export const CHECK_WORKFLOW_TYPE = 'checkConnectorWorkflow';
export const DISCOVER_WORKFLOW_TYPE = 'discoverSourceWorkflow';
export const EXECUTABLE_SPEC_WORKFLOW_TYPE = 'executableSpecWorkflow';

/**
 * Where a sync's partitions (replicatePartition) are scheduled: a task queue of their own beside
 * the sync queue, so each worker bounds how many partitions it takes at once separately from syncs.
 */
export function partitionTaskQueue(taskQueue: string): string {
  return `${taskQueue}-partitions`;
}

/** One workflow id per connection: Temporal itself refuses a second concurrent sync of it. */
export function syncWorkflowId(connectionId: string): string {
  return `sync-connection-${connectionId}`;
}

/** The Temporal Schedule that runs a connection's scheduled syncs. */
export function connectionScheduleId(connectionId: string): string {
  return `connection-schedule-${connectionId}`;
}

export interface SyncWorkflowInput {
  /** Absent when the sync was started by the connection's schedule: the workflow creates the job. */
  jobId?: string;
  connectionId: string;
  /** How long the replication activity may go without a heartbeat before another worker takes over. */
  heartbeatTimeoutSeconds: number;
  /** Attempts for transient and system failures (config errors are never retried). */
  maxAttempts: number;
}

export interface SyncWorkflowResult {
  /** Null when a scheduled run was skipped (paused connection, or a job already running). */
  jobId: string | null;
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped';
  recordsCommitted: number;
}

export interface ReplicationResult {
  recordsCommitted: number;
  bytesCommitted: number;
}

export type JobOutcome =
  | { status: 'succeeded' }
  | { status: 'cancelled' }
  | { status: 'failed'; failureType: 'config_error' | 'transient_error' | 'system_error'; message: string };

/** Activities of the sync workflow; implemented in apps/worker. */
export interface SyncActivities {
  /**
   * Creates the job of a scheduled run and attaches this workflow run to it; returns null (and
   * logs why) when the run is skipped because the connection is paused or a job is already active.
   */
  createScheduledJob(input: { connectionId: string; workflowId: string; runId: string }): Promise<{ jobId: string } | null>;
  markJobRunning(jobId: string): Promise<void>;
  /** Runs one attempt of the replication; resumes from the job's last committed checkpoint. */
  replicate(input: { jobId: string; connectionId: string }): Promise<ReplicationResult>;
  /** Records the outcome; returns the events it gave rise to, for webhooks. */
  finishJob(input: { jobId: string; outcome: JobOutcome }): Promise<{ events: PlatformEvent[] }>;
}

/**
 * Scale-out: a sync whose large streams are split into partitions, each replicated by an activity
 * of its own that any worker may take. Unit 0 is the streams read whole; units 1…n are partitions.
 */
export interface PartitionedSyncActivities {
  /**
   * Plans the partitions. When the sync is not split it returns `{ units: [] }` at once (then
   * `replicate` runs it). Otherwise it stores the plan, signals `PARTITIONS_PLANNED_SIGNAL` with
   * the units to run, and holds what keeps the partitions consistent (the source's exported
   * snapshot), heartbeating, until it is cancelled; a retry finds the plan stored and only signals.
   */
  planPartitions(input: { jobId: string; connectionId: string; workflowId: string }): Promise<PartitionsPlanned>;
  /** Runs one attempt of one unit; resumes from that unit's last committed checkpoint. */
  replicatePartition(input: { jobId: string; connectionId: string; unit: number }): Promise<ReplicationResult>;
  /** Once every unit has succeeded: the destination makes the partitions visible; the attempt succeeds. */
  publishPartitions(input: { jobId: string; connectionId: string }): Promise<ReplicationResult>;
}

export interface PartitionsPlanned {
  units: number[];
}

export const PARTITIONS_PLANNED_SIGNAL = 'partitionsPlanned';

export const PLATFORM_EVENT_TYPES = ['sync.succeeded', 'sync.failed', 'schema_change.awaiting_approval', 'connection.auto_paused'] as const;
export type PlatformEventType = (typeof PLATFORM_EVENT_TYPES)[number];

/** Something that happened to a connection; webhooks subscribe to these. Ids only. */
export interface PlatformEvent {
  type: PlatformEventType;
  connectionId: string;
  jobId?: string;
  schemaChangeId?: string;
}

export const WEBHOOK_DELIVERY_WORKFLOW_TYPE = 'deliverWebhooksWorkflow';

export function webhookDeliveryWorkflowId(jobId: string): string {
  return `webhooks-${jobId}`;
}

/** Webhook delivery: payloads are stored with the delivery; only ids travel. */
export interface WebhookActivities {
  /** Stores one delivery per matching webhook and event; returns the delivery ids. */
  planWebhookDeliveries(events: PlatformEvent[]): Promise<string[]>;
  /** Sends one delivery; throws to be retried, or a non-retryable failure when the receiver refuses it. */
  deliverWebhook(deliveryId: string): Promise<void>;
}

export const WEBHOOK_REJECTED_ERROR_TYPE = 'WebhookRejected';

export type ActorKind = 'source' | 'destination';

export interface CheckWorkflowInput {
  actorKind: ActorKind;
  actorId: string;
}

export interface CheckResult {
  status: 'succeeded' | 'failed';
  message?: string;
}

export interface DiscoverWorkflowInput {
  sourceId: string;
}

/** The catalog itself is stored in the metadata store; only its id travels. */
export interface DiscoverResult {
  catalogId: string;
  streamCount: number;
}

export interface ExecutableSpecInput {
  command: string;
  args: string[];
}

export interface ConnectorActivities {
  checkConnector(input: CheckWorkflowInput): Promise<CheckResult>;
  discoverSource(input: DiscoverWorkflowInput): Promise<DiscoverResult>;
  /** Runs `<command> [args] spec` on a worker (connector code never runs in the API). */
  executableSpec(input: ExecutableSpecInput): Promise<ConnectorSpecification>;
}

/** ApplicationFailure type of connector config errors: never retried. */
export const CONFIG_ERROR_TYPE = 'ConfigError';
export const TRANSIENT_ERROR_TYPE = 'TransientError';
export const SYSTEM_ERROR_TYPE = 'SystemError';
