// Entry point the connector registry loads: exports the PostgreSQL destination as `connector`.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { PostgresDestination } from './postgres.destination';

export const connector: ConnectorImplementation = { kind: 'destination', create: () => new PostgresDestination() };

export { PostgresDestination, type PostgresPosition } from './postgres.destination';
export type { PostgresDestinationConfig } from './postgres.config';
