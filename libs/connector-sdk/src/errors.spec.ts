import { connect, createServer } from 'node:net';
import { classifyError, ConfigError, ConnectorError, SystemError, TransientError } from './errors';

/** A loopback port nothing listens on: bound once, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function codeError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 10.0.0.1:5432`), { code });
}

describe('connector errors', () => {
  it.each([
    [new ConfigError('password authentication failed for user "etl"'), 'config_error', 'ConfigError'],
    [new TransientError('429 Too Many Requests'), 'transient_error', 'TransientError'],
    [new SystemError('unexpected null cursor'), 'system_error', 'SystemError'],
  ] as const)('%s carries failure type %s', (error, failureType, name) => {
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toBeInstanceOf(Error);
    expect(error.failureType).toBe(failureType);
    expect(error.name).toBe(name);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket hang up');
    expect(new TransientError('request failed', { cause }).cause).toBe(cause);
  });
});

describe('classifyError', () => {
  it.each([
    [new ConfigError('bad credentials'), { failureType: 'config_error', message: 'bad credentials' }],
    [new TransientError('try again'), { failureType: 'transient_error', message: 'try again' }],
    [new SystemError('bug'), { failureType: 'system_error', message: 'bug' }],
    [new ConnectorError('config_error', 'table "x" is missing'), { failureType: 'config_error', message: 'table "x" is missing' }],
  ])('keeps the failure type of %s', (error, expected) => {
    expect(classifyError(error)).toEqual(expected);
  });

  it.each(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH'])(
    'classifies the network error code %s as transient',
    (code) => {
      expect(classifyError(codeError(code))).toEqual({ failureType: 'transient_error', message: `connect ${code} 10.0.0.1:5432` });
    },
  );

  it.each(['ENOENT', 'EACCES', '23505', 'ERR_INVALID_ARG_TYPE'])('classifies any other code (%s) as a system error', (code) => {
    expect(classifyError(codeError(code)).failureType).toBe('system_error');
  });

  it('classifies errors of unknown origin as system errors, with their text', () => {
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'id')"))).toEqual({
      failureType: 'system_error',
      message: "Cannot read properties of undefined (reading 'id')",
    });
    expect(classifyError('boom')).toEqual({ failureType: 'system_error', message: 'boom' });
    expect(classifyError(undefined)).toEqual({ failureType: 'system_error', message: 'undefined' });
    expect(classifyError(null)).toEqual({ failureType: 'system_error', message: 'null' });
    expect(classifyError({ code: 42 })).toEqual({ failureType: 'system_error', message: '[object Object]' });
  });

  it('classifies a real refused TCP connection as transient', async () => {
    const port = await closedPort();
    const error = await new Promise<Error>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('error', resolve);
    });
    // (Under Jest, Node's errors come from another realm, so only the text's tail is asserted.)
    expect(classifyError(error)).toEqual({ failureType: 'transient_error', message: expect.stringContaining(`connect ECONNREFUSED 127.0.0.1:${port}`) });
  });

  // Node's own HTTP client (fetch) reports a refused connection as `TypeError: fetch failed` and
  // puts the network code on `cause`: a connector calling an API whose server is restarting must
  // be retried, not failed as a bug.
  it('classifies a fetch that failed on a network error (code on `cause`) as transient', async () => {
    const port = await closedPort();
    const error = await fetch(`http://127.0.0.1:${port}/`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    expect(classifyError(error).failureType).toBe('transient_error');
  });
});
