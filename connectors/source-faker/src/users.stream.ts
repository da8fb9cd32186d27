// The `users` stream: `count` people with a name, an e-mail, an age and an address, each rebuilt
// on demand from (seed, id) alone.
import type { AirbyteStream, JsonObject } from '@tributary/protocol';
import { FAKER_STREAM_TRAITS, type FakeDataset, type FakerStream, isoTimestamp, PURPOSE, userSlotStart } from './faker.stream';
import { CITIES, FIRST_NAMES, LAST_NAMES, STREET_NAMES, STREET_SUFFIXES } from './fake.vocabulary';
import { mixSeed, SeededRandom } from './seeded-random';

const dateTime = { type: 'string', format: 'date-time' } as const;

export const USERS_STREAM: AirbyteStream = {
  name: 'users',
  json_schema: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'email', 'age', 'address', 'created_at', 'updated_at'],
    properties: {
      id: { type: 'integer', minimum: 1 },
      name: { type: 'string' },
      email: { type: 'string', format: 'email' },
      age: { type: 'integer', minimum: 18, maximum: 90 },
      address: {
        type: 'object',
        additionalProperties: false,
        required: ['street', 'city', 'postal_code', 'country_code'],
        properties: {
          street: { type: 'string' },
          city: { type: 'string' },
          postal_code: { type: 'string' },
          country_code: { type: 'string', minLength: 2, maxLength: 2 },
        },
      },
      created_at: dateTime,
      updated_at: dateTime,
    },
  },
  ...FAKER_STREAM_TRAITS,
};

const YEAR_SECONDS = 365 * 86_400;

/**
 * A user's timestamps in epoch ms. Drawn from their own generator so the purchases stream can
 * read a user's created_at without building the whole user.
 */
export function userTimes(seed: number, id: number): { createdAt: number; updatedAt: number } {
  const random = new SeededRandom(mixSeed(seed, PURPOSE.userTimes, id));
  const updatedAt = userSlotStart(seed, id) + random.int(0, 29) * 1000;
  return { createdAt: updatedAt - random.int(0, YEAR_SECONDS) * 1000, updatedAt };
}

export function usersStream({ seed, count }: FakeDataset): FakerStream {
  return {
    definition: USERS_STREAM,
    size: count,
    updatedAt: (id) => userTimes(seed, id).updatedAt,
    record(id) {
      const random = new SeededRandom(mixSeed(seed, PURPOSE.user, id));
      const first = random.pick(FIRST_NAMES);
      const last = random.pick(LAST_NAMES);
      const place = random.pick(CITIES);
      const times = userTimes(seed, id);
      const user: JsonObject = {
        id,
        name: `${first} ${last}`,
        // The id keeps e-mails unique however many users share a name.
        email: `${first}.${last}.${id}@example.com`.toLowerCase(),
        age: random.int(18, 90),
        address: {
          street: `${random.int(1, 999)} ${random.pick(STREET_NAMES)} ${random.pick(STREET_SUFFIXES)}`,
          city: place.city,
          postal_code: String(random.int(0, 99_999)).padStart(5, '0'),
          country_code: place.country_code,
        },
        created_at: isoTimestamp(times.createdAt),
        updated_at: isoTimestamp(times.updatedAt),
      };
      return user;
    },
  };
}
