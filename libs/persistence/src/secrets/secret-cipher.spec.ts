import { createHash, randomBytes } from 'node:crypto';
import { SECRET_MASK, type JsonObject } from '@tributary/protocol';
import { maskSealedConfig, SecretCipher } from './secret-cipher';

const spec: JsonObject = {
  type: 'object',
  properties: {
    host: { type: 'string' },
    port: { type: 'integer' },
    password: { type: 'string', secret: true },
    ssh: { type: 'object', properties: { user: { type: 'string' }, private_key: { type: 'string', secret: true } } },
    credentials: {
      type: 'object',
      oneOf: [
        { properties: { method: { const: 'api_key' }, api_key: { type: 'string', secret: true } } },
        { properties: { method: { const: 'oauth' }, refresh_token: { type: 'string', secret: true } } },
      ],
    },
    replicas: { type: 'array', items: { type: 'object', properties: { host: { type: 'string' }, password: { type: 'string', secret: true } } } },
  },
};

const config: JsonObject = {
  host: 'db.internal',
  port: 5432,
  password: 'pw-1',
  ssh: { user: 'tunnel', private_key: '-----BEGIN OPENSSH PRIVATE KEY-----' },
  credentials: { method: 'api_key', api_key: 'ak-1' },
  replicas: [{ host: 'r1', password: 'pw-r1' }],
};

const SEALED = { $sealed: expect.stringMatching(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/) };

