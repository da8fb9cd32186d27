import { ActorCatalogEntity } from './actor-catalog.entity';
import { ActorEntity } from './actor.entity';
import { ApiTokenEntity } from './api-token.entity';
import { AttemptEntity } from './attempt.entity';
import { ConnectionEntity } from './connection.entity';
import { ConnectorDefinitionEntity } from './connector-definition.entity';
import { JobLogEntity } from './job-log.entity';
import { JobEntity } from './job.entity';
import { QuarantinedRecordEntity } from './quarantined-record.entity';
import { SchemaChangeEntity } from './schema-change.entity';
import { StreamStateEntity } from './stream-state.entity';
import { StreamStatsEntity } from './stream-stats.entity';
import { SyncCheckpointEntity } from './sync-checkpoint.entity';
import { WebhookDeliveryEntity, WebhookEntity } from './webhook.entity';

export * from './actor-catalog.entity';
export * from './actor.entity';
export * from './api-token.entity';
export * from './attempt.entity';
export * from './connection.entity';
export * from './connector-definition.entity';
export * from './job-log.entity';
export * from './job.entity';
export * from './quarantined-record.entity';
export * from './schema-change.entity';
export * from './stream-state.entity';
export * from './stream-stats.entity';
export * from './sync-checkpoint.entity';
export * from './webhook.entity';

export const ENTITIES = [
  ActorCatalogEntity,
  ActorEntity,
  ApiTokenEntity,
  AttemptEntity,
  ConnectionEntity,
  ConnectorDefinitionEntity,
  JobEntity,
  JobLogEntity,
  QuarantinedRecordEntity,
  SchemaChangeEntity,
  StreamStateEntity,
  StreamStatsEntity,
  SyncCheckpointEntity,
  WebhookDeliveryEntity,
  WebhookEntity,
];
