// The catalog of connector definitions: the registry's connectors, mirrored into the metadata store
// at start so actors can reference them and the catalog survives a connector being uninstalled.
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Not, In, type Repository } from 'typeorm';
import { ConnectorRegistry, DECLARATIVE_RUNNER_ID, JsonLogger } from '@tributary/connector-sdk';
import { type StreamTestResult, withDefaults } from '@tributary/connector-sdk/declarative';
import { ConnectorDefinitionEntity, SecretCipher } from '@tributary/persistence';
import { validateAgainstSchema, type ConnectorKind } from '@tributary/protocol';
import { API_CONFIG, type ApiConfig } from '../api.config';
import { ApiErrorCode, ApiException } from '../common/api.exception';
import { TemporalGateway } from '../temporal/temporal.gateway';
import type { CreateConnectorDefinitionDto, TestStreamDto, UpdateDeclarativeDefinitionDto } from './connector-definition.dto';
import { asJson, specOfManifest, validateManifest } from './declarative-definition';

@Injectable()
export class ConnectorDefinitionsService implements OnApplicationBootstrap {
  constructor(
    @InjectRepository(ConnectorDefinitionEntity) private readonly definitions: Repository<ConnectorDefinitionEntity>,
    private readonly registry: ConnectorRegistry,
    private readonly logger: JsonLogger,
    private readonly temporal: TemporalGateway,
    private readonly cipher: SecretCipher,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  /** Registers an executable (`command`) or a declarative manifest (`manifest`) as a custom definition. */
  create(input: CreateConnectorDefinitionDto): Promise<ConnectorDefinitionEntity> {
    return input.manifest !== undefined ? this.createDeclarative(input) : this.createExecutable(input);
  }

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
  async createExecutable(input: CreateConnectorDefinitionDto): Promise<ConnectorDefinitionEntity> {
    if (input.args !== undefined && input.manifest !== undefined) throw ApiException.invalid([{ field: 'args', message: 'is for executable connectors, not manifests' }]);
    const id = input.id ?? slugify(input.name!);
    if (!id) throw ApiException.invalid([{ field: 'id', message: 'cannot be derived from the name; give one' }]);
    const existing = await this.definitions.findOne({ where: { id } });
    if (existing) throw new ApiException(ApiErrorCode.CONFLICT, `connector definition ${id} already exists (${existing.origin})`);
    if (!this.config.allowExecutableDefinitions) {
      throw new ApiException(
        ApiErrorCode.FORBIDDEN,
        'registering executable connectors through the API is disabled: they run as programs on the workers. Set TRIBUTARY_ALLOW_EXECUTABLE_DEFINITIONS=true on the API to allow it, or register them as plugins (TRIBUTARY_PLUGINS).',
      );
    }
    const executable = { command: input.command!, args: input.args ?? [] };
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

  /**
   * Registers a declarative manifest as a source definition (origin custom), run on the workers by
   * source-declarative with the manifest bound; its spec is the manifest's spec section. Manifests
   * run no code (interpolation reads paths only), so no operator opt-in is needed.
   */
  async createDeclarative(input: CreateConnectorDefinitionDto): Promise<ConnectorDefinitionEntity> {
    if (input.command !== undefined || input.args !== undefined) {
      throw ApiException.invalid([{ field: input.command !== undefined ? 'command' : 'args', message: 'give either command (an executable connector) or manifest, not both' }]);
    }
    if (input.kind !== 'source') throw ApiException.invalid([{ field: 'kind', message: 'must be "source": a declarative manifest defines a source' }]);
    const { manifest, text } = validateManifest(input.manifest);
    const name = input.name ?? manifest.name;
    if (!name) throw ApiException.invalid([{ field: 'name', message: 'is required (or give the manifest a name)' }]);
    const id = input.id ?? slugify(name);
    if (!id) throw ApiException.invalid([{ field: 'id', message: 'cannot be derived from the name; give one' }]);
    this.assertRunnerInstalled();
    const existing = await this.definitions.findOne({ where: { id } });
    if (existing) throw new ApiException(ApiErrorCode.CONFLICT, `connector definition ${id} already exists (${existing.origin})`);
    const spec = specOfManifest(manifest);
    const inserted = (await this.definitions.query(
      `INSERT INTO connector_definitions (id, name, kind, version, description, documentation_url, spec, origin, manifest, manifest_text, available)
       VALUES ($1, $2, 'source', $3, $4, $5, $6, 'custom', $7, $8, true) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, name, input.version ?? '1', input.description ?? manifest.description ?? null, input.documentationUrl ?? spec.documentationUrl ?? null, JSON.stringify(spec), JSON.stringify(manifest), text],
    )) as unknown[];
    if (inserted.length === 0) throw new ApiException(ApiErrorCode.CONFLICT, `connector definition ${id} already exists`);
    this.logger.info(`registered declarative connector ${id}`, { streams: manifest.streams.map((s) => s.name) });
    return this.get(id);
  }

  /** Publishes a new version of a declarative definition; workers pick it up at the next run. */
  async updateDeclarative(id: string, input: UpdateDeclarativeDefinitionDto): Promise<ConnectorDefinitionEntity> {
    const definition = await this.get(id);
    if (!definition.manifest) throw new ApiException(ApiErrorCode.CONFLICT, `connector definition ${id} is not made of a declarative manifest (${definition.origin})`);
    const { manifest, text } = validateManifest(input.manifest);
    const spec = specOfManifest(manifest);
    await this.definitions.query(
      `UPDATE connector_definitions SET manifest = $2, manifest_text = $3, spec = $4, name = COALESCE($5, name), version = COALESCE($6, version),
         description = COALESCE($7, description), updated_at = now() WHERE id = $1`,
      [id, JSON.stringify(manifest), text, JSON.stringify(spec), input.name ?? null, input.version ?? null, input.description ?? null],
    );
    this.logger.info(`published a new version of declarative connector ${id}`);
    return this.get(id);
  }

  /**
   * The Builder's test read: validates the manifest (400 naming manifest.* fields), the config
   * against the manifest's spec (config.*) and the stream, then runs it on a worker. The config
   * travels sealed and is never stored; the result is read back and deleted.
   */
  async testStream(input: TestStreamDto): Promise<StreamTestResult> {
    const { manifest } = validateManifest(input.manifest);
    const spec = manifest.spec.connection_specification;
    const given = input.config ?? {};
    const configIssues = validateAgainstSchema(spec, withDefaults(spec, given));
    if (configIssues.length) throw ApiException.invalid(configIssues, 'config');
    if (!manifest.streams.some((s) => s.name === input.stream)) {
      throw ApiException.invalid([{ field: 'stream', message: `no stream of the manifest is named "${input.stream}" (streams: ${manifest.streams.map((s) => s.name).join(', ')})` }]);
    }
    this.assertRunnerInstalled();
    const { resultId } = await this.temporal.testDeclarativeStream({
      manifest: asJson(manifest),
      sealedConfig: this.cipher.seal(spec, given),
      stream: input.stream,
      maxPages: input.maxPages ?? 5,
      maxRecords: input.maxRecords ?? 100,
      ...(input.state ? { state: input.state } : {}),
    });
    const rows = (await this.definitions.query(`DELETE FROM connector_builder_test_reads WHERE id = $1 RETURNING result`, [resultId])) as [{ result: StreamTestResult }[], number] | { result: StreamTestResult }[];
    const deleted = Array.isArray(rows[0]) ? (rows[0] as { result: StreamTestResult }[]) : (rows as { result: StreamTestResult }[]);
    if (!deleted[0]) throw new ApiException(ApiErrorCode.CONNECTOR_FAILED, 'the worker finished the test read but its result is gone');
    return deleted[0].result;
  }

  private assertRunnerInstalled(): void {
    if (!this.registry.get(DECLARATIVE_RUNNER_ID)) {
      throw new ApiException(ApiErrorCode.CONFLICT, `the ${DECLARATIVE_RUNNER_ID} connector, which runs manifests, is not installed`);
    }
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
