import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCHEMA_CHANGE_ACTIONS, type SchemaChangeEntity } from '@tributary/persistence';
import { describeSchemaChange, type SchemaChange } from '@tributary/protocol';

export class SchemaChangeItemDto {
  @ApiProperty({ enum: ['stream_added', 'stream_removed', 'column_added', 'column_removed', 'type_widened', 'type_narrowed', 'primary_key_changed', 'cursor_removed'] })
  kind!: string;
  @ApiProperty() stream!: string;
  @ApiPropertyOptional() namespace?: string;
  @ApiPropertyOptional() column?: string;
  @ApiPropertyOptional({ description: 'JSON schema (or key) before the change.' }) from?: unknown;
  @ApiPropertyOptional({ description: 'JSON schema (or key) after the change.' }) to?: unknown;
  @ApiProperty() breaking!: boolean;
  @ApiProperty({ description: 'Whether the stream is selected in the connection.' }) selected!: boolean;
  @ApiProperty({ description: 'The change in words.' }) description!: string;

  static from(change: SchemaChange): SchemaChangeItemDto {
    return { ...change, description: describeSchemaChange(change) };
  }
}

export class SchemaChangeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) jobId!: string | null;
  @ApiProperty({ enum: SCHEMA_CHANGE_ACTIONS, description: 'What was done: the connection policy decides, a person approves or rejects pending changes.' })
  action!: string;
  @ApiProperty() breaking!: boolean;
  @ApiProperty({ type: [SchemaChangeItemDto] }) changes!: SchemaChangeItemDto[];
  @ApiProperty() detectedAt!: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) resolvedAt!: Date | null;

  static from(entity: SchemaChangeEntity): SchemaChangeDto {
    return {
      id: entity.id,
      connectionId: entity.connectionId,
      jobId: entity.jobId,
      action: entity.action,
      breaking: entity.breaking,
      changes: entity.changes.map((c) => SchemaChangeItemDto.from(c)),
      detectedAt: entity.detectedAt,
      resolvedAt: entity.resolvedAt,
    };
  }
}

export class DetectionResultDto {
  @ApiProperty({ enum: ['unchanged', ...SCHEMA_CHANGE_ACTIONS] }) action!: string;
  @ApiPropertyOptional({ type: SchemaChangeDto, nullable: true }) schemaChange!: SchemaChangeDto | null;
}
