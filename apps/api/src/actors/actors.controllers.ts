// HTTP for /sources and /destinations: the same operations over one service, bound to a kind.
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { ConnectorKind } from '@tributary/protocol';
import { PaginationQueryDto, type Page, ApiPageResponse } from '../common/pagination.dto';
import { ActorDto, CheckResultDto, CreateActorDto, DiscoverResultDto, UpdateActorDto } from './actor.dto';
import { ActorsService } from './actors.service';

abstract class ActorsController {
  protected abstract readonly kind: ConnectorKind;
  constructor(protected readonly service: ActorsService) {}

  @Post()
  @ApiCreatedResponse({ type: ActorDto })
  async create(@Body() body: CreateActorDto): Promise<ActorDto> {
    return ActorDto.from(await this.service.create(this.kind, body));
  }

  @Get()
  @ApiPageResponse(ActorDto)
  async list(@Query() query: PaginationQueryDto): Promise<Page<ActorDto>> {
    const page = await this.service.list(this.kind, query.limit, query.offset);
    return { ...page, items: page.items.map((a) => ActorDto.from(a)) };
  }

  @Get(':id')
  @ApiOkResponse({ type: ActorDto })
  async get(@Param('id') id: string): Promise<ActorDto> {
    return ActorDto.from(await this.service.get(this.kind, id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ActorDto })
  async update(@Param('id') id: string, @Body() body: UpdateActorDto): Promise<ActorDto> {
    return ActorDto.from(await this.service.update(this.kind, id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('id') id: string): Promise<void> {
    await this.service.delete(this.kind, id);
  }

  @Post(':id/check')
  @HttpCode(200)
  @ApiOkResponse({ type: CheckResultDto })
  check(@Param('id') id: string): Promise<CheckResultDto> {
    return this.service.check(this.kind, id);
  }
}

@ApiTags('sources')
@ApiBearerAuth()
@Controller('sources')
export class SourcesController extends ActorsController {
  protected readonly kind = 'source' as const;

  constructor(service: ActorsService) {
    super(service);
  }

  @Post(':id/discover')
  @HttpCode(200)
  @ApiOkResponse({ type: DiscoverResultDto })
  discover(@Param('id') id: string): Promise<DiscoverResultDto> {
    return this.service.discover(id);
  }
}

@ApiTags('destinations')
@ApiBearerAuth()
@Controller('destinations')
export class DestinationsController extends ActorsController {
  protected readonly kind = 'destination' as const;

  constructor(service: ActorsService) {
    super(service);
  }
}
