/**
 * Small, fast, seedable randomness for the generator. Everything the simulator generates is a pure function of
 * `hash32(seed, surveyId, index, version)`, so the same seed always yields the same bytes and no response needs to
 * be stored to be produced again. `Math.random` is never used for data.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a step over one part, then a separator byte (so ("ab","c") and ("a","bc") differ). */
function mix(h: number, part: string | number): number {
  if (typeof part === 'number') {
    // Integers up to 2^53: fold the high and low halves so large indexes do not collide.
    const lo = part >>> 0;
    const hi = Math.floor(part / 0x1_0000_0000) >>> 0;
    h = Math.imul(h ^ lo, FNV_PRIME);
    h = Math.imul(h ^ hi, FNV_PRIME);
  } else {
    for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), FNV_PRIME);
  }
  return Math.imul(h ^ 0xff, FNV_PRIME);
}

/** The murmur3 finaliser. */
function finish(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mixes strings and integers into one 32-bit unsigned hash (FNV-1a over the parts, then a murmur3 finaliser). */
export function hash32(...parts: ReadonlyArray<string | number>): number {
  let h = FNV_OFFSET;
  for (const part of parts) h = mix(h, part);
  return finish(h);
}

/**
 * `hash32(...prefix, ...more)` for a fixed prefix, hashing the prefix once: the generator hashes the same
 * (seed, survey id, label) prefix for every response, and only the trailing integers change.
 */
export class HashPrefix {
  private readonly state: number;

  constructor(...prefix: ReadonlyArray<string | number>) {
    let h = FNV_OFFSET;
    for (const part of prefix) h = mix(h, part);
    this.state = h;
  }

  /** `hash32(...prefix, a)`. */
  of(a: number): number {
    return finish(mix(this.state, a));
  }

  /** `hash32(...prefix, a, b)`. */
  of2(a: number, b: number): number {
    return finish(mix(mix(this.state, a), b));
  }
}

/** A mulberry32 generator with helpers; cheap to create (one per generated response). */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `weights[i]` is the relative weight of `items[i]`. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }
}

/** A generator seeded from the hash of the parts. */
export function rngFor(...parts: ReadonlyArray<string | number>): Rng {
  return new Rng(hash32(...parts));
}
