// Clearing streams (a clear job) on S3: every object under a stream's root goes — parts of every
// sync and generation, and the manifest, first, so a reader that goes through the manifest sees no
// stream rather than missing parts — and the next sync starts from nothing. A root can hold another
// stream's root (a stream without namespace named like another's namespace with the template
// `{namespace}/{stream}/…`): a folder with its own `_tributary/manifest.json` is left alone.
// Incomplete multipart uploads of killed syncs are not listed here: a bucket lifecycle rule
// (AbortIncompleteMultipartUpload) reclaims them.
import type { ConnectorContext } from '@tributary/connector-sdk';
import { MANIFEST_DIRECTORY, MANIFEST_NAME, type PathTemplate, type S3ObjectStore } from '@tributary/connector-sdk/files';
import { type ConfiguredAirbyteStream, type StreamDescriptor, streamKey } from '@tributary/protocol';

const MANIFEST_SUFFIX = `/${MANIFEST_DIRECTORY}/${MANIFEST_NAME}`;

export async function clearS3Streams(store: S3ObjectStore, template: PathTemplate, streams: ConfiguredAirbyteStream[], context: ConnectorContext): Promise<void> {
  for (const configured of streams) {
    context.signal.throwIfAborted();
    const { name, namespace } = configured.stream;
    const descriptor: StreamDescriptor = namespace ? { name, namespace } : { name };
    const root = `${template.streamRoot(descriptor)}/`;
    const paths: string[] = [];
    for await (const object of store.list(root)) {
      context.signal.throwIfAborted();
      paths.push(object.path);
    }
    const manifest = `${template.streamRoot(descriptor)}${MANIFEST_SUFFIX}`;
    const others = paths.filter((path) => path !== manifest && path.endsWith(MANIFEST_SUFFIX)).map((path) => path.slice(0, -MANIFEST_SUFFIX.length + 1));
    const ours = paths.filter((path) => !others.some((other) => path.startsWith(other)));
    if (ours.includes(manifest)) await store.remove([manifest]);
    await store.remove(ours.filter((path) => path !== manifest));
    context.logger.info(`cleared stream "${streamKey(descriptor)}": removed ${ours.length} object(s) under ${store.location}/${root}`);
  }
}
