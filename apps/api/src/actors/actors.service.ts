// Sources and destinations are one kind of thing ("actors") differing only in kind: one service
// serves both controllers. Configs are validated against the connector's spec and stored with
// their secrets sealed.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type Repository } from 'typeorm';
import { ActorCatalogEntity, ActorEntity, ConnectionEntity, SecretCipher } from '@tributary/persistence';
import { validateAgainstSchema, type ConnectorKind, type JsonObject } from '@tributary/protocol';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { findOrFail } from '../common/find-or-fail';
import type { Page } from '../common/pagination.dto';
import { ConnectorDefinitionsService } from '../connector-definitions/connector-definitions.service';
import { TemporalGateway } from '../temporal/temporal.gateway';
import type { CheckResultDto, CreateActorDto, DiscoverResultDto, UpdateActorDto } from './actor.dto';

@Injectable()
export class ActorsService {
  constructor(
    @InjectRepository(ActorEntity) private readonly actors: Repository<ActorEntity>,
    @InjectRepository(ConnectionEntity) private readonly connections: Repository<ConnectionEntity>,
    @InjectRepository(ActorCatalogEntity) private readonly catalogs: Repository<ActorCatalogEntity>,
    private readonly definitions: ConnectorDefinitionsService,
    private readonly cipher: SecretCipher,
    private readonly temporal: TemporalGateway,
  ) {}

  async create(kind: ConnectorKind, input: CreateActorDto): Promise<ActorEntity> {
    const definition = await this.definitions.get(input.definitionId, kind);
    if (!definition.available) throw new ApiException(ApiErrorCode.VALIDATION_FAILED, `definitionId: connector "${definition.id}" is not installed`);
    this.validateConfig(definition.spec.connectionSpecification, input.config);
    const sealed = this.cipher.seal(definition.spec.connectionSpecification, input.config);
    return this.actors.save(this.actors.create({ kind, name: input.name, definitionId: definition.id, config: sealed }));
  }

  async list(kind: ConnectorKind, limit: number, offset: number): Promise<Page<ActorEntity>> {
    const [items, total] = await this.actors.findAndCount({ where: { kind }, order: { createdAt: 'DESC' }, take: limit, skip: offset });
    return { items, total, limit, offset };
  }

  get(kind: ConnectorKind, id: string): Promise<ActorEntity> {
    return findOrFail(this.actors, kind, id, { kind });
  }

  async update(kind: ConnectorKind, id: string, input: UpdateActorDto): Promise<ActorEntity> {
    const actor = await this.get(kind, id);
    if (input.config) {
      const definition = await this.definitions.get(actor.definitionId, kind);
      const spec = definition.spec.connectionSpecification;
      const merged = this.cipher.merge(spec, actor.config, input.config);
      this.validateConfig(spec, this.cipher.open(merged));
      actor.config = merged;
    }
    if (input.name !== undefined) actor.name = input.name;
    return this.actors.save(actor);
  }

  async delete(kind: ConnectorKind, id: string): Promise<void> {
    const actor = await this.get(kind, id);
    const using = await this.connections.find({ where: kind === 'source' ? { sourceId: actor.id } : { destinationId: actor.id }, select: { id: true, name: true } });
    if (using.length) {
      throw new ApiException(ApiErrorCode.CONFLICT, `this ${kind} is used by ${using.length} connection(s): ${using.map((c) => `"${c.name}" (${c.id})`).join(', ')}; delete them first`, {
        connections: using.map((c) => ({ id: c.id, name: c.name })),
      });
    }
    await this.actors.delete({ id: actor.id });
  }

  async check(kind: ConnectorKind, id: string): Promise<CheckResultDto> {
    const actor = await this.get(kind, id);
    return this.temporal.check({ actorKind: kind, actorId: actor.id });
  }

  async discover(id: string): Promise<DiscoverResultDto> {
    const source = await this.get('source', id);
    const stored = await this.discoverCatalog(source.id);
    return { catalogId: stored.id, catalog: stored.catalog };
  }

  /** Discovers the source now (on the worker) and returns the stored catalog. */
  async discoverCatalog(sourceId: string): Promise<ActorCatalogEntity> {
    const { catalogId } = await this.temporal.discover({ sourceId });
    return this.catalogs.findOneByOrFail({ id: catalogId });
  }

  /** The newest stored catalog of a source, discovering one when there is none yet. */
  async currentCatalog(sourceId: string): Promise<ActorCatalogEntity> {
    const stored = await this.catalogs.findOne({ where: { actorId: sourceId }, order: { createdAt: 'DESC' } });
    return stored ?? this.discoverCatalog(sourceId);
  }

  async byIds(ids: string[]): Promise<Map<string, ActorEntity>> {
    const found = ids.length ? await this.actors.find({ where: { id: In(ids) } }) : [];
    return new Map(found.map((a) => [a.id, a]));
  }

  private validateConfig(spec: JsonObject, config: JsonObject): void {
    const issues = validateAgainstSchema(spec, config);
    if (issues.length) throw ApiException.invalid(issues, 'config');
  }
}
