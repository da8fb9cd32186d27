// Entry point the connector registry loads: exports the MySQL / MariaDB source as `connector`.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { MysqlSource } from './mysql.source';

export const connector: ConnectorImplementation = { kind: 'source', create: () => new MysqlSource() };

export { MysqlSource } from './mysql.source';
export type { MysqlSourceConfig } from './mysql.config';
