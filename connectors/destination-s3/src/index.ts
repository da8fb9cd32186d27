// Entry point the connector registry loads: exports the S3 destination as `connector`.
import type { ConnectorImplementation } from '@tributary/connector-sdk';
import { S3Destination } from './s3.destination';

export const connector: ConnectorImplementation = { kind: 'destination', create: () => new S3Destination() };

export { S3Destination } from './s3.destination';
export { parseS3Config, DEFAULT_PATH_TEMPLATE, type S3DestinationConfig, type S3Settings } from './s3.config';
