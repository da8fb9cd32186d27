'use server';
// Mutations of connections, jobs and schema changes, and the discovery the streams table needs.
import { revalidatePath } from 'next/cache';
import type { Catalog, Connection, CreateConnectionInput, Job, JobType, SchemaChange, UpdateConnectionInput, DetectionResult } from '../api/api-types';
import { discoverSource, getActor } from '../actors';
import { getConnectorDefinition } from '../connector-definitions';
import { createConnection, deleteConnection, updateConnection } from '../connections';
import { cancelJob, triggerJob } from '../jobs';
import { detectSchemaChanges, resolveSchemaChange } from '../schema-changes';
import type { DestinationMode } from '../streams/stream-choices';
import { attempt, type ActionResult } from './action-result';

export interface StreamsContext {
  catalog: Catalog;
  destinationModes: DestinationMode[];
}

/** The source's current catalog and the sync modes the destination supports. */
export async function discoverStreamsAction(sourceId: string, destinationId: string): Promise<ActionResult<StreamsContext>> {
  return attempt(async () => {
    const [discovered, destination] = await Promise.all([discoverSource(sourceId), getActor('destination', destinationId)]);
    const definition = await getConnectorDefinition(destination.definitionId);
    return { catalog: discovered.catalog, destinationModes: definition.spec.supported_destination_sync_modes ?? ['overwrite', 'append'] };
  });
}

export async function createConnectionAction(input: CreateConnectionInput, syncNow: boolean): Promise<ActionResult<{ connection: Connection; job: Job | null; jobError?: string }>> {
  return attempt(async () => {
    const connection = await createConnection(input);
    revalidatePath('/connections');
    if (!syncNow) return { connection, job: null };
    const job = await attempt(() => triggerJob(connection.id, 'sync'));
    return job.ok ? { connection, job: job.value } : { connection, job: null, jobError: job.message };
  });
}

export async function updateConnectionAction(id: string, input: UpdateConnectionInput): Promise<ActionResult<Connection>> {
  const result = await attempt(() => updateConnection(id, input));
  if (result.ok) revalidatePath(`/connections/${id}`, 'layout');
  return result;
}

export async function deleteConnectionAction(id: string): Promise<ActionResult> {
  const result = await attempt(() => deleteConnection(id));
  if (result.ok) revalidatePath('/connections');
  return result as ActionResult;
}

export async function triggerJobAction(connectionId: string, type: JobType, streams?: { name: string; namespace?: string }[]): Promise<ActionResult<Job>> {
  const result = await attempt(() => triggerJob(connectionId, type, streams));
  revalidatePath(`/connections/${connectionId}`, 'layout');
  return result;
}

export async function cancelJobAction(connectionId: string, jobId: string): Promise<ActionResult<Job>> {
  const result = await attempt(() => cancelJob(jobId));
  revalidatePath(`/connections/${connectionId}`, 'layout');
  return result;
}

export async function detectSchemaChangesAction(connectionId: string): Promise<ActionResult<DetectionResult>> {
  const result = await attempt(() => detectSchemaChanges(connectionId));
  revalidatePath(`/connections/${connectionId}`, 'layout');
  return result;
}

export async function resolveSchemaChangeAction(connectionId: string, id: string, decision: 'approve' | 'reject'): Promise<ActionResult<SchemaChange>> {
  const result = await attempt(() => resolveSchemaChange(id, decision));
  revalidatePath(`/connections/${connectionId}`, 'layout');
  return result;
}
