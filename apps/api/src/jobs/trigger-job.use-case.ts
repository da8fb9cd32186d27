// Triggering a job: one pending/running job per connection is guaranteed twice — by a partial
// unique index in the metadata store and by the connection-derived workflow id in Temporal.
import { Injectable } from '@nestjs/common';
import { ActiveJobExistsError, JobRepository, type JobEntity } from '@tributary/persistence';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { ConnectionsService } from '../connections/connections.service';
import { SyncAlreadyRunningError, TemporalGateway } from '../temporal/temporal.gateway';
import type { TriggerJobDto } from './job.dto';

const CLOSING_WORKFLOW_WAIT_MS = 10_000;

@Injectable()
export class TriggerJobUseCase {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly jobs: JobRepository,
    private readonly temporal: TemporalGateway,
  ) {}

  async execute(connectionId: string, input: TriggerJobDto): Promise<JobEntity> {
    const connection = await this.connections.get(connectionId);
    if (connection.status === 'paused') {
      throw new ApiException(ApiErrorCode.CONFLICT, 'the connection is paused; set its status to "active" to sync it');
    }
    if (input.streams?.length) {
      const known = new Set(connection.streams.filter((s) => s.selected).map((s) => `${s.namespace ?? ''}.${s.name}`));
      const issues = input.streams
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => !known.has(`${s.namespace ?? ''}.${s.name}`))
        .map(({ s, i }) => ({ field: `streams[${i}].name`, message: `"${s.name}" is not a selected stream of this connection` }));
      if (issues.length) throw ApiException.invalid(issues);
    }
    let job: JobEntity;
    try {
      job = await this.jobs.create(connection.id, input.type, input.streams?.length ? input.streams : null);
    } catch (error) {
      if (error instanceof ActiveJobExistsError) throw this.alreadyRunning(error.activeJobId);
      throw error;
    }
    try {
      const { workflowId, runId } = await this.startWorkflow(job.id, connection.id);
      await this.jobs.attachWorkflow(job.id, workflowId, runId);
      return { ...job, workflowId, runId };
    } catch (error) {
      await this.jobs.delete(job.id);
      if (error instanceof SyncAlreadyRunningError) throw this.alreadyRunning(undefined);
      throw error;
    }
  }

  /**
   * The metadata store already guarantees one active job, so a workflow-id conflict here is the
   * previous sync's workflow closing right after it recorded its job as finished: wait for it.
   */
  private async startWorkflow(jobId: string, connectionId: string): Promise<{ workflowId: string; runId: string }> {
    const deadline = Date.now() + CLOSING_WORKFLOW_WAIT_MS;
    for (;;) {
      try {
        return await this.temporal.startSync({ jobId, connectionId });
      } catch (error) {
        if (!(error instanceof SyncAlreadyRunningError) || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private alreadyRunning(activeJobId: string | undefined): ApiException {
    return new ApiException(ApiErrorCode.JOB_ALREADY_RUNNING, `a sync of this connection is already running${activeJobId ? ` (job ${activeJobId})` : ''}`, {
      ...(activeJobId ? { activeJobId } : {}),
    });
  }
}
