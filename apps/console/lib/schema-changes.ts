// Schema drift of a connection: the change log, detection on demand, approvals.
import { numericQuery, sessionApiClient, unwrap } from './api/api-client';
import type { DetectionResult, Page, SchemaChange } from './api/api-types';

export async function listSchemaChanges(connectionId: string, limit = 50, offset = 0): Promise<Page<SchemaChange>> {
  const client = await sessionApiClient();
  return unwrap(await client.GET('/api/v1/connections/{id}/schema-changes', { params: { path: { id: connectionId }, query: numericQuery({ limit, offset }) } }));
}

export async function detectSchemaChanges(connectionId: string): Promise<DetectionResult> {
  const client = await sessionApiClient();
  return unwrap(await client.POST('/api/v1/connections/{id}/schema-changes/detect', { params: { path: { id: connectionId } } }));
}

export async function resolveSchemaChange(id: string, decision: 'approve' | 'reject'): Promise<SchemaChange> {
  const client = await sessionApiClient();
  const params = { params: { path: { id } } };
  return unwrap(decision === 'approve' ? await client.POST('/api/v1/schema-changes/{id}/approve', params) : await client.POST('/api/v1/schema-changes/{id}/reject', params));
}
