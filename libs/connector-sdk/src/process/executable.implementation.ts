// An executable as a ConnectorImplementation, so the registry, the worker and the CLI run it like
// any in-process connector.
import type { ConnectorKind } from '@tributary/protocol';
import type { ConnectorImplementation } from '../connector';
import type { ExecutableDefinition, ExecutableTimeouts } from './executable.definition';
import { ExecutableDestination } from './executable.destination';
import { ExecutableSource } from './executable.source';

export function executableImplementation(kind: ConnectorKind, definition: ExecutableDefinition, timeouts?: ExecutableTimeouts): ConnectorImplementation {
  return kind === 'source'
    ? { kind, create: () => new ExecutableSource(definition, timeouts) }
    : { kind, create: () => new ExecutableDestination(definition, timeouts) };
}
