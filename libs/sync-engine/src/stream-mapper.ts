// Where a source stream lands in the destination: the connection's namespace definition and prefix.
import type { StreamDescriptor } from '@tributary/protocol';

export type NamespaceMapping =
  | { type: 'source' }
  | { type: 'destination' }
  | { type: 'custom'; format: string };

export interface StreamMapping {
  namespace: NamespaceMapping;
  prefix: string;
}

export function mapStreamDescriptor(source: StreamDescriptor, mapping: StreamMapping): StreamDescriptor {
  const name = `${mapping.prefix}${source.name}`;
  switch (mapping.namespace.type) {
    case 'source':
      return source.namespace ? { name, namespace: source.namespace } : { name };
    case 'destination':
      return { name };
    case 'custom': {
      const namespace = mapping.namespace.format.replace(/\$\{SOURCE_NAMESPACE\}/g, source.namespace ?? '').trim();
      return namespace ? { name, namespace } : { name };
    }
  }
}

export function isIdentityMapping(mapping: StreamMapping): boolean {
  return mapping.prefix === '' && mapping.namespace.type === 'source';
}
