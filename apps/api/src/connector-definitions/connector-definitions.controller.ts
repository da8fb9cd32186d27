import { ApiListResponse } from '../common/pagination.dto';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DECLARATIVE_MANIFEST_SCHEMA } from '@tributary/connector-sdk/declarative';
import type { JsonObject } from '@tributary/protocol';
import {
  ConnectorDefinitionDetailDto,
  ConnectorDefinitionDto,
  CreateConnectorDefinitionDto,
  ListDefinitionsQueryDto,
  TestStreamDto,
  TestStreamResultDto,
  UpdateDeclarativeDefinitionDto,
} from './connector-definition.dto';
import { ConnectorDefinitionsService } from './connector-definitions.service';

@ApiTags('connector-definitions')
@ApiBearerAuth()
@Controller('connector-definitions')
export class ConnectorDefinitionsController {
  constructor(private readonly service: ConnectorDefinitionsService) {}

  @Get()
  @ApiListResponse(ConnectorDefinitionDto)
  async list(@Query() query: ListDefinitionsQueryDto): Promise<{ items: ConnectorDefinitionDto[] }> {
    return { items: (await this.service.list(query.kind)).map((d) => ConnectorDefinitionDto.from(d)) };
  }

  /**
   * Registers a connector: an executable (`command`; its spec is obtained by running
   * `<command> [args] spec` on a worker) or a declarative manifest (`manifest`; its spec section
   * becomes the definition's spec).
   */
  @Post()
  @ApiCreatedResponse({ type: ConnectorDefinitionDetailDto })
  async create(@Body() body: CreateConnectorDefinitionDto): Promise<ConnectorDefinitionDetailDto> {
    return ConnectorDefinitionDetailDto.fromDetail(await this.service.create(body));
  }

  /** The JSON Schema (draft 2020-12) of declarative manifests, for editors (completion, errors). */
  @Get('manifest-schema')
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  manifestSchema(): JsonObject {
    return DECLARATIVE_MANIFEST_SCHEMA;
  }

  /**
   * Runs one stream of a manifest (registered or not) for a few pages with the given config, on a
   * worker; returns the requests and responses (credentials masked), records, inferred schema and
   * resulting state. An API failure is reported in `error` (200); a manifest or config that cannot
   * run is a 400 naming the field.
   */
  @Post('test-stream')
  @HttpCode(200)
  @ApiOkResponse({ type: TestStreamResultDto })
  async testStream(@Body() body: TestStreamDto): Promise<TestStreamResultDto> {
    return (await this.service.testStream(body)) as TestStreamResultDto;
  }

  @Get(':id')
  @ApiOkResponse({ type: ConnectorDefinitionDetailDto })
  async get(@Param('id') id: string): Promise<ConnectorDefinitionDetailDto> {
    return ConnectorDefinitionDetailDto.fromDetail(await this.service.get(id));
  }

  /** Publishes a new version of a declarative definition (its manifest); syncs use it from their next run. */
  @Put(':id')
  @ApiOkResponse({ type: ConnectorDefinitionDetailDto })
  async update(@Param('id') id: string, @Body() body: UpdateDeclarativeDefinitionDto): Promise<ConnectorDefinitionDetailDto> {
    return ConnectorDefinitionDetailDto.fromDetail(await this.service.updateDeclarative(id, body));
  }
}
