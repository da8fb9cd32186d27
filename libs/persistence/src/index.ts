export * from './entities';
export * from './migrations';
export * from './data-source';
export * from './repositories/api-token.repository';
export * from './repositories/job.repository';
export * from './secrets/secret-cipher';
export * from './secrets/secret-key-file';
export * from './repositories/schema-drift.repository';
