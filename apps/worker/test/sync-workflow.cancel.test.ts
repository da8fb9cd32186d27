// The sync workflow on the real Temporal dev server, with activities of the test's own that record
// their calls and hold still where the test needs them to: a cancel that arrives while the job is
// being marked running (before any replication) still ends the job as cancelled, and replication
// never starts. Deterministic: markJobRunning completes only once the workflow has acted on the
// cancel (its history shows the activity's cancellation requested).
import { randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { CancelledFailure } from '@temporalio/common';
import { testTemporalAddress } from '../../../tools/testing';
import { WORKFLOWS_PATH, SYNC_WORKFLOW_TYPE, type JobOutcome, type SyncWorkflowInput } from '@tributary/workflows';

async function waitForCancelRequested(handle: WorkflowHandle): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const history = await handle.fetchHistory();
    if (history.events?.some((event) => event.activityTaskCancelRequestedEventAttributes)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the workflow did not request the cancellation of markJobRunning within 30 s');
}

describe('syncConnectionWorkflow cancelled while the job is marked running', () => {
  let nativeConnection: NativeConnection;
  let connection: Connection;

  beforeAll(async () => {
    // The SDK logs every worker state change at INFO; a test needs its warnings only.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    nativeConnection = await NativeConnection.connect({ address: testTemporalAddress() });
    connection = await Connection.connect({ address: testTemporalAddress() });
  });

  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  it('finishes the job as cancelled and never replicates', async () => {
    const taskQueue = `cancel-race-${randomUUID()}`;
    const calls: string[] = [];
    const outcomes: JobOutcome[] = [];
    let markStarted!: () => void;
    const marking = new Promise<void>((resolve) => (markStarted = resolve));
    let releaseMark!: () => void;
    const released = new Promise<void>((resolve) => (releaseMark = resolve));
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      activities: {
        async markJobRunning(jobId: string) {
          calls.push(`markJobRunning ${jobId}`);
          markStarted();
          // Still running when the cancel arrives; it then completes, as a database update would.
          await released;
        },
        async planPartitions() {
          calls.push('planPartitions');
          return { units: [] };
        },
        async replicate() {
          calls.push('replicate');
          return { recordsCommitted: 0 };
        },
        async finishJob({ jobId, outcome }: { jobId: string; outcome: JobOutcome }) {
          calls.push(`finishJob ${jobId} ${outcome.status}`);
          outcomes.push(outcome);
          return { events: [] };
        },
      },
    });
    const client = new Client({ connection });
    const input: SyncWorkflowInput = { jobId: 'job-1', connectionId: 'connection-1', heartbeatTimeoutSeconds: 30, maxAttempts: 2 };
    await worker.runUntil(async () => {
      const handle = await client.workflow.start(SYNC_WORKFLOW_TYPE, { taskQueue, workflowId: `sync-${randomUUID()}`, args: [input] });
      await marking;
      await handle.cancel();
      // markJobRunning stays in flight until the workflow has acted on the cancel (it asked for the
      // activity's cancellation): only then does the activity complete, too late to matter.
      await waitForCancelRequested(handle);
      releaseMark();
      const failure = await handle.result().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      expect((failure as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
    });
    expect(calls).toEqual(['markJobRunning job-1', 'finishJob job-1 cancelled']);
    expect(outcomes).toEqual([{ status: 'cancelled' }]);
  }, 120_000);
});
