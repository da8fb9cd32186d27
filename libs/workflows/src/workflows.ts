// Workflow code runs in Temporal's deterministic sandbox: it imports activity types only and calls
// them through proxies; everything with side effects lives in the worker's activities.
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
  type ActivityFailure,
} from '@temporalio/workflow';
import {
  CONFIG_ERROR_TYPE,
  SYSTEM_ERROR_TYPE,
  TRANSIENT_ERROR_TYPE,
  type CheckResult,
  type CheckWorkflowInput,
  type ConnectorActivities,
  type DiscoverResult,
  type DiscoverWorkflowInput,
  type ExecutableSpecInput,
  type JobOutcome,
  PARTITIONS_PLANNED_SIGNAL,
  partitionTaskQueue,
  type PartitionedSyncActivities,
  type PartitionsPlanned,
  type ReplicationResult,
  type SyncActivities,
  type SyncWorkflowInput,
  type SyncWorkflowResult,
  type PlatformEvent,
  type WebhookActivities,
  WEBHOOK_REJECTED_ERROR_TYPE,
  webhookDeliveryWorkflowId,
} from './contracts';
import type { ConnectorSpecification } from '@tributary/protocol';

const bookkeeping = proxyActivities<Pick<SyncActivities, 'createScheduledJob' | 'markJobRunning' | 'finishJob'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
});

const connectorCalls = proxyActivities<ConnectorActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 3, nonRetryableErrorTypes: [CONFIG_ERROR_TYPE] },
});

export const partitionsPlannedSignal = defineSignal<[PartitionsPlanned]>(PARTITIONS_PLANNED_SIGNAL);

/** The data-moving activities: long, heartbeating, retried from their last checkpoint. */
function replicationActivities(input: SyncWorkflowInput, cancellationType: 'WAIT_CANCELLATION_COMPLETED' | 'TRY_CANCEL', taskQueue?: string) {
  return proxyActivities<Pick<SyncActivities, 'replicate'> & PartitionedSyncActivities>({
    ...(taskQueue ? { taskQueue } : {}),
    startToCloseTimeout: '7 days',
    heartbeatTimeout: `${input.heartbeatTimeoutSeconds} seconds`,
    cancellationType,
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '2 minutes',
      maximumAttempts: input.maxAttempts,
      nonRetryableErrorTypes: [CONFIG_ERROR_TYPE],
    },
  });
}

/**
 * Replicates the job: whole, in one `replicate` activity; or, when the planner splits it, one
 * `replicatePartition` activity per unit, all scheduled at once on the partition task queue (any
 * worker takes them, as many at a time as it allows), then `publishPartitions`. The planner
 * keeps the partitions' snapshot open until they are done.
 */
async function replicateJob(jobId: string, input: SyncWorkflowInput): Promise<ReplicationResult> {
  const calls = replicationActivities(input, 'WAIT_CANCELLATION_COMPLETED');
  const partitionCalls = replicationActivities(input, 'WAIT_CANCELLATION_COMPLETED', partitionTaskQueue(workflowInfo().taskQueue));
  // The holder is only told to stop: its worker may be gone, and nothing waits on its release.
  const holderCalls = replicationActivities(input, 'TRY_CANCEL');
  let planned: PartitionsPlanned | undefined;
  let planningFailure: unknown;
  setHandler(partitionsPlannedSignal, (units) => {
    planned ??= units;
  });
  const holder = new CancellationScope();
  const planning = holder.run(() => holderCalls.planPartitions({ jobId, connectionId: input.connectionId, workflowId: workflowInfo().workflowId }));
  planning.then(
    (units) => {
      planned ??= units;
    },
    (error: unknown) => {
      planningFailure ??= error;
    },
  );
  await condition(() => planned !== undefined || planningFailure !== undefined);
  if (!planned) throw planningFailure;
  if (planned.units.length === 0) return calls.replicate({ jobId, connectionId: input.connectionId });
  try {
    const partitions = new CancellationScope();
    const runs = planned.units.map((unit) => partitions.run(() => partitionCalls.replicatePartition({ jobId, connectionId: input.connectionId, unit })));
    try {
      await Promise.all(runs);
    } catch (error) {
      // One unit failed for good: the others stop too, and the job fails with that unit's reason.
      partitions.cancel();
      await Promise.allSettled(runs);
      throw error;
    }
    return await calls.publishPartitions({ jobId, connectionId: input.connectionId });
  } finally {
    holder.cancel();
    await planning.catch(() => undefined);
  }
}

