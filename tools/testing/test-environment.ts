// The contract between the Jest global setup and the tests: which shared servers run, told through
// environment variables (Jest workers are forked after the global setup, so they inherit them).
export const TEST_ENV = {
  /** host:port of the one Temporal dev server of the run (namespace `default`). */
  temporalAddress: 'TRIBUTARY_TEST_TEMPORAL_ADDRESS',
  /** Admin URL to a maintenance database of the test PostgreSQL; tests create their own databases from it. */
  databaseUrl: 'TRIBUTARY_TEST_DATABASE_URL',
} as const;

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: this test needs the servers of the integration test setup (tools/testing/global-setup). Run it through the "integration" Jest project, e.g. "npx jest --selectProjects integration <path>".`,
    );
  }
  return value;
}

export function testTemporalAddress(): string {
  return required(TEST_ENV.temporalAddress);
}

export function testDatabaseAdminUrl(): string {
  return required(TEST_ENV.databaseUrl);
}
