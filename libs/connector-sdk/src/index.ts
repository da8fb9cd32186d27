export * from './connector';
export * from './errors';
export * from './connector-registry';
export * from './json-logger';
export * from './connector-config';
export * from './tls-options';
