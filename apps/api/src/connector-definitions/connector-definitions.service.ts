// The catalog of connector definitions: the registry's connectors, mirrored into the metadata store
// at start so actors can reference them and the catalog survives a connector being uninstalled.
import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, In, type Repository } from 'typeorm';
import { ConnectorRegistry, JsonLogger } from '@tributary/connector-sdk';
import { ConnectorDefinitionEntity } from '@tributary/persistence';
import type { ConnectorKind } from '@tributary/protocol';
import { ApiException } from '../common/api.exception';


@Injectable()
export class ConnectorDefinitionsService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(ConnectorDefinitionEntity) private readonly definitions: Repository<ConnectorDefinitionEntity>,
    private readonly registry: ConnectorRegistry,
    private readonly logger: JsonLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const problem of this.registry.problems) this.logger.warn(`connector not registered: ${problem.location}: ${problem.message}`);
    const found = this.registry.list();
    for (const { manifest, docs, origin } of found) {
      await this.definitions.query(
        `INSERT INTO connector_definitions (id, name, kind, version, description, icon, documentation_url, docs, spec, origin, available)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)
         ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, version = EXCLUDED.version, description = EXCLUDED.description,
           icon = EXCLUDED.icon, documentation_url = EXCLUDED.documentation_url, docs = EXCLUDED.docs, spec = EXCLUDED.spec,
           origin = EXCLUDED.origin, available = true, updated_at = now()`,
        [manifest.id, manifest.name, manifest.kind, manifest.version, manifest.description ?? null, manifest.icon ?? null, manifest.documentationUrl ?? null, docs ?? null, JSON.stringify(manifest.spec), origin],
      );
    }
    const ids = found.map((c) => c.manifest.id);
    await this.definitions.update(ids.length ? { id: Not(In(ids)), origin: Not('custom') } : { origin: Not('custom') }, { available: false });
    this.logger.info(`connector catalog: ${ids.join(', ') || 'empty'}`);
  }

  list(kind?: ConnectorKind): Promise<ConnectorDefinitionEntity[]> {
    return this.definitions.find({ where: { available: true, ...(kind ? { kind } : {}) }, order: { name: 'ASC' } });
  }

  async get(id: string, kind?: ConnectorKind): Promise<ConnectorDefinitionEntity> {
    const found = await this.definitions.findOne({ where: { id, ...(kind ? { kind } : {}) } });
    if (!found) throw ApiException.notFound(kind ? `${kind} connector definition` : 'connector definition', id);
    return found;
  }
}
