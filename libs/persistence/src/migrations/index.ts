import { InitialSchema1763700000000 } from './1763700000000-initial-schema.migration';
import { ConnectionLifecycle1763800000000 } from './1763800000000-connection-lifecycle.migration';
import { SchemaChanges1763900000000 } from './1763900000000-schema-changes.migration';
import { Webhooks1764000000000 } from './1764000000000-webhooks.migration';
import { Quarantine1764100000000 } from './1764100000000-quarantine.migration';
import { ExecutableDefinitions1764250000000 } from './1764250000000-executable-definitions.migration';
import { DeclarativeDefinitions1764400000000 } from './1764400000000-declarative-definitions.migration';
import { PartitionedSyncs1764500000000 } from './1764500000000-partitioned-syncs.migration';

/** Every migration, oldest first. */
export const MIGRATIONS = [InitialSchema1763700000000, ConnectionLifecycle1763800000000, SchemaChanges1763900000000, Webhooks1764000000000, Quarantine1764100000000, ExecutableDefinitions1764250000000, DeclarativeDefinitions1764400000000, PartitionedSyncs1764500000000];
