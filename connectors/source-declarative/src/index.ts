// Entry point the connector registry loads: a source that runs any declarative manifest. Given
// `{ manifest, config }` it runs that manifest; definitions registered from a manifest bind it and
// pass the user's config only (ConnectorRegistry.registerDeclarative). The runtime itself is the
// SDK's `@tributary/connector-sdk/declarative`, which the worker also uses for the Builder's test reads.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { DeclarativeSource } from '@tributary/connector-sdk/declarative';

export const connector: ConnectorImplementation = { kind: 'source', create: () => new DeclarativeSource() };
