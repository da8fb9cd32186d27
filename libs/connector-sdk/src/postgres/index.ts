export * from './postgres-connection';
