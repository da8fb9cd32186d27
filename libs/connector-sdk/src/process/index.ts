// @tributary/connector-sdk/process — out-of-process connectors: any executable speaking the
// Airbyte protocol as JSON lines on stdio, run as a Source or Destination.
export * from './executable.definition';
export * from './protocol-line.parser';
export * from './schema-dialect';
export * from './connector.process';
export * from './executable.connector';
export * from './executable.source';
export * from './executable.destination';
export * from './executable.implementation';
