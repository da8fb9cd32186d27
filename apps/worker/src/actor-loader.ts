// Loads a configured source or destination with everything needed to run it: its definition from
// the registry, its implementation, and its config with secrets opened (and registered for redaction).
// Executable connectors defined through the API (origin custom) live in the metadata store, not in
// a package: they are added to the registry the first time an actor needs one.
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
    const registered = this.registry.get(actor.definitionId) ?? (await this.registerCustomExecutable(actor.definitionId));
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

  private async registerCustomExecutable(definitionId: string): Promise<RegisteredConnector | undefined> {
    const definition = await this.dataSource.getRepository(ConnectorDefinitionEntity).findOne({ where: { id: definitionId } });
    if (!definition?.executable) return undefined;
    const { id, name, kind, version, spec } = definition;
    return this.registry.registerExecutable({ id, name, kind, version, spec }, definition.executable);
  }
}
