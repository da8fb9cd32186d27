// ApiTokenRepository against a real PostgreSQL: a fresh, migrated database for this file; each test
// starts from an empty token table.
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ApiTokenRepository, createDataSource, hashToken, migrate } from '../src';
import { createTestDatabase, type TestDatabase } from '../../../tools/testing/test-database';

let database: TestDatabase;
let dataSource: DataSource;
let tokens: ApiTokenRepository;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 5, applicationName: 'api-token-repository-test' });
  await dataSource.initialize();
  await migrate(dataSource);
  tokens = new ApiTokenRepository(dataSource);
});

afterAll(async () => {
  if (dataSource?.isInitialized) await dataSource.destroy();
  await database?.drop();
});

beforeEach(async () => {
  await dataSource.query('TRUNCATE api_tokens');
});

interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const rows = async (): Promise<TokenRow[]> => (await dataSource.query('SELECT * FROM api_tokens ORDER BY created_at')) as TokenRow[];

describe('ApiTokenRepository', () => {
  it('generates a token on an empty store, once', async () => {
    const first = await tokens.ensureBootstrapToken();
    expect(first.generated).toMatch(/^trb_[A-Za-z0-9_-]{32}$/);

    await expect(tokens.ensureBootstrapToken()).resolves.toEqual({});
    await expect(tokens.verify(first.generated!)).resolves.toBe(true);
    expect((await rows()).map((r) => r.name)).toEqual(['bootstrap (generated)']);
  });

  it('generates one token when several processes start at once', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => tokens.ensureBootstrapToken()));
    expect(results.filter((r) => r.generated)).toHaveLength(1);
    expect(await rows()).toHaveLength(1);
  });

  it('registers an explicit token idempotently and generates none', async () => {
    const explicit = 'tributary-operator-token-0123456789';
    await expect(tokens.ensureBootstrapToken(explicit)).resolves.toEqual({});
    await expect(tokens.ensureBootstrapToken(explicit)).resolves.toEqual({});

    expect((await rows()).map((r) => [r.name, r.token_hash])).toEqual([['bootstrap (TRIBUTARY_API_TOKEN)', hashToken(explicit)]]);
    await expect(tokens.verify(explicit)).resolves.toBe(true);
    // With a token in place, nothing is generated either.
    await expect(tokens.ensureBootstrapToken()).resolves.toEqual({});
  });

  it('accepts known tokens only', async () => {
    const { generated } = await tokens.ensureBootstrapToken();
    await expect(tokens.verify(generated!)).resolves.toBe(true);
    await expect(tokens.verify(`${generated!}x`)).resolves.toBe(false);
    await expect(tokens.verify('trb_not-a-token')).resolves.toBe(false);
    await expect(tokens.verify('')).resolves.toBe(false);
    await expect(tokens.verify(hashToken(generated!))).resolves.toBe(false);
  });

  it('stores only the SHA-256 hash of a token, never the token', async () => {
    const explicit = 'tributary-operator-token-0123456789';
    const { generated } = await tokens.ensureBootstrapToken();
    await tokens.ensureBootstrapToken(explicit);

    const stored = await rows();
    expect(stored.map((r) => r.token_hash).sort()).toEqual(
      [generated!, explicit].map((t) => createHash('sha256').update(t, 'utf8').digest('hex')).sort(),
    );
    const text = JSON.stringify(stored);
    expect(text).not.toContain(generated!);
    expect(text).not.toContain(explicit);
    expect(stored.map((r) => r.prefix).sort()).toEqual([generated!.slice(0, 8), explicit.slice(0, 4)].sort());
  });

  it('records when a token was last used', async () => {
    const { generated } = await tokens.ensureBootstrapToken();
    expect((await rows())[0]!.last_used_at).toBeNull();
    const before = Date.now();
    await tokens.verify(generated!);
    const lastUsed = (await rows())[0]!.last_used_at!;
    expect(lastUsed.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('rejects a revoked token, and generates a new one once every token is revoked', async () => {
    const { generated } = await tokens.ensureBootstrapToken();
    await dataSource.query('UPDATE api_tokens SET revoked_at = now()');

    await expect(tokens.verify(generated!)).resolves.toBe(false);
    const again = await tokens.ensureBootstrapToken();
    expect(again.generated).toBeDefined();
    expect(again.generated).not.toBe(generated);
    await expect(tokens.verify(again.generated!)).resolves.toBe(true);
  });
});
