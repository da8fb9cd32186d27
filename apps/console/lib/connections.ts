// Connections, and the list view that joins them with their source, destination and last job.
import { numericQuery, sessionApiClient, unwrap } from './api/api-client';
import type { Actor, Connection, CreateConnectionInput, Job, Page, UpdateConnectionInput } from './api/api-types';
import { listAllActors } from './actors';
import { latestJobs } from './jobs';

export async function listConnections(filter: { sourceId?: string; destinationId?: string } = {}, limit = 50, offset = 0): Promise<Page<Connection>> {
  const client = await sessionApiClient();
  const result = await client.GET('/api/v1/connections', { params: { query: numericQuery({ limit, offset, ...filter }) } });
  return unwrap(result);
}

/** Every connection matching the filter (pages of 200). */
export async function listAllConnections(filter: { sourceId?: string; destinationId?: string } = {}): Promise<Connection[]> {
  const all: Connection[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await listConnections(filter, 200, offset);
    all.push(...page.items);
    if (all.length >= page.total || page.items.length === 0) return all;
  }
}

export async function getConnection(id: string): Promise<Connection> {
  const client = await sessionApiClient();
  return unwrap(await client.GET('/api/v1/connections/{id}', { params: { path: { id } } }));
}

export async function createConnection(input: CreateConnectionInput): Promise<Connection> {
  const client = await sessionApiClient();
  return unwrap(await client.POST('/api/v1/connections', { body: input }));
}

export async function updateConnection(id: string, input: UpdateConnectionInput): Promise<Connection> {
  const client = await sessionApiClient();
  // The document marks namespaceDefinition and prefix required on PATCH (they have defaults); the
  // API treats every field as optional.
  return unwrap(await client.PATCH('/api/v1/connections/{id}', { params: { path: { id } }, body: input as Required<Pick<UpdateConnectionInput, 'namespaceDefinition' | 'prefix'>> & UpdateConnectionInput }));
}

export async function deleteConnection(id: string): Promise<void> {
  const client = await sessionApiClient();
  unwrap(await client.DELETE('/api/v1/connections/{id}', { params: { path: { id } } }));
}

/** A row of the connections list. */
export interface ConnectionSummary {
  connection: Connection;
  source: Pick<Actor, 'id' | 'name' | 'definitionId'> | null;
  destination: Pick<Actor, 'id' | 'name' | 'definitionId'> | null;
  lastJob: Job | null;
}

export interface ConnectionListView {
  rows: ConnectionSummary[];
  /** Connections matching the search. */
  total: number;
  page: number;
  pageSize: number;
}

/**
 * One page of the connections list. The API has no search parameter yet, so names are matched
 * here over every connection's summary (cheap: a connection is a small row); only the rows of the
 * page shown get their last job fetched.
 */
export async function connectionListView(search: string, page: number, pageSize: number): Promise<ConnectionListView> {
  const [connections, sources, destinations] = await Promise.all([listAllConnections(), listAllActors('source'), listAllActors('destination')]);
  const sourceById = new Map(sources.map((a) => [a.id, a]));
  const destinationById = new Map(destinations.map((a) => [a.id, a]));
  const q = search.trim().toLowerCase();
  const matching = connections
    .filter((c) => {
      if (!q) return true;
      const names = [c.name, sourceById.get(c.sourceId)?.name ?? '', destinationById.get(c.destinationId)?.name ?? ''];
      return names.some((n) => n.toLowerCase().includes(q));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const pageRows = matching.slice((page - 1) * pageSize, page * pageSize);
  const jobs = await latestJobs(pageRows.map((c) => c.id));
  return {
    rows: pageRows.map((connection) => ({
      connection,
      source: sourceById.get(connection.sourceId) ?? null,
      destination: destinationById.get(connection.destinationId) ?? null,
      lastJob: jobs.get(connection.id) ?? null,
    })),
    total: matching.length,
    page,
    pageSize,
  };
}
