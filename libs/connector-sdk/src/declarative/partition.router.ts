// Parent → child streams: a child stream is read once per record of its parent stream (which may
// itself be a child), with the parent record available as {{ parent.<field> }}. The parent's key
// names the partition and keys the child's state. Each parent key is read once per sync.
import { ConfigError } from '../errors';
import { DeclarativeStream, type Partition } from './declarative.stream';
import type { DeclarativeManifest, StreamDefinition } from './manifest.types';
import type { RequesterEnvironment } from './requester.factory';

export async function* partitionsOf(
  manifest: DeclarativeManifest,
  definition: StreamDefinition,
  config: Record<string, unknown>,
  environment: RequesterEnvironment,
  limit?: { maxParentPages?: number },
): AsyncGenerator<Partition> {
  if (!definition.parent) {
    yield { key: '' };
    return;
  }
  const parentDefinition = manifest.streams.find((s) => s.name === definition.parent!.stream)!;
  const key = definition.parent.key ?? 'id';
  // Parents are read for their keys only: no request observer, their own rate limit and retries.
  const parentEnvironment: RequesterEnvironment = { ...environment, hooks: { onTokens: environment.hooks?.onTokens } };
  const parent = new DeclarativeStream(manifest, parentDefinition, config, parentEnvironment);
  const seen = new Set<string>();
  try {
    for await (const parentPartition of partitionsOf(manifest, parentDefinition, config, parentEnvironment, limit)) {
      for await (const page of parent.pages(parentPartition, { signal: environment.signal, maxPages: limit?.maxParentPages })) {
        for (const record of page.records) {
          const value = record[key];
          if (value === undefined || value === null || typeof value === 'object') {
            throw new ConfigError(`stream "${definition.name}": a record of its parent stream "${parentDefinition.name}" has no usable "${key}" (parent.key)`);
          }
          const partitionKey = String(value);
          if (seen.has(partitionKey)) continue;
          seen.add(partitionKey);
          yield { key: partitionKey, parent: record };
        }
      }
    }
  } finally {
    await parent.close();
  }
}
