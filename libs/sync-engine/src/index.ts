export * from './replication';
export * from './stream-mapper';
