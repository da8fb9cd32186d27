// The connector catalog as the console shows it.
import { sessionApiClient, unwrap } from './api/api-client';
import type { ConnectorDefinition, ConnectorDefinitionDetail, ConnectorKind, ConnectorSpecification } from './api/api-types';
import type { components } from './api/openapi';

type DefinitionPayload = components['schemas']['ConnectorDefinitionDto'];

function toDefinition(payload: DefinitionPayload): ConnectorDefinition {
  return {
    id: payload.id,
    name: payload.name,
    kind: payload.kind,
    version: payload.version,
    description: payload.description ?? null,
    icon: payload.icon ?? null,
    documentationUrl: payload.documentationUrl ?? null,
    origin: payload.origin,
    available: payload.available,
    declarative: payload.declarative,
  };
}

export async function listConnectorDefinitions(kind?: ConnectorKind): Promise<ConnectorDefinition[]> {
  const client = await sessionApiClient();
  const { items } = unwrap(await client.GET('/api/v1/connector-definitions', { params: { query: kind ? { kind } : {} } }));
  return items.map(toDefinition).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getConnectorDefinition(id: string): Promise<ConnectorDefinitionDetail> {
  const client = await sessionApiClient();
  const payload = unwrap(await client.GET('/api/v1/connector-definitions/{id}', { params: { path: { id } } }));
  return { ...toDefinition(payload), spec: payload.spec as unknown as ConnectorSpecification, docs: payload.docs ?? null };
}

/** Search by name, id and description (case-insensitive). */
export function matchesDefinition(definition: ConnectorDefinition, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  return [definition.name, definition.id, definition.description ?? ''].some((text) => text.toLowerCase().includes(q));
}
