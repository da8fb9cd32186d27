import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import type { ConnectorDefinitionEntity } from '@tributary/persistence';
import type { ConnectorSpecification } from '@tributary/protocol';

export class ListDefinitionsQueryDto {
  @ApiPropertyOptional({ enum: ['source', 'destination'] })
  @IsOptional()
  @IsIn(['source', 'destination'])
  kind?: 'source' | 'destination';
}

/** An out-of-process connector: any executable speaking the Airbyte protocol on stdio. */
export class CreateExecutableDefinitionDto {
  @ApiPropertyOptional({ example: 'airbyte-source-faker', description: 'Lower-case letters, digits and dashes; derived from the name when omitted.' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be lower-case letters, digits and dashes' })
  @MaxLength(100)
  id?: string;

  @ApiProperty({ example: 'Faker (Airbyte)' }) @IsString() @IsNotEmpty() @MaxLength(200) name!: string;

  @ApiProperty({ enum: ['source', 'destination'] }) @IsIn(['source', 'destination']) kind!: 'source' | 'destination';

  @ApiProperty({ example: 'source-faker', description: 'The program, on the PATH of the API and worker hosts, or an absolute path.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  command!: string;

  @ApiPropertyOptional({ type: [String], example: [], description: 'Arguments placed before the operation (spec, check, ...).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  args?: string[];

  @ApiPropertyOptional({ example: '7.2.1' }) @IsOptional() @IsString() @MaxLength(100) version?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) documentationUrl?: string;
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
  @ApiPropertyOptional({ nullable: true, description: 'For executable connectors defined through the API: the program run.' })
  executable!: { command: string; args?: string[] } | null;

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
      executable: entity.executable ?? null,
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
