import { assertValidSchema, formatIssues, validateAgainstSchema } from './schema-validation';

// A connector spec in the shape our connectors ship: annotations (`secret`, `order`, `title`) next
// to the standard vocabulary, nested objects, arrays and enums.
const spec = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'credentials'],
  properties: {
    host: { type: 'string', title: 'Host', order: 0 },
    port: { type: 'integer', minimum: 1, maximum: 65535, order: 1 },
    ssl_mode: { type: 'string', enum: ['disable', 'require', 'verify-full'], default: 'require', order: 2 },
    credentials: {
      type: 'object',
      required: ['username', 'password'],
      properties: {
        username: { type: 'string' },
        password: { type: 'string', secret: true, airbyte_secret: true },
      },
    },
    items: { type: 'array', items: { type: 'integer' } },
  },
};

const valid = { host: 'db.internal', port: 5432, ssl_mode: 'require', credentials: { username: 'etl', password: 'hunter22' }, items: [1, 2, 3] };

describe('validateAgainstSchema', () => {
  it('returns no issue for a valid config, with the `secret` and `order` keywords accepted', () => {
    expect(validateAgainstSchema(spec, valid)).toEqual([]);
  });

  it('names a missing required field at the root', () => {
    const { host: _host, ...withoutHost } = valid;
    expect(validateAgainstSchema(spec, withoutHost)).toEqual([{ field: 'host', message: 'is required' }]);
  });

  it('names a missing nested field with a dotted path', () => {
    expect(validateAgainstSchema(spec, { ...valid, credentials: { username: 'etl' } })).toEqual([{ field: 'credentials.password', message: 'is required' }]);
  });

  it('names an array element by its index', () => {
    expect(validateAgainstSchema(spec, { ...valid, items: [1, 2, 'three'] })).toEqual([{ field: 'items[2]', message: 'must be of type integer' }]);
  });

  it('reports a wrong type with the expected type', () => {
    expect(validateAgainstSchema(spec, { ...valid, port: '5432' })).toEqual([{ field: 'port', message: 'must be of type integer' }]);
    expect(validateAgainstSchema(spec, { ...valid, credentials: { username: 7, password: 'x' } })).toEqual([
      { field: 'credentials.username', message: 'must be of type string' },
    ]);
  });

  it('lists the allowed values of an enum', () => {
    expect(validateAgainstSchema(spec, { ...valid, ssl_mode: 'prefer' })).toEqual([
      { field: 'ssl_mode', message: 'must be one of "disable", "require", "verify-full"' },
    ]);
  });

  it('calls an extra field "not a known field" when additionalProperties is false', () => {
    expect(validateAgainstSchema(spec, { ...valid, hots: 'typo' })).toEqual([{ field: 'hots', message: 'is not a known field' }]);
  });

  it('reports every issue at once, each with its own path', () => {
    const issues = validateAgainstSchema(spec, { port: 70000, credentials: {}, extra: true });
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'host', message: 'is required' },
        { field: 'credentials.username', message: 'is required' },
        { field: 'credentials.password', message: 'is required' },
        { field: 'extra', message: 'is not a known field' },
        { field: 'port', message: 'must be <= 65535' },
      ]),
    );
    expect(issues).toHaveLength(5);
  });

  it('reports a whole value of the wrong type at the root with an empty field', () => {
    expect(validateAgainstSchema(spec, 'not an object')).toEqual([{ field: '', message: 'must be of type object' }]);
  });

  it('keeps the specific issues of the oneOf branches and drops the generic oneOf line', () => {
    const withAuth = {
      type: 'object',
      properties: {
        auth: {
          oneOf: [
            { type: 'object', required: ['method', 'api_key'], properties: { method: { const: 'key' }, api_key: { type: 'string', secret: true } } },
            { type: 'object', required: ['method', 'token'], properties: { method: { const: 'oauth' }, token: { type: 'string', secret: true } } },
          ],
        },
      },
    };
    const issues = validateAgainstSchema(withAuth, { auth: { method: 'key' } });
    expect(issues).toEqual(expect.arrayContaining([{ field: 'auth.api_key', message: 'is required' }]));
    expect(issues.some((i) => /oneOf/.test(i.message))).toBe(false);
    // Duplicates across branches are reported once.
    expect(new Set(issues.map((i) => `${i.field}|${i.message}`)).size).toBe(issues.length);
  });
});

describe('assertValidSchema', () => {
  it('accepts a spec using our annotation keywords', () => {
    expect(() => assertValidSchema(spec)).not.toThrow();
  });

  it('throws on an invalid JSON Schema, naming what is wrong', () => {
    expect(() => assertValidSchema({ type: 'objekt' })).toThrow(/^invalid JSON Schema: /);
    expect(() => assertValidSchema({ type: 'object', required: 'host' })).toThrow(/invalid JSON Schema: .*required/);
  });
});

describe('formatIssues', () => {
  it('joins issues into one line, leaving out the empty root field', () => {
    expect(
      formatIssues([
        { field: 'port', message: 'must be of type integer' },
        { field: 'host', message: 'is required' },
        { field: '', message: 'must be of type object' },
      ]),
    ).toBe('port: must be of type integer; host: is required; must be of type object');
  });

  it('is empty for no issue', () => {
    expect(formatIssues([])).toBe('');
  });

  it('accepts date-times and times with or without a zone, and the type-hint formats of typed destinations', () => {
    const schema = {
      type: 'object',
      properties: { at: { type: 'string', format: 'date-time' }, t: { type: 'string', format: 'time' }, amount: { type: 'string', format: 'decimal' }, big: { type: 'string', format: 'int64' } },
    };
    expect(validateAgainstSchema(schema, { at: '2024-01-01T00:00:00', t: '12:34:56', amount: '12.50', big: '9007199254740993' })).toEqual([]);
    expect(validateAgainstSchema(schema, { at: '2024-01-01T00:00:00.123+02:00', t: '12:34:56Z' })).toEqual([]);
    expect(validateAgainstSchema(schema, { at: 'yesterday' })).toEqual([{ field: 'at', message: 'must match format "date-time"' }]);
  });
});
