import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ConnectorDefinitionDetailDto, ConnectorDefinitionDto, ListDefinitionsQueryDto } from './connector-definition.dto';
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

  @Get(':id')
  @ApiOkResponse({ type: ConnectorDefinitionDetailDto })
  async get(@Param('id') id: string): Promise<ConnectorDefinitionDetailDto> {
    return ConnectorDefinitionDetailDto.fromDetail(await this.service.get(id));
  }
}
