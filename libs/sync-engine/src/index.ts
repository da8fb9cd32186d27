export * from './replication';
export * from './stream-mapper';
export * from './record-contract';
