// The sync workflow's scale-out path on the real Temporal dev server, with activities of the
// test's own: the planner signals the units and holds its snapshot; every unit runs as an activity
// of its own, then the publish; the holder is told to stop once the partitions are done. A unit
// that fails for good stops the others and fails the job, without a publish. A sync the planner
// does not split runs as one `replicate`.
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { testTemporalAddress } from '../../../tools/testing';
import { CONFIG_ERROR_TYPE, PARTITIONS_PLANNED_SIGNAL, partitionTaskQueue, SYNC_WORKFLOW_TYPE, WORKFLOWS_PATH, type JobOutcome, type SyncWorkflowInput } from '@tributary/workflows';

/** Resolves once the activity is cancelled, heartbeating meanwhile (a cancel reaches an activity through its heartbeats). */
function untilCancelled(): Promise<void> {
  const context = Context.current();
  return new Promise<void>((resolve) => {
    const timer = setInterval(() => context.heartbeat(), 200);
    context.cancellationSignal.addEventListener('abort', () => {
      clearInterval(timer);
      resolve();
    });
  });
}

describe('syncConnectionWorkflow in partitions', () => {
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
    connection = await Connection.connect({ address: testTemporalAddress() });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  async function run(units: number[], failUnit?: number) {
    const taskQueue = `partitions-${randomUUID()}`;
    const calls: string[] = [];
    const outcomes: JobOutcome[] = [];
    let holderReleased!: () => void;
    const released = new Promise<void>((resolve) => (holderReleased = resolve));
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      activities: {
        async markJobRunning() {
          calls.push('markJobRunning');
        },
        async planPartitions({ workflowId }: { workflowId: string }) {
          calls.push('planPartitions');
          if (units.length === 0) return { units: [] };
          await client.workflow.getHandle(workflowId).signal(PARTITIONS_PLANNED_SIGNAL, { units });
          await untilCancelled();
          calls.push('holder released');
          holderReleased();
          return { units };
        },
        async publishPartitions() {
          calls.push('publish');
          return { recordsCommitted: 10 * units.length, bytesCommitted: 100 * units.length };
        },
        async replicate() {
          calls.push('replicate');
          return { recordsCommitted: 7, bytesCommitted: 70 };
        },
        async finishJob({ outcome }: { outcome: JobOutcome }) {
          calls.push(`finishJob ${outcome.status}`);
          outcomes.push(outcome);
          return { events: [] };
        },
      },
    });
    // Partitions come from a task queue of their own (the worker's partition slots).
    const partitionWorker = await Worker.create({
      connection: nativeConnection,
      taskQueue: partitionTaskQueue(taskQueue),
      activities: {
        async replicatePartition({ unit }: { unit: number }) {
          calls.push(`unit ${unit} started`);
          if (unit === failUnit) {
            // Fails once every other unit is running, so that stopping them is what the test sees.
            await new Promise((resolve) => setTimeout(resolve, 500));
            throw ApplicationFailure.create({ message: `unit ${unit}: table gone`, type: CONFIG_ERROR_TYPE, nonRetryable: true });
          }
          if (failUnit !== undefined) {
            await untilCancelled();
            calls.push(`unit ${unit} cancelled`);
            throw Context.current().cancellationSignal.reason;
          }
          calls.push(`unit ${unit} done`);
          return { recordsCommitted: 10, bytesCommitted: 100 };
        },
      },
    });
    const input: SyncWorkflowInput = { jobId: 'job-1', connectionId: 'connection-1', heartbeatTimeoutSeconds: 30, maxAttempts: 3 };
    const result = await worker.runUntil(() => partitionWorker.runUntil(async () => {
      const handle = await client.workflow.start(SYNC_WORKFLOW_TYPE, { taskQueue, workflowId: `sync-${randomUUID()}`, args: [input] });
      const settled = await handle.result().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      );
      const history = await handle.fetchHistory();
      if (units.length) await released;
      return { settled, history };
    }));
    return { calls, outcomes, ...result };
  }

  it('runs every unit as an activity of its own, publishes once all are done, then releases the planner', async () => {
    const { calls, outcomes, settled, history } = await run([0, 1, 2, 3]);
    expect(settled).toEqual({ value: { jobId: 'job-1', status: 'succeeded', recordsCommitted: 40 } });
    expect(outcomes).toEqual([{ status: 'succeeded' }]);
    for (const unit of [0, 1, 2, 3]) expect(calls).toContain(`unit ${unit} done`);
    const publishAt = calls.indexOf('publish');
    expect(calls.filter((c) => c.endsWith('done')).every((c) => calls.indexOf(c) < publishAt)).toBe(true);
    expect(calls).not.toContain('replicate');
    expect(calls).toContain('holder released');
    const scheduled = history.events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    const partitions = scheduled.filter((a) => a.activityType!.name === 'replicatePartition');
    expect(partitions).toHaveLength(4);
    expect(new Set(partitions.map((a) => a.taskQueue!.name))).toEqual(new Set([expect.stringMatching(/^partitions-.*-partitions$/)]));
  }, 120_000);

  it('stops the other units when one fails for good, and fails the job without publishing', async () => {
    const { calls, outcomes, settled } = await run([1, 2, 3], 2);
    expect(settled).toEqual({ error: expect.anything() });
    expect(outcomes).toEqual([{ status: 'failed', failureType: 'config_error', message: 'unit 2: table gone' }]);
    expect(calls).toEqual(expect.arrayContaining(['unit 1 cancelled', 'unit 3 cancelled', 'holder released']));
    expect(calls).not.toContain('publish');
  }, 120_000);

  it('replicates a sync the planner does not split in one activity', async () => {
    const { calls, settled } = await run([]);
    expect(settled).toEqual({ value: { jobId: 'job-1', status: 'succeeded', recordsCommitted: 7 } });
    expect(calls).toEqual(['markJobRunning', 'planPartitions', 'replicate', 'finishJob succeeded']);
  }, 120_000);
});
