// @tributary/connector-sdk/testing — the test kit: the conformance suite every connector runs,
// its fixtures, a real local HTTP server to stand in for SaaS APIs, and leak detection.
export * from './conformance.fixture';
export * from './conformance.suite';
export * from './conformance.runner';
export * from './open-resources';
export * from './test-http.server';