export async function syncConnectionWorkflow(input: SyncWorkflowInput): Promise<SyncWorkflowResult> {
  let jobId = input.jobId;
  if (!jobId) {
    const { workflowId, runId } = workflowInfo();
    const created = await bookkeeping.createScheduledJob({ connectionId: input.connectionId, workflowId, runId });
    if (!created) return { jobId: null, status: 'skipped', recordsCommitted: 0 };
    jobId = created.jobId;
  }
  let outcome: JobOutcome;
  let recordsCommitted = 0;
  try {
    // Inside the try: a cancel that arrives before the replication starts still ends the job.
    await bookkeeping.markJobRunning(jobId);
    const result = await replicateJob(jobId, input);
    recordsCommitted = result.recordsCommitted;
    outcome = { status: 'succeeded' };
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => bookkeeping.finishJob({ jobId: jobId!, outcome: { status: 'cancelled' } }));
      throw error;
    }
    outcome = failureOutcome(error);
  }
  const { events } = await bookkeeping.finishJob({ jobId, outcome });
  await announce(jobId, events);
  if (outcome.status === 'failed') {
    throw ApplicationFailure.nonRetryable(outcome.message, outcome.failureType);
  }
  return { jobId, status: outcome.status, recordsCommitted };
}

/** Webhooks are delivered by a workflow of their own, so a slow receiver never holds up the next sync. */
async function announce(jobId: string, events: PlatformEvent[]): Promise<void> {
  if (!events.length) return;
  await startChild(deliverWebhooksWorkflow, {
    workflowId: webhookDeliveryWorkflowId(jobId),
    args: [events],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
}

const webhookPlanning = proxyActivities<Pick<WebhookActivities, 'planWebhookDeliveries'>>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const webhookSending = proxyActivities<Pick<WebhookActivities, 'deliverWebhook'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 8, nonRetryableErrorTypes: [WEBHOOK_REJECTED_ERROR_TYPE] },
});

export async function deliverWebhooksWorkflow(events: PlatformEvent[]): Promise<{ delivered: number; failed: number }> {
  const deliveries = await webhookPlanning.planWebhookDeliveries(events);
  const results = await Promise.allSettled(deliveries.map((id) => webhookSending.deliverWebhook(id)));
  return { delivered: results.filter((r) => r.status === 'fulfilled').length, failed: results.filter((r) => r.status === 'rejected').length };
}

export async function checkConnectorWorkflow(input: CheckWorkflowInput): Promise<CheckResult> {
  return connectorCalls.checkConnector(input);
}

export async function discoverSourceWorkflow(input: DiscoverWorkflowInput): Promise<DiscoverResult> {
  return connectorCalls.discoverSource(input);
}

export async function executableSpecWorkflow(input: ExecutableSpecInput): Promise<ConnectorSpecification> {
  return connectorCalls.executableSpec(input);
}

function failureOutcome(error: unknown): JobOutcome {
  const cause = (error as ActivityFailure).cause ?? error;
  const type = cause instanceof ApplicationFailure ? cause.type : undefined;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (type === CONFIG_ERROR_TYPE) return { status: 'failed', failureType: 'config_error', message };
  if (type === TRANSIENT_ERROR_TYPE) return { status: 'failed', failureType: 'transient_error', message };
  if (type === SYSTEM_ERROR_TYPE) return { status: 'failed', failureType: 'system_error', message };
  return { status: 'failed', failureType: 'system_error', message };
}

export { testDeclarativeStreamWorkflow } from './declarative.workflows';
