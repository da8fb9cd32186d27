import { ApiPageResponse, ApiListResponse } from '../common/pagination.dto';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JobDto, JobLogsQueryDto, ListJobsQueryDto, TriggerJobDto, JobLogLineDto } from './job.dto';
import { JobsService } from './jobs.service';
import { TriggerJobUseCase } from './trigger-job.use-case';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller()
export class JobsController {
  constructor(
    private readonly jobs: JobsService,
    private readonly trigger: TriggerJobUseCase,
  ) {}

  @Post('connections/:id/jobs')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JobDto, description: 'The job was created and its workflow started.' })
  @ApiConflictResponse({ description: 'A sync of this connection is already running.' })
  async create(@Param('id') connectionId: string, @Body() body: TriggerJobDto): Promise<JobDto> {
    return JobDto.from(await this.trigger.execute(connectionId, body));
  }

  @Get('jobs')
  @ApiPageResponse(JobDto)
  list(@Query() query: ListJobsQueryDto) {
    return this.jobs.list({ connectionId: query.connectionId, status: query.status, limit: query.limit, offset: query.offset });
  }

  @Get('jobs/:id')
  @ApiOkResponse({ type: JobDto })
  get(@Param('id') id: string): Promise<JobDto> {
    return this.jobs.get(id);
  }

  @Get('jobs/:id/logs')
  @ApiListResponse(JobLogLineDto, 'Log lines after `after`, oldest first; `next` is the cursor for the following call.', { next: { type: 'integer', minimum: 0 } })
  logs(@Param('id') id: string, @Query() query: JobLogsQueryDto) {
    return this.jobs.logs(id, query.after, query.limit);
  }

  @Post('jobs/:id/cancel')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: JobDto, description: 'Cancellation requested; the job becomes "cancelled" when the worker stops it.' })
  cancel(@Param('id') id: string): Promise<JobDto> {
    return this.jobs.cancel(id);
  }
}
