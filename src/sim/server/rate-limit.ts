/**
 * Leaky buckets (FACTS.md §12): one for the brand (default 3,000 requests/min) and one per endpoint, each draining
 * at its per-minute limit. Buckets run on real time (an injectable `now`), not on the simulated clock: advancing
 * the clock by a week must not refill a week's worth of budget.
 *
 * Burst: a bucket holds `limit / 60 × burstSeconds` requests (default 5 s, at least 2). Qualtrics does not publish
 * its burst size; a full minute's capacity would let a client fire 3,000 requests in one instant, which is not how
 * the real service behaves, while a one-request bucket would punish the jitter of a client that paces correctly.
 */
export class LeakyBucket {
  private level = 0;
  private last: number;

  constructor(
    /** Requests per minute the bucket drains. */
    readonly perMinute: number,
    /** Requests admitted back to back from empty. */
    readonly capacity: number,
    private readonly now: () => number,
  ) {
    this.last = now();
  }

  /** Admits one request (and counts it) if the bucket has room; a refused request is not counted. */
  tryTake(): boolean {
    this.drain();
    if (this.level + 1 > this.capacity + 1e-9) return false;
    this.level += 1;
    return true;
  }

  /** True if one more request would fit right now (does not count it). */
  hasRoom(): boolean {
    this.drain();
    return this.level + 1 <= this.capacity + 1e-9;
  }

  private drain(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.level = Math.max(0, this.level - (elapsed * this.perMinute) / 60_000);
  }
}

/** Options of the rate limiter. */
export interface RateLimiterOptions {
  /** Brand-wide limit in requests per minute (default 3000). */
  brandPerMinute?: number;
  /** Multiplies every per-endpoint limit (default 1); the brand limit is not scaled. */
  scale?: number;
  /** Seconds of traffic at the limit a bucket absorbs at once (default 5). */
  burstSeconds?: number;
  /** Millisecond clock for the buckets (default `performance.now`). */
  now?: () => number;
}

/** Bucket capacity for a per-minute limit. */
export function burstCapacity(perMinute: number, burstSeconds: number): number {
  return Math.max(2, Math.floor((perMinute / 60) * burstSeconds));
}

/** The brand bucket plus lazily created per-endpoint buckets, keyed by brand and route template. */
export class RateLimiter {
  private readonly buckets = new Map<string, LeakyBucket>();
  private readonly brandPerMinute: number;
  private readonly scale: number;
  private readonly burstSeconds: number;
  private readonly now: () => number;

  constructor(opts: RateLimiterOptions = {}) {
    this.brandPerMinute = opts.brandPerMinute ?? 3000;
    this.scale = opts.scale ?? 1;
    this.burstSeconds = opts.burstSeconds ?? 5;
    this.now = opts.now ?? (() => performance.now());
  }

  /**
   * Admits a request against both its endpoint's bucket and the brand's, or refuses it without consuming either.
   * `endpointPerMinute` undefined means the endpoint has no limit of its own.
   */
  admit(brandId: string, endpoint: string, endpointPerMinute: number | undefined): boolean {
    const brand = this.bucket(`brand:${brandId}`, this.brandPerMinute);
    const own =
      endpointPerMinute === undefined
        ? undefined
        : this.bucket(`${brandId}:${endpoint}`, Math.max(1e-6, endpointPerMinute * this.scale));
    if (!brand.hasRoom() || (own !== undefined && !own.hasRoom())) return false;
    brand.tryTake();
    own?.tryTake();
    return true;
  }

  /** Forgets every bucket (all empty again). */
  reset(): void {
    this.buckets.clear();
  }

  private bucket(key: string, perMinute: number): LeakyBucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new LeakyBucket(perMinute, burstCapacity(perMinute, this.burstSeconds), this.now);
      this.buckets.set(key, b);
    }
    return b;
  }
}
