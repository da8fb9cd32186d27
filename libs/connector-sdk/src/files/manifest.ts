// The per-stream manifest, `<stream root>/_tributary/manifest.json`: the list of files that make up
// the stream now. Readers that go through it never see a mix of generations or a file of a sync
// still running:
//
// - append (and append_dedup): each commit adds the sync's newly closed files; nothing is removed;
// - overwrite: the sync's files are listed only at its end, in one write that replaces the list
//   (a new generation); the previous generation's files are deleted after that write, and listed
//   under `obsolete` until they are, so an interrupted deletion is finished by the next sync.
//
// `pending` records each sync writing the stream and when it started, so every attempt of a sync
// renders the same date placeholders and finds its own parts.
import type { StreamDescriptor } from '@tributary/protocol';
import { SystemError } from '../errors';
import type { ObjectStore } from './object-store';

export const MANIFEST_VERSION = 1;

/** Type aliases (not interfaces) so positions built from them are JSON values as they stand. */
export type ManifestFile = { path: string; records: number; bytes: number; sync_id: string };
export type PendingSync = { started_at: string; mode: string; path_template: string };
export type Manifest = {
  version: number;
  stream: { name: string; namespace?: string };
  format: string;
  /** Incremented by every overwrite that completes. */
  generation: number;
  files: ManifestFile[];
  obsolete: string[];
  pending: Record<string, PendingSync>;
  updated_at: string;
};

export function emptyManifest(stream: StreamDescriptor, format: string): Manifest {
  return {
    version: MANIFEST_VERSION,
    stream: stream.namespace ? { name: stream.name, namespace: stream.namespace } : { name: stream.name },
    format,
    generation: 0,
    files: [],
    obsolete: [],
    pending: {},
    updated_at: new Date().toISOString(),
  };
}

export async function readManifest(store: ObjectStore, path: string): Promise<Manifest | undefined> {
  const bytes = await store.read(path);
  if (!bytes) return undefined;
  let parsed: Partial<Manifest>;
  try {
    parsed = JSON.parse(bytes.toString('utf8')) as Partial<Manifest>;
  } catch (error) {
    throw new SystemError(`The manifest ${store.location}/${path} is not valid JSON: ${(error as Error).message}. Restore or delete it.`, { cause: error });
  }
  if (parsed.version !== MANIFEST_VERSION || !Array.isArray(parsed.files)) {
    throw new SystemError(`The manifest ${store.location}/${path} has version ${String(parsed.version)}; this destination reads version ${MANIFEST_VERSION}.`);
  }
  return { ...emptyManifest({ name: '' }, ''), ...parsed, obsolete: parsed.obsolete ?? [], pending: parsed.pending ?? {} } as Manifest;
}

export async function writeManifest(store: ObjectStore, path: string, manifest: Manifest): Promise<void> {
  manifest.updated_at = new Date().toISOString();
  await store.put(path, `${JSON.stringify(manifest, null, 2)}\n`);
}
