import { JsonLogger, type JsonLoggerOptions, type LogRecord } from './json-logger';

/** A logger writing into an array: each written line parsed back, as a log collector would. */
function capture(options: Omit<JsonLoggerOptions, 'write'> = {}, secrets: string[] = []): { logger: JsonLogger; lines: LogRecord[]; raw: string[] } {
  const raw: string[] = [];
  const logger = new JsonLogger({ ...options, write: (line) => raw.push(line) }, secrets);
  return {
    logger,
    raw,
    get lines() {
      return raw.map((line) => JSON.parse(line) as LogRecord);
    },
  };
}

describe('JsonLogger', () => {
  it('writes one JSON object a line with time, level and message', () => {
    const out = capture();
    out.logger.info('sync started', { streams: 3 });
    expect(out.raw).toHaveLength(1);
    expect(out.raw[0]).not.toContain('\n');
    expect(out.lines[0]).toEqual({ time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), level: 'info', message: 'sync started', streams: 3 });
  });

  it('drops lines below its level and keeps those at or above', () => {
    const out = capture({ level: 'warn' });
    out.logger.debug('d');
    out.logger.info('i');
    out.logger.warn('w');
    out.logger.error('e');
    expect(out.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'w'],
      ['error', 'e'],
    ]);
  });

  it('logs from info up by default', () => {
    const out = capture();
    out.logger.debug('hidden');
    out.logger.info('shown');
    expect(out.lines.map((l) => l.message)).toEqual(['shown']);
  });

  it('parses level names leniently, defaulting to info', () => {
    expect(JsonLogger.parseLevel('DEBUG')).toBe('debug');
    expect(JsonLogger.parseLevel('warn')).toBe('warn');
    expect(JsonLogger.parseLevel('verbose')).toBe('info');
    expect(JsonLogger.parseLevel(undefined)).toBe('info');
  });

  it('adds bound fields to every line', () => {
    const out = capture({ bindings: { service: 'worker', jobId: 'j-1' } });
    out.logger.info('a');
    out.logger.error('b', { attempt: 2 });
    expect(out.lines.map(({ time: _time, ...rest }) => rest)).toEqual([
      { level: 'info', service: 'worker', jobId: 'j-1', message: 'a' },
      { level: 'error', service: 'worker', jobId: 'j-1', attempt: 2, message: 'b' },
    ]);
  });

  it('redacts secret values in the message and in string, nested and error fields', () => {
    const out = capture({}, ['hunter2-pw', 'sk_live_42']);
    out.logger.error('login with hunter2-pw failed (key sk_live_42, again sk_live_42)', {
      dsn: 'postgres://etl:hunter2-pw@db/app',
      request: { url: 'https://api.example.com/?key=sk_live_42', retries: 3 },
      error: new Error('server said: bad key sk_live_42'),
    });
    expect(out.raw[0]).not.toContain('hunter2-pw');
    expect(out.raw[0]).not.toContain('sk_live_42');
    expect(out.lines[0]).toMatchObject({
      message: 'login with [redacted] failed (key [redacted], again [redacted])',
      dsn: 'postgres://etl:[redacted]@db/app',
      request: { url: 'https://api.example.com/?key=[redacted]', retries: 3 },
      error: 'server said: bad key [redacted]',
    });
  });

  it('redacts secret values inside arrays of fields', () => {
    const out = capture({}, ['hunter2-pw']);
    out.logger.info('running', { argv: ['psql', '--password=hunter2-pw'], hosts: [{ url: 'postgres://etl:hunter2-pw@db' }] });
    expect(out.raw[0]).not.toContain('hunter2-pw');
  });

  it('masks fields whose names look like credentials, whatever their value', () => {
    const out = capture();
    out.logger.info('config', {
      password: 'p',
      apiKey: 'k1',
      api_key: 'k2',
      client_secret: 's',
      access_token: 't',
      Authorization: 'Bearer abc',
      private_key: '-----BEGIN-----',
      credentials: { user: 'u' },
      host: 'db.internal',
      nested: { db_password: 'p2', port: 5432 },
    });
    expect(out.lines[0]).toMatchObject({
      password: '[redacted]',
      apiKey: '[redacted]',
      api_key: '[redacted]',
      client_secret: '[redacted]',
      access_token: '[redacted]',
      Authorization: '[redacted]',
      private_key: '[redacted]',
      credentials: '[redacted]',
      host: 'db.internal',
      nested: { db_password: '[redacted]', port: 5432 },
    });
  });

  it('ignores secrets shorter than four characters, which would redact ordinary words', () => {
    const out = capture({}, ['a', 'on']);
    out.logger.info('a connection is on');
    expect(out.lines[0]!.message).toBe('a connection is on');
  });

  it('hands each written record, already redacted, to its sinks', () => {
    const received: LogRecord[] = [];
    const out = capture({ level: 'info', sinks: [(record) => received.push(record)] }, ['hunter2-pw']);
    out.logger.debug('below the level');
    out.logger.warn('pw hunter2-pw');
    expect(received).toEqual([expect.objectContaining({ level: 'warn', message: 'pw [redacted]' })]);
  });

  describe('child loggers', () => {
    it('accumulate bindings, secrets and sinks, and leave the parent as it was', () => {
      const parentSink: LogRecord[] = [];
      const childSink: LogRecord[] = [];
      const out = capture({ bindings: { service: 'worker' }, sinks: [(r) => parentSink.push(r)] }, ['parent-secret']);
      const child = out.logger.child({ jobId: 'j-7' }, { secrets: ['child-secret'], sinks: [(r) => childSink.push(r)] });
      const grandchild = child.child({ attempt: 2 });

      grandchild.info('parent-secret and child-secret');
      out.logger.info('parent sees child-secret and parent-secret');

      const [fromGrandchild, fromParent] = out.lines;
      expect(fromGrandchild).toMatchObject({ service: 'worker', jobId: 'j-7', attempt: 2, message: '[redacted] and [redacted]' });
      expect(fromParent).toMatchObject({ message: 'parent sees child-secret and [redacted]' });
      expect(fromParent).not.toHaveProperty('jobId');
      expect(childSink.map((r) => r.message)).toEqual(['[redacted] and [redacted]']);
      expect(parentSink.map((r) => r.message)).toEqual(['[redacted] and [redacted]', 'parent sees child-secret and [redacted]']);
    });

    it('keep the level of their parent', () => {
      const out = capture({ level: 'error' });
      out.logger.child({ jobId: 'j' }).warn('dropped');
      expect(out.raw).toEqual([]);
    });
  });

  describe('redact', () => {
    it('replaces every occurrence of every secret in any text', () => {
      const logger = new JsonLogger({ write: () => undefined }, ['s3cret-A', 's3cret-B']);
      expect(logger.redact('s3cret-A/s3cret-B/s3cret-A')).toBe('[redacted]/[redacted]/[redacted]');
      expect(logger.redact('nothing to hide')).toBe('nothing to hide');
    });

    it('knows the secrets a child was given', () => {
      const logger = new JsonLogger({ write: () => undefined }).child({}, { secrets: ['tok_abcdef'] });
      expect(logger.redact('Bearer tok_abcdef')).toBe('Bearer [redacted]');
    });
  });
});
