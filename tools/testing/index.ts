// What integration and e2e tests import from the harness.
export { startStack, stopAllStacks, API_MAIN, WORKER_MAIN } from './stack';
export type { StartStackOptions, StackProcess, Stack, ApiResponse, JsonBody, RequestOptions } from './stack';
export { createTestDatabase, type TestDatabase } from './test-database';
export { TEST_ENV, testDatabaseAdminUrl, testTemporalAddress } from './test-environment';
