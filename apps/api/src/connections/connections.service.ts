// Connections: a source, a destination and the streams between them. Stream choices are checked
// against the source's discovered catalog and the destination's supported modes before saving.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ConnectionEntity, JobRepository, type ConnectionStreamConfig } from '@tributary/persistence';
import { configureCatalog, defaultSelection, type AirbyteStream, type DestinationSyncMode, type StreamSelection } from '@tributary/protocol';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { findOrFail } from '../common/find-or-fail';
import type { Page } from '../common/pagination.dto';
import { ActorsService } from '../actors/actors.service';
import { ConnectorDefinitionsService } from '../connector-definitions/connector-definitions.service';
import type { CreateConnectionDto, ScheduleDto, StreamConfigDto, UpdateConnectionDto } from './connection.dto';
import { ConnectionScheduler } from './connection-scheduler';

const DEFAULT_POLICY = { nonBreaking: 'ignore', breaking: 'fail' } as const;

@Injectable()
export class ConnectionsService {
  constructor(
    @InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>,
    private readonly actors: ActorsService,
    private readonly definitions: ConnectorDefinitionsService,
    private readonly jobs: JobRepository,
    private readonly scheduler: ConnectionScheduler,
  ) {}

  async create(input: CreateConnectionDto): Promise<ConnectionEntity> {
    const source = await this.actors.get('source', input.sourceId).catch(() => {
      throw ApiException.invalid([{ field: 'sourceId', message: `no source with id ${input.sourceId}` }]);
    });
    const destination = await this.actors.get('destination', input.destinationId).catch(() => {
      throw ApiException.invalid([{ field: 'destinationId', message: `no destination with id ${input.destinationId}` }]);
    });
    this.checkNamespace(input.namespaceDefinition ?? 'source', input.namespaceFormat);
    const { streams, catalogId } = await this.resolveStreams(source.id, destination.definitionId, input.streams);
    const connection = await this.connections.save(
      this.connections.create({
        name: input.name ?? `${source.name} → ${destination.name}`,
        sourceId: source.id,
        destinationId: destination.id,
        streams,
        schedule: toSchedule(input.schedule),
        schemaChangePolicy: input.schemaChangePolicy ?? DEFAULT_POLICY,
        status: input.status ?? 'active',
        namespaceDefinition: input.namespaceDefinition ?? 'source',
        namespaceFormat: input.namespaceFormat ?? null,
        prefix: input.prefix ?? '',
        catalogId,
      }),
    );
    try {
      await this.scheduler.apply(connection);
    } catch (error) {
      await this.connections.delete({ id: connection.id });
      throw error;
    }
    return connection;
  }

  async list(filter: { sourceId?: string; destinationId?: string }, limit: number, offset: number): Promise<Page<ConnectionEntity>> {
    const [items, total] = await this.connections.findAndCount({ where: filter, order: { createdAt: 'DESC' }, take: limit, skip: offset });
    return { items, total, limit, offset };
  }

  get(id: string): Promise<ConnectionEntity> {
    return findOrFail(this.connections, 'connection', id);
  }

