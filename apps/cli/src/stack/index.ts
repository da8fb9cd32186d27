// The process machinery of `tributary up`, also used by the integration-test harness
// (tools/testing): one implementation of starting, watching and stopping the stack's parts.
export * from './stack.exception';
export * from './free-port';
export * from './wait-until';
export * from './managed-process';
export * from './child-process-supervisor';
export * from './postgres-databases';
export * from './embedded-postgres';
export * from './temporal-dev-server';
