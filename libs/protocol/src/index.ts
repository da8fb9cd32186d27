export * from './messages';
export * from './catalog';
export * from './spec';
export * from './schema-validation';
export * from './secrets';
export * from './configured-catalog';
export * from './schema-diff';
export * from './data-contract';
