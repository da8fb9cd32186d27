import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretCipher } from './secret-cipher';
import { loadOrCreateKeyFile, resolveSecretCipher } from './secret-key-file';

describe('secret key file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-key-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the key once, readable by its owner only, in a directory it creates', () => {
    const path = join(dir, 'nested', 'data', 'secret.key');

    const material = loadOrCreateKeyFile(path);

    expect(Buffer.from(material, 'base64')).toHaveLength(32);
    expect(readFileSync(path, 'utf8')).toBe(`${material}\n`);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('reuses the existing key and leaves the file untouched', () => {
    const path = join(dir, 'secret.key');
    const first = loadOrCreateKeyFile(path);
    const before = statSync(path);

    expect(loadOrCreateKeyFile(path)).toBe(first);
    const after = statSync(path);
    expect([after.ino, after.mtimeMs, after.size]).toEqual([before.ino, before.mtimeMs, before.size]);
  });

  it('gives a cipher from the data directory key that opens what an earlier start sealed', () => {
    const spec = { properties: { password: { type: 'string', secret: true } } };
    const sealed = resolveSecretCipher({ dataDir: dir }).seal(spec, { password: 'pw' });

    expect(resolveSecretCipher({ dataDir: dir }).open(sealed)).toEqual({ password: 'pw' });
    expect(SecretCipher.fromKeyMaterial(readFileSync(join(dir, 'secret.key'), 'utf8')).open(sealed)).toEqual({ password: 'pw' });
  });

  it('prefers an explicit key and then creates no file', () => {
    const explicit = SecretCipher.generateKeyMaterial();
    const sealed = resolveSecretCipher({ secretKey: explicit, dataDir: dir }).seal({ properties: { t: { secret: true } } }, { t: 'x' });

    expect(existsSync(join(dir, 'secret.key'))).toBe(false);
    expect(SecretCipher.fromKeyMaterial(explicit).open(sealed)).toEqual({ t: 'x' });
  });
});
