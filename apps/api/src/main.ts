// The API process: validates its environment, migrates the metadata store, makes sure a token
// exists, then serves /api/v1 and the OpenAPI document at /api/docs.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConnectorRegistry, JsonLogger } from '@tributary/connector-sdk';
import { ApiTokenRepository, createDataSource, migrate, resolveSecretCipher } from '@tributary/persistence';
import { loadApiConfig } from './api.config';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { NestLoggerAdapter } from './common/nest-logger.adapter';
import { requestLogging } from './common/request-logging.middleware';
import { createValidationPipe } from './common/validation.pipe';

async function prepareDatabase(databaseUrl: string, apiToken: string | undefined, logger: JsonLogger): Promise<void> {
  const dataSource = createDataSource({ url: databaseUrl, applicationName: 'tributary-api-migrate', poolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await migrate(dataSource);
    if (applied.length) logger.info(`applied migrations: ${applied.join(', ')}`);
    const { generated } = await new ApiTokenRepository(dataSource).ensureBootstrapToken(apiToken);
    if (generated) {
      // Printed once, outside the structured log, and never stored in clear.
      process.stdout.write(`\nGenerated an API token (shown only now; store it safely):\nTRIBUTARY_API_TOKEN=${generated}\n\n`);
    }
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const config = loadApiConfig(process.env);
  const logger = new JsonLogger({ level: config.logLevel, bindings: { service: 'api' } }, config.apiToken ? [config.apiToken] : []);
  await prepareDatabase(config.databaseUrl, config.apiToken, logger);
  const registry = ConnectorRegistry.load({ connectorDirectories: config.connectorDirectories, plugins: config.plugins });
  const cipher = resolveSecretCipher({ secretKey: config.secretKey, dataDir: config.dataDir });

  const app = await NestFactory.create(AppModule.forRoot({ config, logger, registry, cipher }), { logger: new NestLoggerAdapter(logger) });
  app.setGlobalPrefix('api/v1');
  app.use(requestLogging(logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ApiExceptionFilter(logger));
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tributary API')
      .setDescription('Connector catalog, sources, destinations, connections and sync jobs.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  await app.listen(config.port, config.host);
  logger.info(`API listening on http://${config.host}:${config.port}/api/v1`, { docs: `http://${config.host}:${config.port}/api/docs` });
}

main().catch((error: unknown) => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', service: 'api', message: `API failed to start: ${(error as Error).message}` })}\n`);
  process.exit(1);
});
