// The OpenAPI document of the API, built from the controllers and DTOs. `main.ts` serves one built
// the same way at /api/docs-json; this module builds it without a database, Temporal or a registry
// (Nest's preview mode resolves the module graph but instantiates no provider), so the console's
// typed client can be generated from it at build time and checked in a unit test.
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { JsonLogger, type ConnectorRegistry } from '@tributary/connector-sdk';
import type { SecretCipher } from '@tributary/persistence';
import type { ApiConfig } from '../api.config';
import { AppModule } from '../app.module';

/** The document settings `main.ts` uses too (keep them in one place: see openapi-document.spec). */
export function openApiDocumentConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Tributary API')
    .setDescription('Connector catalog, sources, destinations, connections and sync jobs.')
    .setVersion('1')
    .addBearerAuth()
    .build();
}

/** Builds the document of a running (or previewed) application. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(app, openApiDocumentConfig());
}

/** Builds the document with no database, Temporal server or connector registry. */
export async function buildOpenApiDocumentOffline(): Promise<OpenAPIObject> {
  // Placeholders only: in preview mode no provider is instantiated, so none of them is ever used.
  const config = { databaseUrl: 'postgres://preview@127.0.0.1:1/preview' } as ApiConfig;
  const logger = new JsonLogger({ level: 'error', bindings: { service: 'openapi' } });
  const app = await NestFactory.create(
    AppModule.forRoot({ config, logger, registry: {} as ConnectorRegistry, cipher: {} as SecretCipher }),
    { preview: true, logger: false, abortOnError: false },
  );
  app.setGlobalPrefix('api/v1');
  try {
    return createOpenApiDocument(app);
  } finally {
    await app.close();
  }
}

/** Stable text of a document: sorted nowhere (Nest's order is deterministic), two-space JSON. */
export function serializeOpenApiDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
