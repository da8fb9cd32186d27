import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { ConnectorDefinitionEntity } from '@tributary/persistence';
import type { ConnectorSpecification, JsonObject } from '@tributary/protocol';

export class ListDefinitionsQueryDto {
  @ApiPropertyOptional({ enum: ['source', 'destination'] })
  @IsOptional()
  @IsIn(['source', 'destination'])
  kind?: 'source' | 'destination';
}

/**
 * A connector defined through the API: either an out-of-process executable (`command`, any program
 * speaking the Airbyte protocol on stdio) or a declarative manifest (`manifest`, a REST API source
 * run by source-declarative). Exactly one of the two.
 */
export class CreateConnectorDefinitionDto {
  @ApiPropertyOptional({ example: 'acme-crm', description: 'Lower-case letters, digits and dashes; derived from the name when omitted.' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be lower-case letters, digits and dashes' })
  @MaxLength(100)
  id?: string;

  @ApiPropertyOptional({ example: 'Acme CRM', description: 'Required for executables; for a manifest, defaults to its `name`.' })
  @ValidateIf((o: CreateConnectorDefinitionDto) => o.manifest === undefined || o.name !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiProperty({ enum: ['source', 'destination'], description: 'A manifest defines a source.' }) @IsIn(['source', 'destination']) kind!: 'source' | 'destination';

  @ApiPropertyOptional({ example: 'source-faker', description: 'Executable connectors: the program, on the PATH of the API and worker hosts, or an absolute path.' })
  @ValidateIf((o: CreateConnectorDefinitionDto) => o.manifest === undefined)
  @IsDefined({ message: 'is required: give either command (an executable connector) or manifest (a declarative YAML manifest)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  command?: string;

  @ApiPropertyOptional({ type: [String], example: [], description: 'Executable connectors: arguments placed before the operation (spec, check, ...).' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  args?: string[];

  @ApiPropertyOptional({
    oneOf: [{ type: 'string' }, { type: 'object' }],
    description: 'Declarative sources: the manifest as YAML text (kept as written) or as an object; validated against GET /connector-definitions/manifest-schema.',
  })
  @ValidateIf((o: CreateConnectorDefinitionDto) => o.command === undefined || o.manifest !== undefined)
  @IsDefined({ message: 'is required: give either command (an executable connector) or manifest (a declarative YAML manifest)' })
  manifest?: string | JsonObject;

  @ApiPropertyOptional({ example: '7.2.1' }) @IsOptional() @IsString() @MaxLength(100) version?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) documentationUrl?: string;
}

/** A new version of a declarative definition (the Builder's "Publish" of an existing connector). */
export class UpdateDeclarativeDefinitionDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object' }], description: 'The manifest as YAML text or an object.' })
  @IsDefined()
  manifest!: string | JsonObject;

  @ApiPropertyOptional() @IsOptional() @IsString() @IsNotEmpty() @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) version?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) description?: string;
}

/** The Builder's "Test stream": one stream of a manifest, a few pages, with the given config. */
export class TestStreamDto {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object' }], description: 'The manifest as YAML text or an object (need not be registered).' })
  @IsDefined()
  manifest!: string | JsonObject;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Values for the manifest's spec; validated against it. Never stored." })
  @IsOptional()
  @IsObject()
  config?: JsonObject;

  @ApiProperty({ example: 'users' }) @IsString() @IsNotEmpty() stream!: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 5, description: 'Pages read in all (across partitions of a child stream).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  maxPages?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100, description: 'Records returned (all records read count and shape the schema).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxRecords?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'A stream state to start from, as returned in `state` by a previous test.' })
  @IsOptional()
  @IsObject()
  state?: JsonObject;
}

export class TestedRequestDto {
  @ApiProperty() method!: string;
  @ApiProperty({ description: 'Credentials in the query are masked.' }) url!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'Authorization and API key headers masked.' }) headers!: Record<string, string>;
  @ApiPropertyOptional() body?: string;
}

export class TestedResponseDto {
  @ApiProperty() status!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) headers!: Record<string, string>;
  @ApiProperty({ description: 'Parsed JSON, or the text (cut at 64 KiB when truncated).' }) body!: unknown;
  @ApiProperty() truncated!: boolean;
}

export class TestedPageDto {
  @ApiProperty({ description: "The parent key of the page's partition ('' for a stream without parent)." }) partition!: string;
  @ApiProperty({ type: TestedRequestDto, nullable: true }) request!: TestedRequestDto | null;
  @ApiProperty({ type: TestedResponseDto }) response!: TestedResponseDto;
  @ApiProperty() recordCount!: number;
}

export class TestStreamResultDto {
  @ApiProperty() stream!: string;
  @ApiProperty({ type: [TestedPageDto] }) pages!: TestedPageDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) records!: Record<string, unknown>[];
  @ApiProperty({ description: 'Records read in all (records holds at most maxRecords).' }) recordCount!: number;
  @ApiProperty({ description: 'True when the read stopped at maxPages with more to read.' }) more!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'JSON Schema inferred from the records read.' }) inferredSchema!: JsonObject;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The stream state a sync would save (null when not incremental).' }) state!: JsonObject | null;
  @ApiProperty({ type: 'array', items: { type: 'object', properties: { level: { type: 'string', enum: ['info', 'warn', 'error'] }, message: { type: 'string' } } } })
  logs!: { level: 'info' | 'warn' | 'error'; message: string }[];
  @ApiProperty({
    nullable: true,
    type: 'object',
    properties: { failureType: { type: 'string', enum: ['config_error', 'transient_error', 'system_error'] }, message: { type: 'string' } },
    description: 'Why the read stopped early (the API refused, pagination looped, ...); the pages show the response.',
  })
  error!: { failureType: string; message: string } | null;
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
  @ApiProperty({ description: 'True for a source made of a declarative manifest (run by source-declarative).' }) declarative!: boolean;

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
      declarative: entity.manifest !== null && entity.manifest !== undefined,
    });
  }
}

export class ConnectorDefinitionDetailDto extends ConnectorDefinitionDto {
  @ApiProperty({ description: 'The config spec: a JSON Schema (draft 2020-12) under connectionSpecification.' }) spec!: ConnectorSpecification;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Markdown documentation.' }) docs!: string | null;
  @ApiPropertyOptional({ nullable: true, type: 'object', additionalProperties: true, description: 'Declarative sources: the manifest (parsed).' }) manifest!: JsonObject | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Declarative sources: the manifest YAML as written, when it was given as text.' }) manifestYaml!: string | null;

  static fromDetail(entity: ConnectorDefinitionEntity): ConnectorDefinitionDetailDto {
    return Object.assign(new ConnectorDefinitionDetailDto(), ConnectorDefinitionDto.from(entity), { spec: entity.spec, docs: entity.docs, manifest: entity.manifest ?? null, manifestYaml: entity.manifestText ?? null });
  }
}
