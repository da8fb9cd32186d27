import { fieldOf, getAt, initialConfig, issuesByField, objectFields, setAt, validateConfig, variantDefault, variantIndex, type OneOfField } from './spec-form.model';
import type { JsonSchema } from '../api/api-types';

const spec: JsonSchema = {
  type: 'object',
  required: ['host', 'credentials'],
  additionalProperties: false,
  properties: {
    port: { type: 'integer', title: 'Port', default: 5432, minimum: 1, maximum: 65535, order: 1 },
    host: { type: 'string', title: 'Host', examples: ['db.internal'], minLength: 1, order: 0 },
    ssl: { type: 'string', enum: ['disable', 'require'], default: 'disable', order: 3 },
    schemas: { type: 'array', items: { type: 'string' }, default: ['public'], order: 4 },
    verbose: { type: 'boolean', order: 5 },
    credentials: {
      order: 2,
      title: 'Authentication',
      oneOf: [
        { title: 'Password', type: 'object', required: ['method', 'password'], properties: { method: { const: 'password' }, password: { type: 'string', secret: true } } },
        { title: 'Key pair', type: 'object', required: ['method', 'key'], properties: { method: { const: 'key' }, key: { type: 'string', multiline: true, secret: true }, rounds: { type: 'integer', default: 3 } } },
      ],
    },
  },
};

describe('spec form model', () => {
  it('orders fields by `order` and maps JSON-Schema types to field kinds', () => {
    const fields = objectFields(spec);
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ['host', 'string'],
      ['port', 'integer'],
      ['credentials', 'oneOf'],
      ['ssl', 'enum'],
      ['schemas', 'array'],
      ['verbose', 'boolean'],
    ]);
    expect(fields[0]).toMatchObject({ required: true, placeholder: 'db.internal', title: 'Host' });
  });

  it('turns oneOf groups into variants told apart by their constant', () => {
    const field = fieldOf('credentials', spec.properties!['credentials']!, true) as OneOfField;
    expect(field.variants.map((v) => [v.title, v.discriminator?.value, v.fields.map((f) => f.name)])).toEqual([
      ['Password', 'password', ['password']],
      ['Key pair', 'key', ['key', 'rounds']],
    ]);
    expect(variantIndex(field, { method: 'key', key: 'x' })).toBe(1);
    expect(variantDefault(field, 1)).toEqual({ method: 'key', rounds: 3 });
    expect(field.variants[0]!.fields[0]).toMatchObject({ kind: 'string', secret: true });
  });

  it('starts from the defaults, including the first oneOf variant', () => {
    expect(initialConfig(spec)).toEqual({ port: 5432, ssl: 'disable', schemas: ['public'], credentials: { method: 'password' } });
  });

  it('reads and writes values by path, removing keys set to undefined', () => {
    const value = setAt({ a: { b: [1, 2] } }, ['a', 'b', 1], 3);
    expect(value).toEqual({ a: { b: [1, 3] } });
    expect(getAt(value, ['a', 'b', 1])).toBe(3);
    expect(setAt({ a: 1, b: 2 }, ['a'], undefined)).toEqual({ b: 2 });
  });

  it('validates against the spec with messages at the field, in the API notation', () => {
    expect(validateConfig(spec, { port: 0, schemas: ['public', 3], credentials: { method: 'password' } })).toEqual({
      host: 'is required',
      port: 'must be >= 1',
      'schemas[1]': 'must be of type string',
      'credentials.password': 'is required',
      'credentials.key': 'is required',
      'credentials.method': 'must be equal to constant',
    });
    expect(validateConfig(spec, { host: 'h', credentials: { method: 'password', password: '**********' } })).toEqual({});
  });

  it('maps the API issues of a config to its fields', () => {
    expect(issuesByField([{ field: 'config.port', message: 'must be of type integer' }, { field: 'name', message: 'is required' }, { field: 'config.streams[0].url', message: 'x' }])).toEqual({
      port: 'must be of type integer',
      'streams[0].url': 'x',
    });
  });
});
