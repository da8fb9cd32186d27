// The API's only door to Temporal: start, cancel and run short workflows by contract name. Errors
// of the orchestrator become API errors here.
import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ApplicationFailure, Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import {
  CHECK_WORKFLOW_TYPE,
  CONFIG_ERROR_TYPE,
  DISCOVER_WORKFLOW_TYPE,
  SYNC_WORKFLOW_TYPE,
  syncWorkflowId,
  type CheckResult,
  type CheckWorkflowInput,
  type DiscoverResult,
  type DiscoverWorkflowInput,
  type SyncWorkflowInput,
} from '@tributary/workflows';
import type { ApiConfig } from '../api.config';
import { ApiErrorCode, ApiException } from '../common/api.exception';

export class SyncAlreadyRunningError extends Error {}

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
