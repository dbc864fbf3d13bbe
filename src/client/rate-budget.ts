import { APIUserAbortError } from './errors.ts';
import {
  admit,
  type BucketLimits,
  type BucketState,
  fill,
  IDLE_BUCKET,
  limitsFor,
  NO_SLOWDOWN,
  penalize,
  type SlowdownState,
  slowdownFactor,
} from './internal/bucket.ts';
import { BRAND_PER_MINUTE } from './internal/endpoints.ts';
import { type SleepFn, sleep as realSleep } from './internal/sleep.ts';

/** Options of a `RateBudget`. */
export interface RateBudgetOptions {
  /** Fraction (0, 1] of the published limits to use; default 0.8 (env `QSYNC_RATE_SHARE` via the client). */
  share?: number;
  /** Brand-wide published limit (requests per minute); default 3000. */
  brandPerMinute?: number;
  /** How long a 429's halved rate holds before recovering (ms); default 60000. */
  cooldownMs?: number;
  /** How long the linear recovery back to the full rate takes after the cool-down (ms); default 60000. */
  recoverMs?: number;
  /** Lowest rate multiplier repeated 429s can reach; default 1/16. */
  minFactor?: number;
  clock?: { now(): number };
  sleep?: SleepFn;
  /**
   * Keeps the buckets outside this process (e.g. rows in PostgreSQL, see src/coord) so that several processes draw
   * from one budget and one process's 429 slows them all. Default none: the budget is this process's alone.
   */
  shared?: SharedBuckets;
  /** With `shared`: most slots reserved in one round trip for requests already waiting; default 8. */
  sharedBatch?: number;
}

export type { BucketLimits } from './internal/bucket.ts';

/** A bucket as a `SharedBuckets` backend sees it: `brand` or an endpoint group's name, and its limits. */
export interface SharedBucketRef {
  name: string;
  limits: BucketLimits;
}

/** How 429s slow the budget: the `cooldownMs`, `recoverMs` and `minFactor` of `RateBudgetOptions`. */
export interface SlowdownPolicy {
  cooldownMs: number;
  recoverMs: number;
  minFactor: number;
}

/**
 * Buckets kept outside the process, shared by every process given the same backend. Waits and ages are relative
 * (ms from the call), so the clocks of different machines are never compared.
 */
export interface SharedBuckets {
  /**
   * Reserves `count` consecutive slots of `bucket`, paced at its limits times the shared slowdown factor. Resolves
   * with each slot's wait (ms from now, ≥ 0, ascending) and the factor applied (1 = full rate).
   */
  reserve(bucket: SharedBucketRef, count: number, policy: SlowdownPolicy): Promise<{ waitsMs: number[]; factor: number }>;
  /**
   * Records a 429 on a request sent `ageMs` ago that drew from `buckets`: marks them full and halves the shared
   * rate, once per congestion event (429s of requests sent before the last halving do not halve it again).
   */
  penalize(buckets: readonly SharedBucketRef[], ageMs: number, policy: SlowdownPolicy): Promise<void>;
}

/** Which buckets a request draws from: the brand bucket always, plus its endpoint group's when it has one. */
export interface BudgetKey {
  /** Endpoint group (internal/endpoints.ts), e.g. "export-responses:start". */
  group?: string | undefined;
  /** Published limit of that group (requests per minute). */
  perMinute?: number | undefined;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort?: () => void;
}

/** One leaky bucket with its FIFO of waiting requests. */
interface Bucket {
  /** `brand` or the endpoint group. */
  name: string;
  limits: BucketLimits;
  state: BucketState;
  queue: Waiter[];
  pumping: boolean;
}

/**
 * The client's rate budget (like octokit plugin-throttling): leaky buckets for the brand (3000/min) and for each
 * endpoint group, at a share of the published limits, shared by all concurrent work of every client given the same
 * instance. Waiting requests queue in order and are re-paced at every admission, so a 429 — which halves the whole
 * budget's rate for a cool-down, then lets it recover gradually — slows the requests already waiting too.
 * With `shared`, the buckets and the slowdown live in the backend instead, and several processes share them.
 */
export class RateBudget {
  readonly share: number;
  private readonly brandPublished: number;
  private readonly brand: Bucket;
  private readonly groups = new Map<string, Bucket>();
  private slowdown: SlowdownState = NO_SLOWDOWN;
  private lastPenaltyAt = Number.NEGATIVE_INFINITY;
  private readonly opts: { cooldownMs: number; recoverMs: number; minFactor: number };
  private readonly clock: { now(): number };
  private readonly sleep: SleepFn;
  private readonly shared: SharedBuckets | undefined;
  private readonly sharedBatch: number;
  /** The shared slowdown factor of the last reservation. */
  private sharedFactor = 1;

  constructor(options: RateBudgetOptions = {}) {
    this.share = options.share ?? 0.8;
    if (!(this.share > 0 && this.share <= 1)) throw new RangeError(`RateBudget share must be in (0, 1] (got ${this.share})`);
    this.brandPublished = options.brandPerMinute ?? BRAND_PER_MINUTE;
    this.brand = bucket('brand', limitsFor(this.brandPublished, this.share));
    this.opts = {
      cooldownMs: options.cooldownMs ?? 60_000,
      recoverMs: options.recoverMs ?? 60_000,
      minFactor: options.minFactor ?? 1 / 16,
    };
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleep = options.sleep ?? realSleep;
    this.shared = options.shared;
    this.sharedBatch = Math.max(1, Math.trunc(options.sharedBatch ?? 8));
  }

