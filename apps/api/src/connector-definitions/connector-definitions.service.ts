// The catalog of connector definitions: the registry's connectors, mirrored into the metadata store
// at start so actors can reference them and the catalog survives a connector being uninstalled.
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, In, type Repository } from 'typeorm';
import { ConnectorRegistry, JsonLogger } from '@tributary/connector-sdk';
import { ConnectorDefinitionEntity } from '@tributary/persistence';
import type { ConnectorKind } from '@tributary/protocol';
import { API_CONFIG, type ApiConfig } from '../api.config';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { TemporalGateway } from '../temporal/temporal.gateway';
import type { CreateExecutableDefinitionDto } from './connector-definition.dto';


@Injectable()
export class ConnectorDefinitionsService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(ConnectorDefinitionEntity) private readonly definitions: Repository<ConnectorDefinitionEntity>,
    private readonly registry: ConnectorRegistry,
    private readonly logger: JsonLogger,
    private readonly temporal: TemporalGateway,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
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

  /**
   * Registers an out-of-process connector (origin `custom`), when the operator allows it. Its spec
   * comes from running it on a worker (connector code never runs in the API) and is stored like any
   * other definition; workers run the same command (it must be installed where they run).
   */
  async createExecutable(input: CreateExecutableDefinitionDto): Promise<ConnectorDefinitionEntity> {
    const id = input.id ?? slugify(input.name);
    if (!id) throw ApiException.invalid([{ field: 'id', message: 'cannot be derived from the name; give one' }]);
    const existing = await this.definitions.findOne({ where: { id } });
    if (existing) throw new ApiException(ApiErrorCode.CONFLICT, `connector definition ${id} already exists (${existing.origin})`);
    if (!this.config.allowExecutableDefinitions) {
      throw new ApiException(
        ApiErrorCode.FORBIDDEN,
        'registering executable connectors through the API is disabled: they run as programs on the workers. Set TRIBUTARY_ALLOW_EXECUTABLE_DEFINITIONS=true on the API to allow it, or register them as plugins (TRIBUTARY_PLUGINS).',
      );
    }
    const executable = { command: input.command, args: input.args ?? [] };
    const spec = await this.temporal.executableSpec(executable);
    // ON CONFLICT DO NOTHING: a concurrent registration of the same id loses with a 409, not a 500.
    const inserted = (await this.definitions.query(
      `INSERT INTO connector_definitions (id, name, kind, version, description, documentation_url, spec, origin, executable, available)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'custom', $8, true) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, input.name, input.kind, input.version ?? '0.0.0', input.description ?? null, input.documentationUrl ?? spec.documentationUrl ?? null, JSON.stringify(spec), JSON.stringify(executable)],
    )) as unknown[];
    if (inserted.length === 0) throw new ApiException(ApiErrorCode.CONFLICT, `connector definition ${id} already exists`);
    this.logger.info(`registered executable connector ${id}`, { command: executable.command, kind: input.kind });
    return this.get(id);
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

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
}
