import { CliException } from '../cli.exception';
import { DEFAULT_WORKER_MAX_OLD_SPACE_MB, DEFAULT_WORKER_MAX_SEMI_SPACE_MB, workerEnvironment, workerNodeFlags } from './workspace';

describe('workerNodeFlags', () => {
  it('sizes the young generation and caps the old one by default', () => {
    expect(workerNodeFlags({})).toEqual([`--max-semi-space-size=${DEFAULT_WORKER_MAX_SEMI_SPACE_MB}`, `--max-old-space-size=${DEFAULT_WORKER_MAX_OLD_SPACE_MB}`]);
  });

  it('takes the sizes from the environment; 0 leaves V8 its own default', () => {
    expect(workerNodeFlags({ TRIBUTARY_WORKER_MAX_OLD_SPACE_MB: ' 1024 ', TRIBUTARY_WORKER_MAX_SEMI_SPACE_MB: '0' })).toEqual(['--max-old-space-size=1024']);
    expect(workerNodeFlags({ TRIBUTARY_WORKER_MAX_OLD_SPACE_MB: '0', TRIBUTARY_WORKER_MAX_SEMI_SPACE_MB: '' })).toEqual([`--max-semi-space-size=${DEFAULT_WORKER_MAX_SEMI_SPACE_MB}`]);
  });

  it('leaves a flag that NODE_OPTIONS already sets to it (command-line flags would win over NODE_OPTIONS)', () => {
    expect(workerNodeFlags({ NODE_OPTIONS: '--enable-source-maps --max_old_space_size=2048' })).toEqual([`--max-semi-space-size=${DEFAULT_WORKER_MAX_SEMI_SPACE_MB}`]);
  });

  it('refuses a size that is not a whole number of megabytes, naming the variable', () => {
    expect(() => workerNodeFlags({ TRIBUTARY_WORKER_MAX_OLD_SPACE_MB: '512MB' })).toThrow(CliException);
    expect(() => workerNodeFlags({ TRIBUTARY_WORKER_MAX_SEMI_SPACE_MB: '-1' })).toThrow('TRIBUTARY_WORKER_MAX_SEMI_SPACE_MB must be a whole number of megabytes (0 for V8\'s default), but is "-1".');
  });
});

describe('workerEnvironment', () => {
  it('adds the malloc settings that keep a worker\'s RSS flat', () => {
    expect(workerEnvironment({})).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '262144' });
  });

  it('keeps what the environment already sets', () => {
    expect(workerEnvironment({ MALLOC_ARENA_MAX: '8' })).toEqual({ MALLOC_MMAP_THRESHOLD_: '262144' });
  });
});