  async update(id: string, input: UpdateConnectionDto): Promise<ConnectionEntity> {
    const connection = await this.get(id);
    if (input.streams) {
      const destination = await this.actors.get('destination', connection.destinationId);
      const resolved = await this.resolveStreams(connection.sourceId, destination.definitionId, input.streams);
      connection.streams = resolved.streams;
      connection.catalogId = resolved.catalogId;
    }
    const namespaceDefinition = input.namespaceDefinition ?? connection.namespaceDefinition;
    const namespaceFormat = input.namespaceFormat ?? (namespaceDefinition === 'custom' ? connection.namespaceFormat : null) ?? undefined;
    this.checkNamespace(namespaceDefinition, namespaceFormat);
    Object.assign(connection, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.schedule ? { schedule: toSchedule(input.schedule) } : {}),
      ...(input.schemaChangePolicy ? { schemaChangePolicy: input.schemaChangePolicy } : {}),
      ...(input.status ? { status: input.status, statusReason: null } : {}),
      ...(input.prefix !== undefined ? { prefix: input.prefix } : {}),
      namespaceDefinition,
      namespaceFormat: namespaceFormat ?? null,
    });
    // Temporal first: a schedule it refuses leaves the stored connection unchanged.
    await this.scheduler.apply(connection);
    return this.connections.save(connection);
  }

  nextRunAt(connection: ConnectionEntity): Promise<Date | null> {
    return this.scheduler.nextRunAt(connection);
  }

  async delete(id: string): Promise<void> {
    const connection = await this.get(id);
    const active = await this.jobs.findActive(connection.id);
    if (active) {
      throw new ApiException(ApiErrorCode.CONFLICT, `job ${active.id} of this connection is ${active.status}; cancel it before deleting the connection`, { activeJobId: active.id });
    }
    await this.scheduler.remove(connection.id);
    await this.connections.delete({ id: connection.id });
  }

  private checkNamespace(definition: string, format: string | undefined): void {
    if (definition === 'custom' && !format) {
      throw ApiException.invalid([{ field: 'namespaceFormat', message: 'is required when namespaceDefinition is "custom"' }]);
    }
  }

  /** The destination's supported modes, and the default selection of a stream for it. */
  async streamDefaults(destinationId: string): Promise<(stream: AirbyteStream) => StreamSelection> {
    const destination = await this.actors.get('destination', destinationId);
    const definition = await this.definitions.get(destination.definitionId, 'destination');
    const modes: DestinationSyncMode[] = definition.spec.supported_destination_sync_modes ?? ['overwrite', 'append'];
    return (stream) => defaultSelection(stream, modes);
  }

  private async resolveStreams(
    sourceId: string,
    destinationDefinitionId: string,
    requested: StreamConfigDto[] | undefined,
  ): Promise<{ streams: ConnectionStreamConfig[]; catalogId: string }> {
    const { catalog, id: catalogId } = await this.actors.currentCatalog(sourceId);
    const definition = await this.definitions.get(destinationDefinitionId, 'destination');
    const modes: DestinationSyncMode[] = definition.spec.supported_destination_sync_modes ?? ['overwrite', 'append'];
    const selections: StreamSelection[] = requested
      ? requested.map((s) => ({
          name: s.name,
          ...(s.namespace ? { namespace: s.namespace } : {}),
          selected: s.selected ?? true,
          syncMode: s.syncMode,
          ...(s.cursorField ? { cursorField: s.cursorField } : {}),
          ...(s.primaryKey ? { primaryKey: s.primaryKey } : {}),
          ...(s.selectedFields ? { selectedFields: s.selectedFields } : {}),
          ...(s.contract ? { contract: { default: s.contract.default, ...(s.contract.columns ? { columns: s.contract.columns } : {}) } } : {}),
        }))
      : catalog.streams.map((stream) => defaultSelection(stream, modes));
    const { issues } = configureCatalog(catalog, selections, modes);
    if (issues.length) throw ApiException.invalid(issues);
    if (!selections.some((s) => s.selected)) {
      throw new ApiException(ApiErrorCode.VALIDATION_FAILED, 'streams: select at least one stream', { issues: [{ field: 'streams', message: 'select at least one stream' }] });
    }
    return { streams: selections, catalogId };
  }
}

function toSchedule(input: ScheduleDto | undefined): ConnectionEntity['schedule'] {
  switch (input?.type ?? 'manual') {
    case 'interval':
      return { type: 'interval', everyMinutes: input!.everyMinutes! };
    case 'cron':
      return { type: 'cron', cron: input!.cron!.trim(), timezone: input!.timezone ?? 'UTC' };
    default:
      return { type: 'manual' };
  }
}
