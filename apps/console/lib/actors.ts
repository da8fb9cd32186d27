// Sources and destinations ("actors"): one set of operations, bound to a kind.
import { numericQuery, sessionApiClient, unwrap } from './api/api-client';
import type { Actor, Catalog, CheckResult, ConnectorKind, Page } from './api/api-types';
import type { components } from './api/openapi';

type ActorPayload = components['schemas']['ActorDto'];

function toActor(kind: ConnectorKind, payload: ActorPayload): Actor {
  return { kind, id: payload.id, name: payload.name, definitionId: payload.definitionId, config: payload.config, createdAt: payload.createdAt, updatedAt: payload.updatedAt };
}

/** The path segment of a kind: `/sources`, `/destinations`. */
export function actorCollection(kind: ConnectorKind): 'sources' | 'destinations' {
  return kind === 'source' ? 'sources' : 'destinations';
}

export async function listActors(kind: ConnectorKind, limit = 50, offset = 0): Promise<Page<Actor>> {
  const client = await sessionApiClient();
  const query = { params: { query: numericQuery({ limit, offset }) } };
  const result = kind === 'source' ? await client.GET('/api/v1/sources', query) : await client.GET('/api/v1/destinations', query);
  const page = unwrap(result);
  return { ...page, items: page.items.map((item) => toActor(kind, item)) };
}

/** Every actor of a kind (the API pages by 200 at most). */
export async function listAllActors(kind: ConnectorKind): Promise<Actor[]> {
  const all: Actor[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await listActors(kind, 200, offset);
    all.push(...page.items);
    if (all.length >= page.total || page.items.length === 0) return all;
  }
}

export async function getActor(kind: ConnectorKind, id: string): Promise<Actor> {
  const client = await sessionApiClient();
  const params = { params: { path: { id } } };
  const result = kind === 'source' ? await client.GET('/api/v1/sources/{id}', params) : await client.GET('/api/v1/destinations/{id}', params);
  return toActor(kind, unwrap(result));
}

export async function createActor(kind: ConnectorKind, input: { name: string; definitionId: string; config: Record<string, unknown> }): Promise<Actor> {
  const client = await sessionApiClient();
  const result = kind === 'source' ? await client.POST('/api/v1/sources', { body: input }) : await client.POST('/api/v1/destinations', { body: input });
  return toActor(kind, unwrap(result));
}

export async function updateActor(kind: ConnectorKind, id: string, input: { name?: string; config?: Record<string, unknown> }): Promise<Actor> {
  const client = await sessionApiClient();
  const request = { params: { path: { id } }, body: input };
  const result = kind === 'source' ? await client.PATCH('/api/v1/sources/{id}', request) : await client.PATCH('/api/v1/destinations/{id}', request);
  return toActor(kind, unwrap(result));
}

export async function deleteActor(kind: ConnectorKind, id: string): Promise<void> {
  const client = await sessionApiClient();
  const params = { params: { path: { id } } };
  unwrap(kind === 'source' ? await client.DELETE('/api/v1/sources/{id}', params) : await client.DELETE('/api/v1/destinations/{id}', params));
}

export async function checkActor(kind: ConnectorKind, id: string): Promise<CheckResult> {
  const client = await sessionApiClient();
  const params = { params: { path: { id } } };
  return unwrap(kind === 'source' ? await client.POST('/api/v1/sources/{id}/check', params) : await client.POST('/api/v1/destinations/{id}/check', params));
}

export async function discoverSource(id: string): Promise<{ catalogId: string; catalog: Catalog }> {
  const client = await sessionApiClient();
  const payload = unwrap(await client.POST('/api/v1/sources/{id}/discover', { params: { path: { id } } }));
  return { catalogId: payload.catalogId, catalog: payload.catalog as unknown as Catalog };
}
