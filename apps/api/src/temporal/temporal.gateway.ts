// The API's only door to Temporal: start, cancel and run short workflows by contract name. Errors
// of the orchestrator become API errors here.
import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ApplicationFailure, Client, Connection, ScheduleNotFoundError, WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type ScheduleSpec } from '@temporalio/client';
import {
  CHECK_WORKFLOW_TYPE,
  CONFIG_ERROR_TYPE,
  connectionScheduleId,
  DISCOVER_WORKFLOW_TYPE,
  EXECUTABLE_SPEC_WORKFLOW_TYPE,
  type ExecutableSpecInput,
  SYNC_WORKFLOW_TYPE,
  syncWorkflowId,
  type CheckResult,
  type CheckWorkflowInput,
  type DiscoverResult,
  type DiscoverWorkflowInput,
  type SyncWorkflowInput,
  TEST_DECLARATIVE_STREAM_WORKFLOW_TYPE,
  type TestDeclarativeStreamInput,
  type TestDeclarativeStreamOutput,
} from '@tributary/workflows';
import type { ConnectorSpecification } from '@tributary/protocol';
import type { ApiConfig } from '../api.config';
import { ApiErrorCode, ApiException } from '../common/api.exception';

export class SyncAlreadyRunningError extends Error {}

/** Temporal refused a schedule spec; the message says why. */
export class ScheduleRejectedError extends Error {}

function isInvalidArgument(error: unknown): boolean {
  // gRPC INVALID_ARGUMENT (3), as surfaced by the client on a bad schedule spec.
  const code = (error as { code?: unknown; cause?: { code?: unknown } }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
  return code === 3 || /invalid/i.test((error as Error).message ?? '');
}

@Injectable()
export class TemporalGateway implements OnApplicationShutdown {
  private constructor(
    private readonly connection: Connection,
    private readonly client: Client,
    private readonly config: ApiConfig,
  ) {}

  static async connect(config: ApiConfig): Promise<TemporalGateway> {
    const connection = await Connection.connect({ address: config.temporalAddress });
    return new TemporalGateway(connection, new Client({ connection, namespace: config.temporalNamespace }), config);
  }

  /** Starts the sync workflow of a connection; throws SyncAlreadyRunningError if one runs. */
  async startSync(input: Omit<SyncWorkflowInput, 'heartbeatTimeoutSeconds' | 'maxAttempts'>): Promise<{ workflowId: string; runId: string }> {
    const workflowId = syncWorkflowId(input.connectionId);
    try {
      const handle = await this.client.workflow.start(SYNC_WORKFLOW_TYPE, {
        taskQueue: this.config.taskQueue,
        workflowId,
        args: [{ ...input, heartbeatTimeoutSeconds: this.config.syncHeartbeatTimeoutSeconds, maxAttempts: this.config.syncMaxAttempts } satisfies SyncWorkflowInput],
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw new SyncAlreadyRunningError(error.message);
      throw this.unavailable(error);
    }
  }

  /**
   * Creates or updates the Temporal Schedule of a connection. Overlapping runs are skipped; missed
   * runs are not replayed after downtime beyond a minute. Throws ScheduleRejectedError when
   * Temporal refuses the spec (e.g. an invalid cron expression).
   */
  async upsertSchedule(connectionId: string, spec: ScheduleSpec, paused: boolean, note: string): Promise<void> {
    const scheduleId = connectionScheduleId(connectionId);
    const action = {
      type: 'startWorkflow' as const,
      workflowType: SYNC_WORKFLOW_TYPE,
      workflowId: syncWorkflowId(connectionId),
      taskQueue: this.config.taskQueue,
      args: [{ connectionId, heartbeatTimeoutSeconds: this.config.syncHeartbeatTimeoutSeconds, maxAttempts: this.config.syncMaxAttempts } satisfies SyncWorkflowInput],
    };
    const policies = { overlap: 'SKIP', catchupWindow: '1 minute' } as const;
    try {
      const handle = this.client.schedule.getHandle(scheduleId);
      try {
        await handle.update((previous) => ({ ...previous, spec, action, policies, state: { ...previous.state, paused, note } }));
      } catch (error) {
        if (!(error instanceof ScheduleNotFoundError)) throw error;
        await this.client.schedule.create({ scheduleId, spec, action, policies, state: { paused, note } });
      }
    } catch (error) {
      if (isInvalidArgument(error)) throw new ScheduleRejectedError((error as Error).message);
      throw this.unavailable(error);
    }
  }

  async deleteSchedule(connectionId: string): Promise<void> {
    try {
      await this.client.schedule.getHandle(connectionScheduleId(connectionId)).delete();
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return;
      throw this.unavailable(error);
    }
  }

  /** The next times the connection's schedule will fire (empty when paused or absent). */
  async nextRunTimes(connectionId: string, count = 1): Promise<Date[]> {
    try {
      const description = await this.client.schedule.getHandle(connectionScheduleId(connectionId)).describe();
      return description.state.paused ? [] : description.info.nextActionTimes.slice(0, count);
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return [];
      throw this.unavailable(error);
    }
  }

  async cancel(workflowId: string, runId: string | null): Promise<void> {
    try {
      await this.client.workflow.getHandle(workflowId, runId ?? undefined).cancel();
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  check(input: CheckWorkflowInput): Promise<CheckResult> {
    return this.execute<CheckResult>(CHECK_WORKFLOW_TYPE, `check-${input.actorKind}-${input.actorId}-${randomUUID()}`, input);
  }

  /** The spec of an executable connector, obtained by running it on a worker. */
  executableSpec(input: ExecutableSpecInput): Promise<ConnectorSpecification> {
    return this.execute<ConnectorSpecification>(EXECUTABLE_SPEC_WORKFLOW_TYPE, `spec-${randomUUID()}`, input);
  }

  /** The Builder's test read of one stream of a manifest, run on a worker. */
  testDeclarativeStream(input: TestDeclarativeStreamInput): Promise<TestDeclarativeStreamOutput> {
    return this.execute<TestDeclarativeStreamOutput>(TEST_DECLARATIVE_STREAM_WORKFLOW_TYPE, `test-stream-${randomUUID()}`, input);
  }

  discover(input: DiscoverWorkflowInput): Promise<DiscoverResult> {
    return this.execute<DiscoverResult>(DISCOVER_WORKFLOW_TYPE, `discover-${input.sourceId}-${randomUUID()}`, input);
  }

  async isReachable(): Promise<boolean> {
    try {
      await this.connection.healthService.check({});
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
  }

  private async execute<T>(type: string, workflowId: string, input: unknown): Promise<T> {
    try {
      return await this.client.workflow.execute<(arg: unknown) => Promise<T>>(type, {
        taskQueue: this.config.taskQueue,
        workflowId,
        args: [input],
        workflowExecutionTimeout: '10 minutes',
      });
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        let cause: unknown = error.cause;
        while (cause && !(cause instanceof ApplicationFailure) && (cause as { cause?: unknown }).cause) cause = (cause as { cause?: unknown }).cause;
        const message = cause instanceof Error ? cause.message : error.message;
        if (cause instanceof ApplicationFailure && cause.type === CONFIG_ERROR_TYPE) throw new ApiException(ApiErrorCode.CONNECTOR_CONFIG_ERROR, message);
        throw new ApiException(ApiErrorCode.CONNECTOR_FAILED, message);
      }
      throw this.unavailable(error);
    }
  }

  private unavailable(error: unknown): ApiException {
    return new ApiException(ApiErrorCode.ORCHESTRATOR_UNAVAILABLE, `the orchestrator (Temporal) could not be reached: ${(error as Error).message}`);
  }
}
