import { DEFAULT_MAX_CACHED_WORKFLOWS, DEFAULT_MAX_CONCURRENT_PARTITIONS, DEFAULT_MAX_CONCURRENT_SYNCS, loadWorkerConfig } from './worker.config';

const REQUIRED = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tributary', TEMPORAL_ADDRESS: '127.0.0.1:7233' };

describe('loadWorkerConfig', () => {
  it('defaults the concurrency and the workflow cache', () => {
    const config = loadWorkerConfig(REQUIRED);
    expect(config.maxConcurrentSyncs).toBe(DEFAULT_MAX_CONCURRENT_SYNCS);
    expect(config.maxConcurrentPartitions).toBe(DEFAULT_MAX_CONCURRENT_PARTITIONS);
    expect(config.maxCachedWorkflows).toBe(DEFAULT_MAX_CACHED_WORKFLOWS);
    expect(config.autoPauseAfterFailures).toBe(5);
  });

  it('reads them from the environment, blank meaning the default', () => {
    const config = loadWorkerConfig({ ...REQUIRED, TRIBUTARY_WORKER_MAX_CONCURRENT_SYNCS: ' 2 ', TRIBUTARY_WORKER_MAX_CONCURRENT_PARTITIONS: '0', TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: '0', TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES: '' });
    expect(config).toMatchObject({ maxConcurrentSyncs: 2, maxConcurrentPartitions: 0, maxCachedWorkflows: 0, autoPauseAfterFailures: 5 });
  });

  it('names every invalid variable and what it must be', () => {
    expect(() =>
      loadWorkerConfig({ ...REQUIRED, TRIBUTARY_WORKER_MAX_CONCURRENT_SYNCS: '0', TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: '-1', TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES: '2.5' }),
    ).toThrow(
      'invalid worker configuration: TRIBUTARY_WORKER_MAX_CONCURRENT_SYNCS must be a positive integer (got "0"); ' +
        'TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS must be a whole number (0 caches none) (got "-1"); ' +
        'TRIBUTARY_AUTO_PAUSE_AFTER_FAILURES must be a whole number (0 never pauses) (got "2.5")',
    );
  });

  it('refuses text where a number belongs', () => {
    expect(() => loadWorkerConfig({ ...REQUIRED, TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: 'lots' })).toThrow('TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS must be a whole number (0 caches none) (got "lots")');
  });

  it('still requires the database and Temporal addresses', () => {
    expect(() => loadWorkerConfig({})).toThrow('invalid worker configuration: DATABASE_URL is required; TEMPORAL_ADDRESS is required');
  });
});
