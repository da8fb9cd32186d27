// Entry point the connector registry loads: exports the local-files destination as `connector`.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { LocalFilesDestination } from './local-files.destination';

export const connector: ConnectorImplementation = { kind: 'destination', create: () => new LocalFilesDestination() };

export { LocalFilesDestination } from './local-files.destination';
export type { LocalFilesConfig } from './local-files.config';
export type { RecordFormat } from './record.format';
export type { LocalFilesPosition } from './local-files.position';
