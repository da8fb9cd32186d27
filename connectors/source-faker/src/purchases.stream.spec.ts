import { purchaseCount, purchasesStream } from './purchases.stream';
import { usersStream } from './users.stream';

describe('purchasesStream', () => {
  it('gives each user 0 to 3 purchases, in user order, and counts them exactly for every count', () => {
    const all = purchasesStream({ seed: 42, count: 40 });
    const owners = Array.from({ length: all.size }, (_, i) => Number(all.record(i + 1).user_id));
    expect(owners.every((owner, i) => i === 0 || owner >= owners[i - 1])).toBe(true);
    for (let count = 0; count <= 40; count++) {
      const expected = owners.filter((owner) => owner <= count).length;
      expect([count, purchaseCount(42, count)]).toEqual([count, expected]);
    }
    const perUser = Array.from({ length: 40 }, (_, i) => owners.filter((owner) => owner === i + 1).length);
    expect(new Set(perUser)).toEqual(new Set([0, 1, 2, 3]));
  });

  it('agrees with the record on updated_at without building it', () => {
    const stream = purchasesStream({ seed: 3, count: 50 });
    for (let id = 1; id <= stream.size; id++) {
      expect(Date.parse(String(stream.record(id).updated_at))).toBe(stream.updatedAt(id));
    }
  });

  it('builds records far into a huge dataset directly, with valid dates', () => {
    const users = usersStream({ seed: 42, count: 1_000_000_000 });
    const purchases = purchasesStream({ seed: 42, count: 1_000_000_000 });
    expect(purchases.size).toBe(1_500_000_000);
    const lastUser = users.record(users.size);
    const lastPurchase = purchases.record(purchases.size);
    expect(lastUser.id).toBe(1_000_000_000);
    expect(lastUser.updated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(lastPurchase.user_id).toBeLessThanOrEqual(1_000_000_000);
    expect(Date.parse(String(lastPurchase.updated_at))).toBeGreaterThan(Date.parse(String(lastUser.updated_at)) - 60_000);
  });
});
