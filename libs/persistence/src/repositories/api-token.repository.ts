// API tokens: only SHA-256 hashes are stored. The bootstrap token is either given by the operator
// or generated once, on the first start of an empty store, and shown only then.
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { ApiTokenEntity } from '../entities';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class ApiTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Makes sure the API can be reached. With `explicitToken` that token is registered (idempotent);
   * otherwise, when no token exists yet, one is generated and returned — the only time it is known.
   */
  async ensureBootstrapToken(explicitToken?: string): Promise<{ generated?: string }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('tributary.bootstrap-token'))`);
      const tokens = manager.getRepository(ApiTokenEntity);
      if (explicitToken) {
        const tokenHash = hashToken(explicitToken);
        if (!(await tokens.exists({ where: { tokenHash } }))) {
          await tokens.insert({ name: 'bootstrap (TRIBUTARY_API_TOKEN)', tokenHash, prefix: explicitToken.slice(0, 4) });
        }
        return {};
      }
      if ((await tokens.count({ where: { revokedAt: IsNull() } })) > 0) return {};
      const generated = `trb_${randomBytes(24).toString('base64url')}`;
      await tokens.insert({ name: 'bootstrap (generated)', tokenHash: hashToken(generated), prefix: generated.slice(0, 8) });
      return { generated };
    });
  }

  /** True when the token is known and not revoked. */
  async verify(token: string): Promise<boolean> {
    const found = await this.dataSource.getRepository(ApiTokenEntity).findOne({ where: { tokenHash: hashToken(token), revokedAt: IsNull() } });
    if (!found) return false;
    if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000) {
      await this.dataSource.getRepository(ApiTokenEntity).update(found.id, { lastUsedAt: new Date() });
    }
    return true;
  }
}
