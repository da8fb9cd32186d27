import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import type { ConnectionEntity } from '@tributary/persistence';
import { SYNC_MODES, type SyncMode } from '@tributary/protocol';

export class StreamConfigDto {
  @ApiProperty({ example: 'users' })
  @IsString()
  @IsNotEmpty()
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  namespace?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  selected?: boolean;

  @ApiProperty({ enum: SYNC_MODES })
  @IsIn(SYNC_MODES, { message: `must be one of ${SYNC_MODES.join(', ')}` })
  syncMode!: SyncMode;

  @ApiPropertyOptional({ type: [String], example: ['updated_at'] })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  cursorField?: string[];

  @ApiPropertyOptional({ type: 'array', items: { type: 'array', items: { type: 'string' } }, example: [['id']] })
  @IsOptional()
  @IsArray()
  @IsArray({ each: true })
  primaryKey?: string[][];
}

export class ScheduleDto {
  @ApiProperty({ enum: ['manual'], description: 'Interval and cron schedules arrive with Temporal Schedules support.' })
  @IsIn(['manual'], { message: 'must be "manual": interval and cron schedules are not available in this version yet' })
  type!: 'manual';
}

export class SchemaChangePolicyDto {
  @ApiProperty({ enum: ['propagate_all', 'propagate_columns', 'ignore', 'approve', 'pause'] })
  @IsIn(['propagate_all', 'propagate_columns', 'ignore', 'approve', 'pause'])
  nonBreaking!: 'propagate_all' | 'propagate_columns' | 'ignore' | 'approve' | 'pause';

  @ApiProperty({ enum: ['pause', 'fail'] })
  @IsIn(['pause', 'fail'])
  breaking!: 'pause' | 'fail';
}

const NAMESPACE_DEFINITIONS = ['source', 'destination', 'custom'] as const;

class ConnectionSettingsDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [StreamConfigDto], description: 'Streams to sync; omitted on create means every stream with its default mode.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10000)
  @ValidateNested({ each: true })
  @Type(() => StreamConfigDto)
  streams?: StreamConfigDto[];

  @ApiPropertyOptional({ type: ScheduleDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScheduleDto)
  schedule?: ScheduleDto;

  @ApiPropertyOptional({ type: SchemaChangePolicyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SchemaChangePolicyDto)
  schemaChangePolicy?: SchemaChangePolicyDto;

  @ApiPropertyOptional({ enum: ['active', 'paused'] })
  @IsOptional()
  @IsIn(['active', 'paused'])
  status?: 'active' | 'paused';

  @ApiPropertyOptional({ enum: NAMESPACE_DEFINITIONS, default: 'source' })
  @IsOptional()
  @IsIn(NAMESPACE_DEFINITIONS)
  namespaceDefinition?: (typeof NAMESPACE_DEFINITIONS)[number];

  @ApiPropertyOptional({ example: 'raw_${SOURCE_NAMESPACE}', description: 'With namespaceDefinition "custom".' })
  @ValidateIf((o: ConnectionSettingsDto) => o.namespaceDefinition === 'custom' || o.namespaceFormat !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  namespaceFormat?: string;

  @ApiPropertyOptional({ example: 'raw_', default: '' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  @Matches(/^[A-Za-z0-9_-]*$/, { message: 'may contain only letters, digits, "_" and "-"' })
  prefix?: string;
}

export class CreateConnectionDto extends ConnectionSettingsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be the id (UUID) of a source' })
  sourceId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'must be the id (UUID) of a destination' })
  destinationId!: string;
}

export class UpdateConnectionDto extends ConnectionSettingsDto {}

export class ConnectionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid' }) sourceId!: string;
  @ApiProperty({ format: 'uuid' }) destinationId!: string;
  @ApiProperty({ type: [StreamConfigDto] }) streams!: StreamConfigDto[];
  @ApiProperty({ type: ScheduleDto }) schedule!: ConnectionEntity['schedule'];
  @ApiProperty({ type: SchemaChangePolicyDto }) schemaChangePolicy!: SchemaChangePolicyDto;
  @ApiProperty({ enum: ['active', 'paused'] }) status!: 'active' | 'paused';
  @ApiProperty({ enum: NAMESPACE_DEFINITIONS }) namespaceDefinition!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) namespaceFormat!: string | null;
  @ApiProperty() prefix!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(entity: ConnectionEntity): ConnectionDto {
    return Object.assign(new ConnectionDto(), {
      id: entity.id,
      name: entity.name,
      sourceId: entity.sourceId,
      destinationId: entity.destinationId,
      streams: entity.streams,
      schedule: entity.schedule,
      schemaChangePolicy: entity.schemaChangePolicy,
      status: entity.status,
      namespaceDefinition: entity.namespaceDefinition,
      namespaceFormat: entity.namespaceFormat,
      prefix: entity.prefix,
      createdAt: entity.createdAt,
      updatedAt: entity.updatedAt,
    });
  }
}
