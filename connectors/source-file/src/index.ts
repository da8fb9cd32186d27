// Entry point the connector registry loads: exports the file source as `connector`.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { FileSource } from './file.source';

export const connector: ConnectorImplementation = { kind: 'source', create: () => new FileSource() };

export { FileSource, malformedStreamName, FILE_COLUMN, MODIFIED_COLUMN } from './file.source';
export { parseFileSourceConfig, type FileSourceConfig, type FileStreamConfig } from './file-source.config';