  /**
   * Waits until the request may be sent: first its group's bucket, then the brand's (so a request queued behind a
   * slow group does not hold brand capacity meanwhile). Abortable. Returns the total wait (ms).
   */
  async acquire(key: BudgetKey, signal?: AbortSignal): Promise<number> {
    const started = this.clock.now();
    const group = this.groupOf(key);
    if (group) await this.take(group, signal);
    await this.take(this.brand, signal);
    return this.clock.now() - started;
  }

  /**
   * Records a 429 on a request sent at `sentAt`: marks the brand bucket and the request's group bucket as full,
   * and halves the budget's rate — once per congestion event: 429s for requests sent before the last halving
   * took effect do not halve it again.
   */
  penalize(key: BudgetKey, sentAt = Number.POSITIVE_INFINITY): void {
    const now = this.clock.now();
    if (this.shared) {
      const group = this.groupOf(key);
      const buckets = [this.brand, ...(group ? [group] : [])].map((b) => ({ name: b.name, limits: b.limits }));
      const ageMs = Number.isFinite(sentAt) ? Math.max(0, now - sentAt) : 0;
      // The pipeline cannot wait here; a backend that fails shows it in the next reservation.
      this.shared.penalize(buckets, ageMs, this.opts).catch(() => undefined);
      return;
    }
    if (sentAt >= this.lastPenaltyAt) {
      this.slowdown = penalize(this.slowdown, now, this.opts);
      this.lastPenaltyAt = now;
    }
    const factor = this.factor();
    this.brand.state = fill(this.brand.state, now, this.brand.limits, factor);
    const group = this.groupOf(key);
    if (group) group.state = fill(group.state, now, group.limits, factor);
  }

  /** Current rate multiplier (1 = full share of the published limits). */
  factor(): number {
    if (this.shared) return this.sharedFactor;
    return slowdownFactor(this.slowdown, this.clock.now(), this.opts.recoverMs);
  }

  /** Takes one slot of `b`: at once when nobody waits and the bucket has room, else in FIFO order. */
  private take(b: Bucket, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(new APIUserAbortError());
    if (b.queue.length === 0 && !this.shared) {
      const r = admit(b.state, this.clock.now(), b.limits, this.factor());
      if (r.waitMs <= 0) {
        b.state = r.state;
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = b.queue.indexOf(waiter);
          if (i >= 0) b.queue.splice(i, 1);
          reject(new APIUserAbortError());
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      b.queue.push(waiter);
      void this.pump(b);
    });
  }

  /** Admits queued waiters one by one, recomputing each wait with the current rate (so slowdowns apply at once). */
  private async pump(b: Bucket): Promise<void> {
    if (b.pumping) return;
    b.pumping = true;
    try {
      while (b.queue.length > 0) {
        if (this.shared) {
          await this.pumpShared(b, this.shared);
          continue;
        }
        const r = admit(b.state, this.clock.now(), b.limits, this.factor());
        if (r.waitMs > 0) {
          await this.sleep(Math.ceil(r.waitMs));
          continue;
        }
        b.state = r.state;
        settle(b.queue.shift()!);
      }
    } finally {
      b.pumping = false;
    }
  }

  /**
   * Reserves slots for the requests waiting (up to `sharedBatch`) in one round trip, then admits each at its slot.
   * A waiter that aborts meanwhile leaves its slot to the next one, or unused.
   */
  private async pumpShared(b: Bucket, shared: SharedBuckets): Promise<void> {
    const count = Math.min(b.queue.length, this.sharedBatch);
    const reservedAt = this.clock.now();
    let waits: number[];
    try {
      const r = await shared.reserve({ name: b.name, limits: b.limits }, count, this.opts);
      waits = r.waitsMs;
      this.sharedFactor = r.factor;
    } catch (err) {
      // Without the shared budget nothing is known to be safe to send: the requests fail with the reason.
      for (const waiter of b.queue.splice(0, count)) settle(waiter, { err });
      return;
    }
    for (const wait of waits) {
      const delay = reservedAt + wait - this.clock.now();
      if (delay > 0) await this.sleep(Math.ceil(delay));
      const waiter = b.queue.shift();
      if (!waiter) return;
      settle(waiter);
    }
  }

  private groupOf(key: BudgetKey): Bucket | undefined {
    if (!key.group || !key.perMinute || key.perMinute >= this.brandPublished) return undefined;
    let entry = this.groups.get(key.group);
    if (!entry) {
      entry = bucket(key.group, limitsFor(key.perMinute, this.share));
      this.groups.set(key.group, entry);
    }
    return entry;
  }
}

function bucket(name: string, limits: BucketLimits): Bucket {
  return { name, limits, state: IDLE_BUCKET, queue: [], pumping: false };
}

/** Lets a waiter go (or fails it with `failure.err`) and stops listening for its abort. */
function settle(waiter: Waiter, failure?: { err: unknown }): void {
  if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  if (failure) waiter.reject(failure.err);
  else waiter.resolve();
}
