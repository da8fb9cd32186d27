// Entry point the connector registry loads: exports the faker source as `connector`.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { FakerSource } from './faker.source';

export const connector: ConnectorImplementation = { kind: 'source', create: () => new FakerSource() };

export { FakerSource } from './faker.source';
export type { FakerConfig } from './faker.config';
