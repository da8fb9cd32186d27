import { Injectable } from '@nestjs/common';
import { JobRepository, type JobEntity } from '@tributary/persistence';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { isUuid } from '../common/find-or-fail';
import { TemporalGateway } from '../temporal/temporal.gateway';
import { JobDto, JobLogLineDto } from './job.dto';

@Injectable()
export class JobsService {
  constructor(
    private readonly jobs: JobRepository,
    private readonly temporal: TemporalGateway,
  ) {}

  async list(filter: { connectionId?: string; status?: JobEntity['status']; limit: number; offset: number }) {
    const { items, total } = await this.jobs.list(filter);
    return { items: items.map((j) => JobDto.from(j)), total, limit: filter.limit, offset: filter.offset };
  }

  async get(id: string): Promise<JobDto> {
    const job = await this.find(id);
    const [attempts, stats] = await Promise.all([this.jobs.attempts(job.id), this.jobs.streamStats([job.id])]);
    return JobDto.from(job, attempts, stats);
  }

  async logs(id: string, after: number, limit: number): Promise<{ items: JobLogLineDto[]; next: number }> {
    const job = await this.find(id);
    const lines = await this.jobs.logs(job.id, after, limit);
    return { items: lines.map((l) => JobLogLineDto.from(l)), next: lines.length ? Number(lines[lines.length - 1]!.id) : after };
  }

  async cancel(id: string): Promise<JobDto> {
    const job = await this.find(id);
    if (job.status !== 'pending' && job.status !== 'running') {
      throw new ApiException(ApiErrorCode.CONFLICT, `job ${job.id} is already ${job.status}`);
    }
    if (!job.workflowId) throw new ApiException(ApiErrorCode.CONFLICT, `job ${job.id} has not started yet; try again in a moment`);
    await this.temporal.cancel(job.workflowId, job.runId);
    return this.get(job.id);
  }

  private async find(id: string): Promise<JobEntity> {
    const job = isUuid(id) ? await this.jobs.get(id) : null;
    if (!job) throw ApiException.notFound('job', id);
    return job;
  }
}
