'use server';
// The Connector Builder's calls: test-read a stream of the manifest being written, and publish it.
import { revalidatePath } from 'next/cache';
import { publishManifest, testStream, type DeclarativeDefinition, type StreamTestInput, type StreamTestResult } from '../declarative-definitions';
import { attempt, type ActionResult } from './action-result';

export async function testStreamAction(input: StreamTestInput): Promise<ActionResult<StreamTestResult>> {
  return attempt(() => testStream(input));
}

export async function publishManifestAction(input: { id?: string; manifest: string }): Promise<ActionResult<DeclarativeDefinition>> {
  const result = await attempt(() => publishManifest(input));
  if (result.ok) {
    revalidatePath('/catalog');
    revalidatePath(`/builder/${result.value.id}`);
  }
  return result;
}
