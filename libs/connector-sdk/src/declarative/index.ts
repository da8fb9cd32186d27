// @tributary/connector-sdk/declarative — REST API sources described by a YAML manifest instead of
// code. A manifest is parsed and validated at the edge (manifest.parser.ts, against the JSON Schema
// of manifest.schema.ts); each of its parts has a small factory that builds a part of the HTTP
// toolkit (authenticator, paginator, requester with rate limit and error rules, record
// transformer); a stream composes them with an incremental cursor and a partition router;
// DeclarativeSource runs manifests as a Source, testDeclarativeStream serves the Builder.
export * from './manifest.types';
export * from './manifest.schema';
export * from './manifest.parser';
export * from './interpolation';
export * from './declarative.config';
export * from './declarative.source';
export * from './stream.tester';
export { inferSchema, SchemaInferrer } from './schema.inferrer';
