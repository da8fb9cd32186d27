// The rows a connection's data contracts rejected, with the reason; replay them with
// POST /connections/{id}/jobs {"type": "replay"} once the contract allows them.
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { JobRepository } from '@tributary/persistence';
import { PaginationQueryDto, type Page } from '../common/pagination.dto';
import { ConnectionsService } from './connections.service';

class QuarantineQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include rows already replayed.' })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  includeReplayed = false;
}

interface QuarantinedRowDto {
  id: number;
  stream: string;
  namespace?: string;
  column: string;
  reason: string;
  contract: string;
  record: Record<string, unknown>;
  jobId: string | null;
  quarantinedAt: Date;
  replayedJobId: string | null;
  replayedAt: Date | null;
}

@ApiTags('connections')
@ApiBearerAuth()
@Controller('connections')
export class QuarantineController {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly jobs: JobRepository,
  ) {}

  @Get(':id/quarantine')
  async list(@Param('id') id: string, @Query() query: QuarantineQueryDto): Promise<Page<QuarantinedRowDto>> {
    const connection = await this.connections.get(id);
    const [rows, total] = await this.jobs.listQuarantine(connection.id, query.limit, query.offset, query.includeReplayed);
    return {
      items: rows.map((r) => ({
        id: Number(r.id),
        stream: r.streamName,
        ...(r.streamNamespace ? { namespace: r.streamNamespace } : {}),
        column: r.columnName,
        reason: r.reason,
        contract: r.contract,
        record: r.record,
        jobId: r.jobId,
        quarantinedAt: r.quarantinedAt,
        replayedJobId: r.replayedJobId,
        replayedAt: r.replayedAt,
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }
}
