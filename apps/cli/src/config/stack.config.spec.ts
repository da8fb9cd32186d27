import { readStackConfig, redactUrl } from './stack.config';
import { CliExceptionCode } from '../cli.exception';

describe('readStackConfig', () => {
  it('uses the embedded defaults', () => {
    const config = readStackConfig({}, '/home/me/project');

    expect(config).toMatchObject({
      dataDir: '/home/me/project/.tributary',
      databaseUrl: undefined,
      temporalAddress: undefined,
      temporalNamespace: 'default',
      temporalPort: 7233,
      temporalUiPort: 8233,
      apiHost: '127.0.0.1',
      apiPort: 8080,
      consolePort: 3000,
    });
  });

  it('rejects a port that is not a port, naming the variable', () => {
    expect(() => readStackConfig({ CONSOLE_PORT: '80a' }, '/')).toThrow(expect.objectContaining({ code: CliExceptionCode.INVALID_CONFIG, message: expect.stringContaining('CONSOLE_PORT') }));
  });

  it('rejects a TEMPORAL_ADDRESS without a port', () => {
    expect(() => readStackConfig({ TEMPORAL_ADDRESS: 'temporal.internal' }, '/')).toThrow(/TEMPORAL_ADDRESS must be host:port/);
  });

  it('never shows a password', () => {
    expect(redactUrl('postgres://tributary:s3cret@db:5432/tributary')).toBe('postgres://tributary:***@db:5432/tributary');
  });
});

describe('TRIBUTARY_API_TOKEN', () => {
  it('must be long enough for the API to accept it', () => {
    expect(() => readStackConfig({ TRIBUTARY_API_TOKEN: 'short' }, '/')).toThrow(/at least 16 characters/);
    expect(readStackConfig({ TRIBUTARY_API_TOKEN: 'a-long-enough-token' }, '/').apiToken).toBe('a-long-enough-token');
  });
});
