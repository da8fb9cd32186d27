import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { JOB_STATUSES, type AttemptEntity, type JobEntity, type JobLogEntity, type JobStatus, type StreamStatsEntity } from '@tributary/persistence';
import { PaginationQueryDto } from '../common/pagination.dto';

class StreamRefDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  namespace?: string;
}

export const TRIGGERABLE_JOB_TYPES = ['sync', 'refresh', 'clear', 'replay'] as const;

export class TriggerJobDto {
  @ApiProperty({
    enum: TRIGGERABLE_JOB_TYPES,
    description: 'sync continues from the saved state; refresh re-reads the given streams (or all) from scratch and replaces their data; clear removes the data and state of the streams from the destination; replay sends the quarantined rows through the current data contracts again.',
  })
  @IsIn(TRIGGERABLE_JOB_TYPES, { message: `must be one of ${TRIGGERABLE_JOB_TYPES.join(', ')}` })
  type!: (typeof TRIGGERABLE_JOB_TYPES)[number];

  @ApiPropertyOptional({ type: [StreamRefDto], description: 'With refresh, clear or replay: the streams concerned; default all selected.' })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StreamRefDto)
  streams?: StreamRefDto[];
}

export class ListJobsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;
}

export class JobLogsQueryDto {
  @ApiPropertyOptional({ description: 'Return lines after this line id (for paging and tailing).', default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  after = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit = 200;
}

export class FailureDto {
  @ApiProperty({ enum: ['config_error', 'transient_error', 'system_error'] }) type!: string;
  @ApiProperty() message!: string;
}

export class StreamStatsDto {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() namespace?: string;
  @ApiProperty() recordsCommitted!: number;
  @ApiProperty() bytesCommitted!: number;
  @ApiProperty({ enum: ['running', 'complete', 'incomplete'] }) status!: string;
}

export class AttemptDto {
  @ApiProperty() number!: number;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed', 'cancelled'] }) status!: string;
  @ApiPropertyOptional({ type: FailureDto, nullable: true }) failure!: FailureDto | null;
  @ApiProperty() recordsCommitted!: number;
  @ApiProperty() bytesCommitted!: number;
  @ApiProperty({ description: 'Continued from a checkpoint of an earlier attempt.' }) resumed!: boolean;
  @ApiProperty({ type: [StreamStatsDto] }) streams!: StreamStatsDto[];
  @ApiProperty() startedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) endedAt!: Date | null;
}

export class JobDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty({ enum: ['sync', 'refresh', 'clear', 'replay'] }) type!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiProperty({ enum: ['manual', 'schedule'] }) trigger!: string;
  @ApiProperty({ description: 'Records committed to the destination, over all attempts.' }) recordsCommitted!: number;
  @ApiProperty({ description: 'Live progress: records the source emitted in the current attempt.' }) recordsEmitted!: number;
  @ApiProperty() bytesCommitted!: number;
  @ApiPropertyOptional({ type: FailureDto, nullable: true }) failure!: FailureDto | null;
  @ApiPropertyOptional({ type: [AttemptDto] }) attempts?: AttemptDto[];
  @ApiPropertyOptional({ type: [StreamStatsDto], description: 'Per-stream totals over all attempts.' }) streams?: StreamStatsDto[];
  @ApiProperty() createdAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt!: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) endedAt!: Date | null;

  static from(job: JobEntity, attempts?: AttemptEntity[], stats?: StreamStatsEntity[]): JobDto {
    const dto = Object.assign(new JobDto(), {
      id: job.id,
      connectionId: job.connectionId,
      type: job.type,
      status: job.status,
      trigger: job.trigger,
      recordsCommitted: job.recordsCommitted,
      recordsEmitted: job.recordsEmitted,
      bytesCommitted: job.bytesCommitted,
      failure: job.failureType ? { type: job.failureType, message: job.failureMessage ?? '' } : null,
      createdAt: job.createdAt,
      startedAt: job.startedAt,
      endedAt: job.endedAt,
    });
    if (attempts && stats) {
      dto.attempts = attempts.map((a) => ({
        number: a.number,
        status: a.status,
        failure: a.failureType ? { type: a.failureType, message: a.failureMessage ?? '' } : null,
        recordsCommitted: a.recordsCommitted,
        bytesCommitted: a.bytesCommitted,
        resumed: a.resumed,
        streams: stats.filter((s) => s.attemptId === a.id).map(toStreamStats),
        startedAt: a.startedAt,
        endedAt: a.endedAt,
      }));
      dto.streams = totalsByStream(stats, attempts);
    }
    return dto;
  }
}

function toStreamStats(s: StreamStatsEntity): StreamStatsDto {
  return { name: s.streamName, ...(s.streamNamespace ? { namespace: s.streamNamespace } : {}), recordsCommitted: s.recordsCommitted, bytesCommitted: s.bytesCommitted, status: s.status };
}

function totalsByStream(stats: StreamStatsEntity[], attempts: AttemptEntity[]): StreamStatsDto[] {
  const latestAttempt = new Map(attempts.map((a) => [a.id, a.number]));
  const totals = new Map<string, StreamStatsDto & { attempt: number }>();
  for (const s of stats) {
    const key = `${s.streamNamespace}.${s.streamName}`;
    const number = latestAttempt.get(s.attemptId) ?? 0;
    const current = totals.get(key);
    if (!current) totals.set(key, { ...toStreamStats(s), attempt: number });
    else {
      current.recordsCommitted += s.recordsCommitted;
      current.bytesCommitted += s.bytesCommitted;
      if (number >= current.attempt) Object.assign(current, { status: s.status, attempt: number });
    }
  }
  return [...totals.values()].map(({ attempt: _attempt, ...rest }) => rest);
}

export class JobLogLineDto {
  @ApiProperty() id!: number;
  @ApiProperty() at!: Date;
  @ApiProperty({ enum: ['debug', 'info', 'warn', 'error'] }) level!: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) attempt!: number | null;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) fields!: Record<string, unknown> | null;

  static from(line: JobLogEntity): JobLogLineDto {
    return { id: Number(line.id), at: line.at, level: line.level, attempt: line.attemptNumber, message: line.message, fields: line.fields };
  }
}
