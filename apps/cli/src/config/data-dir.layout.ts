// What `tributary up` keeps in its data directory, so a second start finds the same database,
// API token hash, encryption key and Temporal history:
//   postgres/        the embedded PostgreSQL cluster
//   postgres.json    its port and superuser password (chosen at the first start, mode 0600)
//   temporal.db      the Temporal dev server's SQLite store
//   secret.key       the key that encrypts connector secrets (unless TRIBUTARY_SECRET_KEY is set)
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../stack';
import { CliException, CliExceptionCode } from '../cli.exception';

export interface EmbeddedPostgresSettings {
  port: number;
  user: string;
  password: string;
}

export class DataDirLayout {
  constructor(readonly root: string) {}

  get postgresDir(): string {
    return join(this.root, 'postgres');
  }

  get postgresSettingsFile(): string {
    return join(this.root, 'postgres.json');
  }

  get temporalDbFile(): string {
    return join(this.root, 'temporal.db');
  }

  get secretKeyFile(): string {
    return join(this.root, 'secret.key');
  }

  /** Creates the directory when missing (readable by others only to traverse: Postgres may run as another user). */
  ensureExists(): void {
    mkdirSync(this.root, { recursive: true, mode: 0o711 });
  }

  /**
   * The embedded server's settings: read back, or chosen and stored on the first start so URLs stay
   * stable across restarts. The port is `preferredPort` (TRIBUTARY_PG_PORT) or a free one.
   */
  async loadOrCreatePostgresSettings(preferredPort: number | undefined): Promise<EmbeddedPostgresSettings> {
    const file = this.postgresSettingsFile;
    if (existsSync(file)) {
      try {
        const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<EmbeddedPostgresSettings>;
        if (Number.isInteger(stored.port) && typeof stored.user === 'string' && typeof stored.password === 'string') {
          return { port: stored.port as number, user: stored.user, password: stored.password };
        }
      } catch {
        // reported below
      }
      throw new CliException(CliExceptionCode.INVALID_CONFIG, `${file} is damaged: it should hold {"port", "user", "password"} of the embedded PostgreSQL server.`);
    }
    const settings: EmbeddedPostgresSettings = {
      port: preferredPort ?? (await findFreePort()),
      user: 'postgres',
      password: randomBytes(18).toString('hex'),
    };
    writeFileSync(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
    return settings;
  }
}
