// The rows a connection's data contracts rejected, with the reason; replay them with
// POST /connections/{id}/jobs {"type": "replay"} once the contract allows them.
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { DATA_CONTRACTS } from '@tributary/protocol';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { JobRepository } from '@tributary/persistence';
import { PaginationQueryDto, type Page, ApiPageResponse } from '../common/pagination.dto';
import { ConnectionsService } from './connections.service';

class QuarantineQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include rows already replayed.' })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  includeReplayed = false;
}

/** A row a data contract sent to quarantine (DESIGN §5). */
class QuarantinedRowDto {
  @ApiProperty({ description: 'Ascending with arrival.' })
  id!: number;
  @ApiProperty()
  stream!: string;
  @ApiPropertyOptional()
  namespace?: string;
  @ApiProperty({ description: 'The column whose value did not fit.' })
  column!: string;
  @ApiProperty({ example: 'column score: "high" is not of type integer' })
  reason!: string;
  @ApiProperty({ enum: DATA_CONTRACTS })
  contract!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The row as the source sent it.' })
  record!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  jobId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' })
  quarantinedAt!: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The replay job that took the row, if any.' })
  replayedJobId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  replayedAt!: Date | null;
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
  @ApiPageResponse(QuarantinedRowDto)
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
