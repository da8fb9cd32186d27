import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import type { ConnectorDefinitionEntity } from '@tributary/persistence';
import type { ConnectorSpecification } from '@tributary/protocol';

export class ListDefinitionsQueryDto {
  @ApiPropertyOptional({ enum: ['source', 'destination'] })
  @IsOptional()
  @IsIn(['source', 'destination'])
  kind?: 'source' | 'destination';
}

export class ConnectorDefinitionDto {
  @ApiProperty({ example: 'source-faker' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['source', 'destination'] }) kind!: 'source' | 'destination';
  @ApiProperty() version!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) description!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'SVG document or URL' }) icon!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) documentationUrl!: string | null;
  @ApiProperty({ enum: ['builtin', 'plugin', 'custom'] }) origin!: string;
  @ApiProperty({ description: 'False when the connector is no longer installed.' }) available!: boolean;

  static from(entity: ConnectorDefinitionEntity): ConnectorDefinitionDto {
    return Object.assign(new ConnectorDefinitionDto(), {
      id: entity.id,
      name: entity.name,
      kind: entity.kind,
      version: entity.version,
      description: entity.description,
      icon: entity.icon,
      documentationUrl: entity.documentationUrl,
      origin: entity.origin,
      available: entity.available,
    });
  }
}

export class ConnectorDefinitionDetailDto extends ConnectorDefinitionDto {
  @ApiProperty({ description: 'The config spec: a JSON Schema (draft 2020-12) under connectionSpecification.' }) spec!: ConnectorSpecification;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Markdown documentation.' }) docs!: string | null;

  static fromDetail(entity: ConnectorDefinitionEntity): ConnectorDefinitionDetailDto {
    return Object.assign(new ConnectorDefinitionDetailDto(), ConnectorDefinitionDto.from(entity), { spec: entity.spec, docs: entity.docs });
  }
}
