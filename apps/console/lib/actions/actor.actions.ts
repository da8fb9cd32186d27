'use server';
// Mutations of sources and destinations, called by the console's forms.
import { revalidatePath } from 'next/cache';
import type { Actor, CheckResult, ConnectorKind } from '../api/api-types';
import { actorCollection, checkActor, createActor, deleteActor, updateActor } from '../actors';
import { listAllConnections } from '../connections';
import { attempt, type ActionResult } from './action-result';

export async function saveActorAction(
  kind: ConnectorKind,
  input: { id?: string; name: string; definitionId: string; config: Record<string, unknown> },
): Promise<ActionResult<Actor>> {
  const result = await attempt(() =>
    input.id ? updateActor(kind, input.id, { name: input.name, config: input.config }) : createActor(kind, { name: input.name, definitionId: input.definitionId, config: input.config }),
  );
  if (result.ok) revalidatePath(`/${actorCollection(kind)}`);
  return result;
}

export async function testActorAction(kind: ConnectorKind, id: string): Promise<ActionResult<CheckResult>> {
  return attempt(() => checkActor(kind, id));
}

export async function connectionsUsingAction(kind: ConnectorKind, id: string): Promise<ActionResult<{ id: string; name: string }[]>> {
  return attempt(async () => (await listAllConnections(kind === 'source' ? { sourceId: id } : { destinationId: id })).map((c) => ({ id: c.id, name: c.name })));
}

export async function deleteActorAction(kind: ConnectorKind, id: string): Promise<ActionResult> {
  const result = await attempt(() => deleteActor(kind, id));
  if (result.ok) revalidatePath(`/${actorCollection(kind)}`);
  return result as ActionResult;
}
