import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto, type Page, ApiPageResponse } from '../common/pagination.dto';
import { ConnectionDto, CreateConnectionDto, UpdateConnectionDto } from './connection.dto';
import { ConnectionsService } from './connections.service';
import type { ConnectionEntity } from '@tributary/persistence';

class ListConnectionsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  sourceId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  destinationId?: string;
}

@ApiTags('connections')
@ApiBearerAuth()
@Controller('connections')
export class ConnectionsController {
  constructor(private readonly service: ConnectionsService) {}

  @Post()
  @ApiCreatedResponse({ type: ConnectionDto })
  async create(@Body() body: CreateConnectionDto): Promise<ConnectionDto> {
    return this.present(await this.service.create(body));
  }

  @Get()
  @ApiPageResponse(ConnectionDto)
  async list(@Query() query: ListConnectionsQueryDto): Promise<Page<ConnectionDto>> {
    const filter = { ...(query.sourceId ? { sourceId: query.sourceId } : {}), ...(query.destinationId ? { destinationId: query.destinationId } : {}) };
    const page = await this.service.list(filter, query.limit, query.offset);
    return { ...page, items: await Promise.all(page.items.map((c) => this.present(c))) };
  }

  @Get(':id')
  @ApiOkResponse({ type: ConnectionDto })
  async get(@Param('id') id: string): Promise<ConnectionDto> {
    return this.present(await this.service.get(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ConnectionDto })
  async update(@Param('id') id: string, @Body() body: UpdateConnectionDto): Promise<ConnectionDto> {
    return this.present(await this.service.update(id, body));
  }

  private async present(connection: ConnectionEntity): Promise<ConnectionDto> {
    return ConnectionDto.from(connection, await this.service.nextRunAt(connection));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  async delete(@Param('id') id: string): Promise<void> {
    await this.service.delete(id);
  }
}