describe('SecretCipher', () => {
  const key = SecretCipher.generateKeyMaterial();
  const cipher = SecretCipher.fromKeyMaterial(key);

  it('seals only the secret fields, each as { $sealed }', () => {
    const sealed = cipher.seal(spec, config);
    expect(sealed).toEqual({
      host: 'db.internal',
      port: 5432,
      password: SEALED,
      ssh: { user: 'tunnel', private_key: SEALED },
      credentials: { method: 'api_key', api_key: SEALED },
      replicas: [{ host: 'r1', password: SEALED }],
    });
    const text = JSON.stringify(sealed);
    for (const secret of ['pw-1', 'OPENSSH', 'ak-1', 'pw-r1']) expect(text).not.toContain(secret);
  });

  it('opens a sealed config back to the original, without needing the spec', () => {
    expect(cipher.open(cipher.seal(spec, config))).toEqual(config);
  });

  it('keeps the JSON type of a non-string secret', () => {
    const pinSpec: JsonObject = { properties: { pin: { type: 'integer', secret: true }, keys: { type: 'array', secret: true } } };
    const sealed = cipher.seal(pinSpec, { pin: 1234, keys: ['a', 'b'] });
    expect(sealed).toEqual({ pin: SEALED, keys: SEALED });
    expect(cipher.open(sealed)).toEqual({ pin: 1234, keys: ['a', 'b'] });
  });

  it('seals with a fresh IV each time', () => {
    const a = cipher.seal(spec, { password: 'same' });
    const b = cipher.seal(spec, { password: 'same' });
    expect(a.password).not.toEqual(b.password);
    expect(cipher.open(a)).toEqual(cipher.open(b));
  });

  it('leaves already sealed values alone', () => {
    const sealed = cipher.seal(spec, config);
    expect(cipher.seal(spec, sealed)).toEqual(sealed);
  });

  it('refuses to open with another key, naming TRIBUTARY_SECRET_KEY', () => {
    const sealed = cipher.seal(spec, config);
    const other = SecretCipher.fromKeyMaterial(SecretCipher.generateKeyMaterial());
    expect(() => other.open(sealed)).toThrow(/TRIBUTARY_SECRET_KEY/);
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = cipher.seal(spec, { password: 'pw-1' }) as { password: { $sealed: string } };
    const [version, iv, tag, body] = sealed.password.$sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => cipher.open({ password: { $sealed: [version, iv, tag, flipped.toString('base64url')].join('.') } })).toThrow(/cannot be decrypted/);
  });

  it('refuses an unknown sealed format', () => {
    expect(() => cipher.open({ password: { $sealed: 'v9.a.b.c' } })).toThrow('unrecognised sealed secret format');
  });

  describe('merge', () => {
    // Without the array field, which has a test of its own below.
    const { replicas: _replicas, ...flatConfig } = config;

    it('keeps the stored value of a secret sent back masked and seals a new one', () => {
      const stored = cipher.seal(spec, flatConfig);
      const incoming = { ...maskSealedConfig(stored), host: 'db2.internal', password: 'pw-2' };

      const merged = cipher.merge(spec, stored, incoming);

      expect(merged).toMatchObject({ host: 'db2.internal', ssh: { private_key: (stored.ssh as JsonObject).private_key }, credentials: { api_key: (stored.credentials as JsonObject).api_key } });
      expect(merged.password).toEqual(SEALED);
      expect(merged.password).not.toEqual(stored.password);
      expect(cipher.open(merged)).toEqual({ ...flatConfig, host: 'db2.internal', password: 'pw-2' });
    });

    it('drops a secret field the update leaves out', () => {
      const stored = cipher.seal(spec, flatConfig);
      const { password: _password, ...incoming } = maskSealedConfig(stored);
      expect(cipher.open(cipher.merge(spec, stored, incoming))).not.toHaveProperty('password');
    });

    // maskSecrets / maskSealedConfig mask secrets inside arrays too, so a client round-tripping a
    // masked config sends the mask back there as well: the stored secret must survive.
    it('keeps the stored value of a masked secret inside an array', () => {
      const stored = cipher.seal(spec, config);
      const incoming = maskSealedConfig(stored);
      expect(incoming.replicas).toEqual([{ host: 'r1', password: SECRET_MASK }]);

      const opened = cipher.open(cipher.merge(spec, stored, incoming));

      expect(opened.replicas).toEqual([{ host: 'r1', password: 'pw-r1' }]);
    });
  });

  describe('fromKeyMaterial', () => {
    const raw = randomBytes(32);

    it('reads the same 32-byte key from hex and from base64', () => {
      const sealed = SecretCipher.fromKeyMaterial(raw.toString('hex')).seal(spec, config);
      expect(SecretCipher.fromKeyMaterial(raw.toString('base64')).open(sealed)).toEqual(config);
      expect(SecretCipher.fromKeyMaterial(`  ${raw.toString('hex').toUpperCase()}\n`).open(sealed)).toEqual(config);
      expect(SecretCipher.fromKeyMaterial(raw.toString('base64url')).open(sealed)).toEqual(config);
    });

    it('stretches a passphrase with SHA-256', () => {
      const sealed = SecretCipher.fromKeyMaterial('correct horse battery staple').seal(spec, config);
      expect(SecretCipher.fromKeyMaterial('correct horse battery staple').open(sealed)).toEqual(config);
      const stretched = createHash('sha256').update('correct horse battery staple').digest('hex');
      expect(SecretCipher.fromKeyMaterial(stretched).open(sealed)).toEqual(config);
      expect(() => SecretCipher.fromKeyMaterial('correct horse battery stapler').open(sealed)).toThrow(/TRIBUTARY_SECRET_KEY/);
    });

    it('generates 32 random bytes as base64', () => {
      const material = SecretCipher.generateKeyMaterial();
      expect(Buffer.from(material, 'base64')).toHaveLength(32);
      expect(material).not.toBe(SecretCipher.generateKeyMaterial());
    });
  });
});

describe('maskSealedConfig', () => {
  it('masks every sealed value wherever it is and leaves the rest', () => {
    const cipher = SecretCipher.fromKeyMaterial('masking');
    expect(maskSealedConfig(cipher.seal(spec, config))).toEqual({
      host: 'db.internal',
      port: 5432,
      password: SECRET_MASK,
      ssh: { user: 'tunnel', private_key: SECRET_MASK },
      credentials: { method: 'api_key', api_key: SECRET_MASK },
      replicas: [{ host: 'r1', password: SECRET_MASK }],
    });
  });
});
