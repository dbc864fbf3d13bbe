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
}

/** Which buckets a request draws from: the brand bucket always, plus its endpoint group's when it has one. */
export interface BudgetKey {
  /** Endpoint group (internal/endpoints.ts), e.g. "export-responses:start". */
  group?: string | undefined;
  /** Published limit of that group (requests per minute). */
  perMinute?: number | undefined;
}

/**
 * The client's rate budget (like octokit plugin-throttling): leaky buckets for the brand (3000/min) and for each
 * endpoint group, at a share of the published limits, shared by all concurrent work of every client given the same
 * instance. A 429 halves the whole budget's rate for a cool-down, then it recovers gradually.
 */
export class RateBudget {
  readonly share: number;
  private readonly brandPublished: number;
  private readonly brand: BucketLimits;
  private brandState: BucketState = IDLE_BUCKET;
  private readonly groups = new Map<string, { limits: BucketLimits; state: BucketState }>();
  private slowdown: SlowdownState = NO_SLOWDOWN;
  private readonly opts: { cooldownMs: number; recoverMs: number; minFactor: number };
  private readonly clock: { now(): number };
  private readonly sleep: SleepFn;

  constructor(options: RateBudgetOptions = {}) {
    this.share = options.share ?? 0.8;
    if (!(this.share > 0 && this.share <= 1)) throw new RangeError(`RateBudget share must be in (0, 1] (got ${this.share})`);
    this.brandPublished = options.brandPerMinute ?? BRAND_PER_MINUTE;
    this.brand = limitsFor(this.brandPublished, this.share);
    this.opts = {
      cooldownMs: options.cooldownMs ?? 60_000,
      recoverMs: options.recoverMs ?? 60_000,
      minFactor: options.minFactor ?? 1 / 16,
    };
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleep = options.sleep ?? realSleep;
  }

  /**
   * Waits until the request may be sent: first its group's bucket, then the brand's (so a request queued behind a
   * slow group does not hold brand capacity meanwhile). Abortable. Returns the total wait (ms).
   */
  async acquire(key: BudgetKey, signal?: AbortSignal): Promise<number> {
    let waited = 0;
    const group = this.groupOf(key);
    if (group) {
      const wait = this.reserve(group);
      if (wait > 0) await this.sleep(wait, signal);
      waited += wait;
    }
    const { state, waitMs } = admit(this.brandState, this.clock.now(), this.brand, this.factor());
    this.brandState = state;
    if (waitMs > 0) await this.sleep(waitMs, signal);
    return waited + waitMs;
  }

  /** Records a 429: slows the whole budget and marks the brand bucket and the request's group bucket as full. */
  penalize(key: BudgetKey): void {
    const now = this.clock.now();
    this.slowdown = penalize(this.slowdown, now, this.opts);
    const factor = this.factor();
    this.brandState = fill(this.brandState, now, this.brand, factor);
    const group = this.groupOf(key);
    if (group) group.state = fill(group.state, now, group.limits, factor);
  }

  /** Current rate multiplier (1 = full share of the published limits). */
  factor(): number {
    return slowdownFactor(this.slowdown, this.clock.now(), this.opts.recoverMs);
  }

  private reserve(group: { limits: BucketLimits; state: BucketState }): number {
    const { state, waitMs } = admit(group.state, this.clock.now(), group.limits, this.factor());
    group.state = state;
    return waitMs;
  }

  private groupOf(key: BudgetKey): { limits: BucketLimits; state: BucketState } | undefined {
    if (!key.group || !key.perMinute || key.perMinute >= this.brandPublished) return undefined;
    let entry = this.groups.get(key.group);
    if (!entry) {
      entry = { limits: limitsFor(key.perMinute, this.share), state: IDLE_BUCKET };
      this.groups.set(key.group, entry);
    }
    return entry;
  }
}
