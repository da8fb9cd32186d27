import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';

@ValidatorConstraint({ name: 'contractMap' })
class ContractMapConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return !!value && typeof value === 'object' && Object.values(value).every((v) => (DATA_CONTRACTS as readonly unknown[]).includes(v));
  }
  defaultMessage(): string {
    return `must map column names to one of ${DATA_CONTRACTS.join(', ')}`;
  }
}
import type { ConnectionEntity } from '@tributary/persistence';
import { DATA_CONTRACTS, SYNC_MODES, type DataContract, type SyncMode } from '@tributary/protocol';

export class StreamContractDto {
  @ApiProperty({ enum: DATA_CONTRACTS, description: 'For values that do not fit their column: evolve (let through), freeze (fail the sync), discard_row (quarantine the row), discard_value (null it, quarantine the row).' })
  @IsIn(DATA_CONTRACTS, { message: `must be one of ${DATA_CONTRACTS.join(', ')}` })
  default!: DataContract;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', enum: [...DATA_CONTRACTS] }, example: { amount: 'discard_row' } })
  @IsOptional()
  @IsObject()
  @Validate(ContractMapConstraint)
  columns?: Record<string, DataContract>;
}

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

  @ApiPropertyOptional({ type: [String], example: ['id', 'email', 'updated_at'], description: 'Top-level fields to sync (default all); must include cursor and primary key.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  selectedFields?: string[];

  @ApiPropertyOptional({ type: StreamContractDto, description: 'Data contract of the stream; default evolve for every column.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => StreamContractDto)
  contract?: StreamContractDto;
}

export const SCHEDULE_TYPES = ['manual', 'interval', 'cron'] as const;

export class ScheduleDto {
  @ApiProperty({ enum: SCHEDULE_TYPES, description: 'manual: only on request; interval: every N minutes; cron: a cron expression in a time zone.' })
  @IsIn(SCHEDULE_TYPES, { message: `must be one of ${SCHEDULE_TYPES.join(', ')}` })
  type!: (typeof SCHEDULE_TYPES)[number];

  @ApiPropertyOptional({ minimum: 1, maximum: 525600, example: 60, description: 'With type "interval".' })
  @ValidateIf((o: ScheduleDto) => o.type === 'interval' || o.everyMinutes !== undefined)
  @IsInt({ message: 'must be a whole number of minutes' })
  @Min(1)
  @Max(525600)
  everyMinutes?: number;

  @ApiPropertyOptional({ example: '0 6 * * 1-5', description: 'With type "cron": minute hour day-of-month month day-of-week.' })
  @ValidateIf((o: ScheduleDto) => o.type === 'cron' || o.cron !== undefined)
  @IsString()
  @Matches(/^(@(yearly|annually|monthly|weekly|daily|hourly)|(\S+\s+){4}\S+)$/, { message: 'must be a cron expression of five fields (minute hour day-of-month month day-of-week) or @hourly, @daily, ...' })
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Paris', default: 'UTC', description: 'IANA time zone of the cron expression.' })
  @ValidateIf((o: ScheduleDto) => o.timezone !== undefined)
  @IsString()
  @IsTimeZone()
  timezone?: string;
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
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Why the platform paused the connection.' }) statusReason!: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'Next scheduled sync (null when manual or paused).' }) nextRunAt!: Date | null;
  @ApiProperty({ enum: NAMESPACE_DEFINITIONS }) namespaceDefinition!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) namespaceFormat!: string | null;
  @ApiProperty() prefix!: string;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;

  static from(entity: ConnectionEntity, nextRunAt: Date | null = null): ConnectionDto {
    return Object.assign(new ConnectionDto(), {
      statusReason: entity.statusReason,
      nextRunAt,
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
