// Loads a configured source or destination with everything needed to run it: its definition from
// the registry, its implementation, and its config with secrets opened (and registered for redaction).
// Connectors defined through the API (origin custom: executables, declarative manifests) live in
// the metadata store, not in a package: they are added to the registry the first time an actor
// needs one, and again whenever the definition changed since (a manifest published anew).
import type { DataSource } from 'typeorm';
import { ConfigError, type ConnectorImplementation, type ConnectorRegistry, type Destination, type RegisteredConnector, type Source } from '@tributary/connector-sdk';
import { ActorEntity, ConnectorDefinitionEntity, type SecretCipher } from '@tributary/persistence';
import { collectSecretValues, type ConnectorKind, type ConnectorManifest, type JsonObject } from '@tributary/protocol';

export interface LoadedActor<K extends ConnectorKind> {
  actor: ActorEntity;
  manifest: ConnectorManifest;
  connector: K extends 'source' ? Source<JsonObject> : Destination<JsonObject>;
  config: JsonObject;
  /** Secret values of the config, to redact from logs and messages. */
  secrets: string[];
}

export class ActorLoader {
  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ConnectorRegistry,
    private readonly cipher: SecretCipher,
  ) {}

  async load<K extends ConnectorKind>(kind: K, actorId: string): Promise<LoadedActor<K>> {
    const actor = await this.dataSource.getRepository(ActorEntity).findOne({ where: { id: actorId, kind } });
    if (!actor) throw new ConfigError(`${kind} ${actorId} no longer exists`);
    const known = this.registry.get(actor.definitionId);
    const registered = known && known.origin !== 'custom' ? known : ((await this.registerCustom(actor.definitionId)) ?? known);
    if (!registered) {
      throw new ConfigError(`connector "${actor.definitionId}" of ${kind} "${actor.name}" is not installed on this worker`);
    }
    const implementation: ConnectorImplementation = await this.registry.implementation(actor.definitionId);
    const config = this.cipher.open(actor.config);
    return {
      actor,
      manifest: registered.manifest,
      connector: implementation.create() as LoadedActor<K>['connector'],
      config,
      secrets: collectSecretValues(registered.manifest.spec.connectionSpecification, config),
    };
  }

  /** Version (update time) of each custom definition as registered, to notice a newer one. */
  private readonly customVersions = new Map<string, number>();

  private async registerCustom(definitionId: string): Promise<RegisteredConnector | undefined> {
    const definition = await this.dataSource.getRepository(ConnectorDefinitionEntity).findOne({ where: { id: definitionId } });
    if (!definition || (!definition.executable && !definition.manifest)) return undefined;
    const version = definition.updatedAt.getTime();
    const current = this.registry.get(definitionId);
    if (current && this.customVersions.get(definitionId) === version) return current;
    const { id, name, kind, spec } = definition;
    const manifest = { id, name, kind, version: definition.version, spec };
    const registered = definition.manifest ? this.registry.registerDeclarative(manifest, definition.manifest) : this.registry.registerExecutable(manifest, definition.executable!);
    this.customVersions.set(definitionId, version);
    return registered;
  }
}
