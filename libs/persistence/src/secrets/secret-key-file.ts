// The embedded default keeps its encryption key in the data directory, readable by its owner only.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SecretCipher } from './secret-cipher';

/** Reads the key at `path`, creating it (mode 0600) when missing. */
export function loadOrCreateKeyFile(path: string): string {
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dirname(path), { recursive: true });
  const material = SecretCipher.generateKeyMaterial();
  writeFileSync(path, `${material}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return material;
}

/** The cipher for secret fields: from explicit key material, else the data directory's key file. */
export function resolveSecretCipher(options: { secretKey?: string; dataDir: string }): SecretCipher {
  return SecretCipher.fromKeyMaterial(options.secretKey ?? loadOrCreateKeyFile(join(options.dataDir, 'secret.key')));
}
