// The faker's only source of randomness: a small seedable generator (mulberry32) and a hash that
// derives an independent seed for every (seed, purpose, id). Each fake value is therefore a pure
// function of its inputs, so a record can be rebuilt on its own (resume at any id without replaying
// the ones before) and comes out the same on every machine: the arithmetic is 32-bit integer
// (Math.imul, >>>), never Math.random or the clock.

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the whole word. */
function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines non-negative integers (each below 2^53) into one well-mixed 32-bit seed. */
export function mixSeed(...parts: number[]): number {
  let h = 0x2545f491;
  for (const part of parts) {
    // Both 32-bit halves take part, so ids past 2^32 do not collide with small ones.
    h = fmix32(Math.imul(h ^ (part >>> 0), 0x9e3779b1) + fmix32(Math.floor(part / 0x100000000)));
  }
  return h;
}

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}
