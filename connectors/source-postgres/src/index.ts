// Entry point the connector registry loads: exports the PostgreSQL source as `connector`.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { PostgresSource } from './postgres.source';

export const connector: ConnectorImplementation = { kind: 'source', create: () => new PostgresSource() };

export { PostgresSource } from './postgres.source';
export type { PostgresSourceConfig } from './postgres.config';
