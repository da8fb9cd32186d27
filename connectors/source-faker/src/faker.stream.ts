// What every faker stream offers the source: its catalog entry and random access to its records by
// id. Ids are dense (1..size) and updated_at strictly increases with id, so "strictly after this
// cursor" is just "from this id on", and resuming never replays or skips a record.
import type { AirbyteStream, JsonObject } from '@tributary/protocol';
import { mixSeed } from './seeded-random';

export interface FakeDataset {
  seed: number;
  /** Number of users; every other stream follows from it. */
  count: number;
}

export interface FakerStream {
  readonly definition: AirbyteStream;
  /** Number of records in the stream (ids run from 1 to size). */
  readonly size: number;
  /** updated_at of record `id`, in epoch milliseconds, without building the record. */
  updatedAt(id: number): number;
  /** Record `id`, 1 ≤ id ≤ size. */
  record(id: number): JsonObject;
}

/** Distinguishes the independent random draws made for the same id. */
export const PURPOSE = { timeline: 1, user: 2, userTimes: 3, purchaseBlock: 4, purchase: 5 } as const;

const DAY_MS = 86_400_000;

/**
 * Each user owns a one-minute slot of the timeline: its own updated_at falls in the first half,
 * its purchases' in the second. Slots follow user ids, which keeps updated_at strictly increasing
 * with id in both streams, and new users (a larger count) always land after existing ones.
 */
export const USER_SLOT_MS = 60_000;

/** Start of the timeline: a fixed date shifted by up to a year by the seed, never the clock. */
export function timelineStart(seed: number): number {
  return Date.UTC(2020, 0, 1) + (mixSeed(seed, PURPOSE.timeline) % 366) * DAY_MS;
}

export function userSlotStart(seed: number, userId: number): number {
  return timelineStart(seed) + (userId - 1) * USER_SLOT_MS;
}

export function isoTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Properties shared by every faker stream's catalog entry. */
export const FAKER_STREAM_TRAITS = {
  supported_sync_modes: ['full_refresh', 'incremental'],
  source_defined_cursor: true,
  default_cursor_field: ['updated_at'],
  source_defined_primary_key: [['id']],
  is_resumable: true,
} satisfies Omit<AirbyteStream, 'name' | 'json_schema'>;
