import type { JsonObject } from './messages';
import { collectSecretValues, maskSecrets, SECRET_MASK } from './secrets';

// A spec with secrets at every kind of position the walker has to find: a top-level property, a
// nested object, both branches of a oneOf group, array items, and Airbyte's `airbyte_secret`.
const spec: JsonObject = {
  type: 'object',
  properties: {
    host: { type: 'string' },
    password: { type: 'string', secret: true },
    legacy_key: { type: 'string', airbyte_secret: true },
    ssh: {
      type: 'object',
      properties: {
        user: { type: 'string' },
        private_key: { type: 'string', secret: true },
      },
    },
    credentials: {
      type: 'object',
      oneOf: [
        { properties: { method: { const: 'api_key' }, api_key: { type: 'string', secret: true } } },
        { properties: { method: { const: 'oauth' }, client_id: { type: 'string' }, client_secret: { type: 'string', secret: true } } },
      ],
    },
    replicas: {
      type: 'array',
      items: { type: 'object', properties: { host: { type: 'string' }, token: { type: 'string', secret: true } } },
    },
  },
};

const config = {
  host: 'db.internal',
  password: 'pw-top-level',
  legacy_key: 'ak-legacy',
  ssh: { user: 'tunnel', private_key: '-----BEGIN KEY-----' },
  credentials: { method: 'oauth', client_id: 'client-1', client_secret: 'cs-oauth' },
  replicas: [
    { host: 'r1', token: 'tok-r1' },
    { host: 'r2', token: 'tok-r2' },
  ],
};

describe('maskSecrets', () => {
  it('masks every secret position and leaves everything else as it was', () => {
    expect(maskSecrets(spec, config)).toEqual({
      host: 'db.internal',
      password: SECRET_MASK,
      legacy_key: SECRET_MASK,
      ssh: { user: 'tunnel', private_key: SECRET_MASK },
      credentials: { method: 'oauth', client_id: 'client-1', client_secret: SECRET_MASK },
      replicas: [
        { host: 'r1', token: SECRET_MASK },
        { host: 'r2', token: SECRET_MASK },
      ],
    });
  });

  it('finds the secret of whichever oneOf branch the config uses', () => {
    const masked = maskSecrets(spec, { credentials: { method: 'api_key', api_key: 'k-123' } });
    expect(masked).toEqual({ credentials: { method: 'api_key', api_key: SECRET_MASK } });
  });

  it('does not modify the config it was given', () => {
    const copy = structuredClone(config);
    maskSecrets(spec, config);
    expect(config).toEqual(copy);
  });

  it('leaves absent and null secrets alone instead of inventing a mask', () => {
    expect(maskSecrets(spec, { host: 'h', password: null })).toEqual({ host: 'h', password: null });
  });

  it('masks a non-string secret too', () => {
    expect(maskSecrets({ properties: { pin: { type: 'integer', secret: true } } }, { pin: 1234 })).toEqual({ pin: SECRET_MASK });
  });
});

describe('collectSecretValues', () => {
  it('collects the clear value at every secret position', () => {
    expect(collectSecretValues(spec, config).sort()).toEqual(['-----BEGIN KEY-----', 'ak-legacy', 'cs-oauth', 'pw-top-level', 'tok-r1', 'tok-r2']);
  });

  it('skips empty secrets, which would redact every log line', () => {
    expect(collectSecretValues(spec, { password: '', legacy_key: 'ak' })).toEqual(['ak']);
  });

  it('finds nothing in a config without secrets', () => {
    expect(collectSecretValues(spec, { host: 'h', ssh: { user: 'u' } })).toEqual([]);
  });
});
