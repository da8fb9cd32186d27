// Secret config fields are encrypted at rest with AES-256-GCM. A sealed value is stored in place of
// the secret as `{ "$sealed": "v1.<iv>.<tag>.<ciphertext>" }` (base64url parts), so opening a config
// needs no spec, and a spec change can never expose an old secret.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mapSecrets, SECRET_MASK, type JsonObject } from '@tributary/protocol';

const VERSION = 'v1';

interface Sealed {
  $sealed: string;
}

function isSealed(value: unknown): value is Sealed {
  return !!value && typeof value === 'object' && typeof (value as Sealed).$sealed === 'string';
}

export class SecretCipher {
  private constructor(private readonly key: Buffer) {}

  /** Accepts 32 bytes as base64 or hex; any other text is stretched with SHA-256. */
  static fromKeyMaterial(material: string): SecretCipher {
    const trimmed = material.trim();
    if (/^[0-9a-f]{64}$/i.test(trimmed)) return new SecretCipher(Buffer.from(trimmed, 'hex'));
    const decoded = Buffer.from(trimmed, 'base64');
    if (decoded.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(trimmed)) return new SecretCipher(decoded);
    return new SecretCipher(createHash('sha256').update(trimmed, 'utf8').digest());
  }

  static generateKeyMaterial(): string {
    return randomBytes(32).toString('base64');
  }

  /** Seals every secret field of `config` (as the spec marks them) that is not sealed already. */
  seal(spec: JsonObject, config: JsonObject): JsonObject {
    return mapSecrets(spec, config, (value) => (isSealed(value) ? value : this.encrypt(JSON.stringify(value)))) as JsonObject;
  }

  /** Replaces every sealed value with its clear value. */
  open(config: JsonObject): JsonObject {
    return this.walk(config) as JsonObject;
  }

  /**
   * Applies an update to a stored (sealed) config: a secret sent back as the mask keeps its stored
   * value, so a client can round-trip a masked config without knowing the secret.
   */
  merge(spec: JsonObject, stored: JsonObject, incoming: JsonObject): JsonObject {
    const keepMasked = (incomingValue: unknown, storedValue: unknown): unknown => {
      if (incomingValue === SECRET_MASK) return storedValue;
      if (Array.isArray(incomingValue)) {
        return incomingValue.map((item, index) => keepMasked(item, Array.isArray(storedValue) ? storedValue[index] : undefined));
      }
      if (incomingValue && typeof incomingValue === 'object' && !Array.isArray(incomingValue) && storedValue && typeof storedValue === 'object') {
        const out: Record<string, unknown> = { ...(incomingValue as Record<string, unknown>) };
        for (const [key, value] of Object.entries(out)) out[key] = keepMasked(value, (storedValue as Record<string, unknown>)[key]);
        return out;
      }
      return incomingValue;
    };
    return this.seal(spec, keepMasked(incoming, stored) as JsonObject);
  }

  private encrypt(plain: string): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return { $sealed: [VERSION, iv.toString('base64url'), tag.toString('base64url'), body.toString('base64url')].join('.') };
  }

  private decrypt(sealed: Sealed): unknown {
    const [version, iv, tag, body] = sealed.$sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('unrecognised sealed secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    try {
      const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      return JSON.parse(plain) as unknown;
    } catch {
      throw new Error('a stored secret cannot be decrypted: TRIBUTARY_SECRET_KEY differs from the key it was sealed with');
    }
  }

  private walk(value: unknown): unknown {
    if (isSealed(value)) return this.decrypt(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, this.walk(item)]));
    }
    return value;
  }
}

/** A stored config as it may be shown: sealed values (wherever they are) become the mask. */
export function maskSealedConfig(config: JsonObject): JsonObject {
  const walk = (value: unknown): unknown => {
    if (isSealed(value)) return SECRET_MASK;
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return walk(config) as JsonObject;
}
