// Wires the API: the metadata store (one set of data-source options shared with the worker and
// CLI), the connector registry, the secret cipher, Temporal, auth and the resource controllers.
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectorRegistry, JsonLogger } from '@tributary/connector-sdk';
import { ApiTokenRepository, dataSourceOptions, ENTITIES, JobRepository, SchemaDriftRepository, SecretCipher } from '@tributary/persistence';
import { API_CONFIG, type ApiConfig } from './api.config';
import { ActorsService } from './actors/actors.service';
import { DestinationsController, SourcesController } from './actors/actors.controllers';
import { BearerAuthGuard } from './auth/bearer-auth.guard';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectionsService } from './connections/connections.service';
import { ConnectionScheduler } from './connections/connection-scheduler';
import { QuarantineController } from './connections/quarantine.controller';
import { ConnectorDefinitionsController } from './connector-definitions/connector-definitions.controller';
import { ConnectorDefinitionsService } from './connector-definitions/connector-definitions.service';
import { HealthController } from './health/health.controller';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { TriggerJobUseCase } from './jobs/trigger-job.use-case';
import { SchemaChangesController } from './schema-changes/schema-changes.controller';
import { TemporalGateway } from './temporal/temporal.gateway';
import { WebhooksController } from './webhooks/webhooks.controller';

export interface AppDependencies {
  config: ApiConfig;
  logger: JsonLogger;
  registry: ConnectorRegistry;
  cipher: SecretCipher;
}

@Module({})
export class AppModule {
  static forRoot({ config, logger, registry, cipher }: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot(dataSourceOptions({ url: config.databaseUrl, applicationName: 'tributary-api', poolSize: 10 })),
        TypeOrmModule.forFeature(ENTITIES),
      ],
      controllers: [HealthController, ConnectorDefinitionsController, SourcesController, DestinationsController, ConnectionsController, JobsController, SchemaChangesController, WebhooksController, QuarantineController],
      providers: [
        { provide: API_CONFIG, useValue: config },
        { provide: JsonLogger, useValue: logger },
        { provide: ConnectorRegistry, useValue: registry },
        { provide: SecretCipher, useValue: cipher },
        { provide: TemporalGateway, useFactory: () => TemporalGateway.connect(config) },
        { provide: ApiTokenRepository, useFactory: (dataSource: DataSource) => new ApiTokenRepository(dataSource), inject: [DataSource] },
        { provide: JobRepository, useFactory: (dataSource: DataSource) => new JobRepository(dataSource), inject: [DataSource] },
        { provide: SchemaDriftRepository, useFactory: (dataSource: DataSource) => new SchemaDriftRepository(dataSource), inject: [DataSource] },
        { provide: APP_GUARD, useClass: BearerAuthGuard },
        ConnectorDefinitionsService,
        ActorsService,
        ConnectionsService,
        ConnectionScheduler,
        JobsService,
        TriggerJobUseCase,
      ],
    };
  }
}
