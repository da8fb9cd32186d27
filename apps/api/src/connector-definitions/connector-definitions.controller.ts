import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConnectorDefinitionDetailDto, ConnectorDefinitionDto, CreateExecutableDefinitionDto, ListDefinitionsQueryDto } from './connector-definition.dto';
import { ConnectorDefinitionsService } from './connector-definitions.service';

@ApiTags('connector-definitions')
@ApiBearerAuth()
@Controller('connector-definitions')
export class ConnectorDefinitionsController {
  constructor(private readonly service: ConnectorDefinitionsService) {}

  @Get()
  @ApiOkResponse({ type: ConnectorDefinitionDto, isArray: true })
  async list(@Query() query: ListDefinitionsQueryDto): Promise<{ items: ConnectorDefinitionDto[] }> {
    return { items: (await this.service.list(query.kind)).map((d) => ConnectorDefinitionDto.from(d)) };
  }

  /** Registers an executable connector: its spec is obtained by running `<command> [args] spec`. */
  @Post()
  @ApiCreatedResponse({ type: ConnectorDefinitionDetailDto })
  async create(@Body() body: CreateExecutableDefinitionDto): Promise<ConnectorDefinitionDetailDto> {
    return ConnectorDefinitionDetailDto.fromDetail(await this.service.createExecutable(body));
  }

  @Get(':id')
  @ApiOkResponse({ type: ConnectorDefinitionDetailDto })
  async get(@Param('id') id: string): Promise<ConnectorDefinitionDetailDto> {
    return ConnectorDefinitionDetailDto.fromDetail(await this.service.get(id));
  }
}
