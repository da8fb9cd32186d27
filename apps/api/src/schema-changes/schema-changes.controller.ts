// Schema drift over HTTP: the change log of a connection, detection on demand, and the approval
// of changes the connection's policy holds for a person.
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { SchemaChangeNotPendingError, SchemaDriftRepository } from '@tributary/persistence';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { isUuid } from '../common/find-or-fail';
import { PaginationQueryDto, type Page, ApiPageResponse } from '../common/pagination.dto';
import { ActorsService } from '../actors/actors.service';
import { ConnectionScheduler } from '../connections/connection-scheduler';
import { ConnectionsService } from '../connections/connections.service';
import { DetectionResultDto, SchemaChangeDto } from './schema-change.dto';

@ApiTags('schema-changes')
@ApiBearerAuth()
@Controller()
export class SchemaChangesController {
  constructor(
    private readonly drift: SchemaDriftRepository,
    private readonly connections: ConnectionsService,
    private readonly actors: ActorsService,
    private readonly scheduler: ConnectionScheduler,
  ) {}

  @Get('connections/:id/schema-changes')
  @ApiPageResponse(SchemaChangeDto)
  async list(@Param('id') id: string, @Query() query: PaginationQueryDto): Promise<Page<SchemaChangeDto>> {
    const connection = await this.connections.get(id);
    const [items, total] = await this.drift.list(connection.id, query.limit, query.offset);
    return { items: items.map((c) => SchemaChangeDto.from(c)), total, limit: query.limit, offset: query.offset };
  }

  /** Discovers the source now and applies the connection's policy to what changed. */
  @Post('connections/:id/schema-changes/detect')
  @HttpCode(200)
  @ApiOkResponse({ type: DetectionResultDto })
  async detect(@Param('id') id: string): Promise<DetectionResultDto> {
    const connection = await this.connections.get(id);
    const current = await this.actors.discoverCatalog(connection.sourceId);
    const evaluation = await this.drift.evaluate({ connection, current, defaults: await this.connections.streamDefaults(connection.destinationId) });
    if (evaluation.action === 'paused') await this.scheduler.apply(await this.connections.get(id));
    return { action: evaluation.action, schemaChange: evaluation.change ? SchemaChangeDto.from(evaluation.change) : null };
  }

  @Post('schema-changes/:id/approve')
  @HttpCode(200)
  @ApiOkResponse({ type: SchemaChangeDto })
  async approve(@Param('id') id: string): Promise<SchemaChangeDto> {
    const change = await this.find(id);
    const defaults = await this.connections.streamDefaults((await this.connections.get(change.connectionId)).destinationId);
    return SchemaChangeDto.from(await this.resolving(() => this.drift.approve(id, defaults)));
  }

  @Post('schema-changes/:id/reject')
  @HttpCode(200)
  @ApiOkResponse({ type: SchemaChangeDto })
  async reject(@Param('id') id: string): Promise<SchemaChangeDto> {
    await this.find(id);
    return SchemaChangeDto.from(await this.resolving(() => this.drift.reject(id)));
  }

  private async find(id: string) {
    const change = isUuid(id) ? await this.drift.get(id) : null;
    if (!change) throw ApiException.notFound('schema change', id);
    return change;
  }

  private async resolving<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof SchemaChangeNotPendingError) throw new ApiException(ApiErrorCode.CONFLICT, error.message);
      throw error;
    }
  }
}
