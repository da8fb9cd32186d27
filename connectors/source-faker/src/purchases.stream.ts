// The `purchases` stream: 0 to 3 purchases per user. Users come in blocks of four whose purchase
// counts are a seed-chosen shuffle of 0, 1, 2 and 3, so every block holds exactly six purchases:
// purchase ids stay dense and the owner of any purchase id, like the stream's size, is found in
// constant time. That is what lets a read resume at any id without replaying earlier users.
import type { AirbyteStream } from '@tributary/protocol';
import { FAKER_STREAM_TRAITS, type FakeDataset, type FakerStream, isoTimestamp, PURPOSE, userSlotStart } from './faker.stream';
import { PRODUCTS } from './fake.vocabulary';
import { mixSeed, SeededRandom } from './seeded-random';
import { userTimes } from './users.stream';

const dateTime = { type: 'string', format: 'date-time' } as const;

export const PURCHASES_STREAM: AirbyteStream = {
  name: 'purchases',
  json_schema: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'user_id', 'product', 'amount', 'created_at', 'updated_at'],
    properties: {
      id: { type: 'integer', minimum: 1 },
      user_id: { type: 'integer', minimum: 1 },
      product: { type: 'string' },
      amount: { type: 'number', minimum: 0 },
      created_at: dateTime,
      updated_at: dateTime,
    },
  },
  ...FAKER_STREAM_TRAITS,
};

const USERS_PER_BLOCK = 4;
const PURCHASES_PER_BLOCK = 6; // 0 + 1 + 2 + 3
/** A user's purchases sit in the second half of their slot, ten seconds apart. */
const PURCHASE_OFFSET_MS = 30_000;
const PURCHASE_SPACING_MS = 10_000;
const MONTH_SECONDS = 30 * 86_400;

/** Purchase counts of the four users of a block (block 0 holds users 1 to 4). */
function blockCounts(seed: number, block: number): number[] {
  const counts = [0, 1, 2, 3];
  const random = new SeededRandom(mixSeed(seed, PURPOSE.purchaseBlock, block));
  for (let i = counts.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [counts[i], counts[j]] = [counts[j], counts[i]];
  }
  return counts;
}

/** Number of purchases made by users 1..count. */
export function purchaseCount(seed: number, count: number): number {
  const fullBlocks = Math.floor(count / USERS_PER_BLOCK);
  const partial = blockCounts(seed, fullBlocks).slice(0, count % USERS_PER_BLOCK);
  return fullBlocks * PURCHASES_PER_BLOCK + partial.reduce((sum, n) => sum + n, 0);
}

/** The user who made purchase `id` and its index (0-based) among that user's purchases. */
function owner(seed: number, id: number): { userId: number; index: number } {
  const block = Math.floor((id - 1) / PURCHASES_PER_BLOCK);
  let index = id - 1 - block * PURCHASES_PER_BLOCK;
  const counts = blockCounts(seed, block);
  for (let slot = 0; slot < USERS_PER_BLOCK; slot++) {
    if (index < counts[slot]) return { userId: block * USERS_PER_BLOCK + slot + 1, index };
    index -= counts[slot];
  }
  throw new Error(`purchase ${id} has no owner`); // unreachable: each block holds exactly six
}

/** A purchase's generator; its first draw places the purchase in time, so it comes first. */
function purchaseRandom(seed: number, id: number): SeededRandom {
  return new SeededRandom(mixSeed(seed, PURPOSE.purchase, id));
}

function drawUpdatedAt(random: SeededRandom, seed: number, userId: number, index: number): number {
  return userSlotStart(seed, userId) + PURCHASE_OFFSET_MS + index * PURCHASE_SPACING_MS + random.int(0, 9) * 1000;
}

export function purchasesStream({ seed, count }: FakeDataset): FakerStream {
  return {
    definition: PURCHASES_STREAM,
    size: purchaseCount(seed, count),
    updatedAt(id) {
      const { userId, index } = owner(seed, id);
      return drawUpdatedAt(purchaseRandom(seed, id), seed, userId, index);
    },
    record(id) {
      const { userId, index } = owner(seed, id);
      const random = purchaseRandom(seed, id);
      const updated = drawUpdatedAt(random, seed, userId, index);
      const product = random.pick(PRODUCTS);
      const amount = Math.round((product.min + random.next() * (product.max - product.min)) * 100) / 100;
      // Nobody buys before signing up.
      const created = Math.max(userTimes(seed, userId).createdAt, updated - random.int(0, MONTH_SECONDS) * 1000);
      return {
        id,
        user_id: userId,
        product: product.name,
        amount,
        created_at: isoTimestamp(created),
        updated_at: isoTimestamp(updated),
      };
    },
  };
}
