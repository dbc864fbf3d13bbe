/**
 * Pure leaky-bucket arithmetic for the rate budget, as GCRA (generic cell rate algorithm): a bucket is one number,
 * its theoretical arrival time. Admission reserves a slot and says how long to wait for it, so concurrent callers
 * queue in order without locks. Times are ms.
 */

/** Limits of one bucket. */
export interface BucketLimits {
  /** Sustained rate (requests per minute), already multiplied by the budget's share. */
  perMinute: number;
  /** Requests admitted back to back from an idle bucket (≥ 1). */
  burst: number;
}

/** A bucket's state: the time at which it would be empty again if nothing else arrived. */
export interface BucketState {
  tat: number;
}

/** The budget-wide slowdown applied after 429s. */
export interface SlowdownState {
  /** Rate multiplier in (0, 1] while cooling down. */
  factor: number;
  /** Until then the factor holds; afterwards it recovers linearly to 1. */
  cooldownUntil: number;
}

export const IDLE_BUCKET: BucketState = { tat: Number.NEGATIVE_INFINITY };
export const NO_SLOWDOWN: SlowdownState = { factor: 1, cooldownUntil: Number.NEGATIVE_INFINITY };

/** Limits for a published per-minute limit at a share (0–1]: burst is one second's worth, at least one request. */
export function limitsFor(publishedPerMinute: number, share: number): BucketLimits {
  const perMinute = publishedPerMinute * share;
  return { perMinute, burst: Math.max(1, Math.floor(perMinute / 60)) };
}

function intervalMs(limits: BucketLimits, factor: number): number {
  return 60_000 / (limits.perMinute * factor);
}

/**
 * Reserves one request at `now`. Returns the bucket's next state and how long the caller must wait before
 * sending (0 when the bucket has room). `factor` (0, 1] slows the rate (see `slowdownFactor`).
 */
export function admit(state: BucketState, now: number, limits: BucketLimits, factor = 1): { state: BucketState; waitMs: number } {
  const interval = intervalMs(limits, factor);
  const tolerance = (limits.burst - 1) * interval;
  const start = Math.max(now, state.tat - tolerance);
  const tat = Math.max(state.tat, now) + interval;
  return { state: { tat }, waitMs: start - now };
}

/** Marks a bucket as full (after a 429): the next request waits at least one interval. */
export function fill(state: BucketState, now: number, limits: BucketLimits, factor = 1): BucketState {
  const interval = intervalMs(limits, factor);
  const tolerance = (limits.burst - 1) * interval;
  return { tat: Math.max(state.tat, now + tolerance + interval) };
}

/** The rate multiplier at `now`: the cool-down factor, then a linear recovery to 1 over `recoverMs`. */
export function slowdownFactor(state: SlowdownState, now: number, recoverMs: number): number {
  if (state.factor >= 1) return 1;
  if (now < state.cooldownUntil) return state.factor;
  if (recoverMs <= 0) return 1;
  const recovered = state.factor + ((1 - state.factor) * (now - state.cooldownUntil)) / recoverMs;
  return Math.min(1, recovered);
}

/** A 429 halves the current rate (down to `minFactor`) and restarts the cool-down. */
export function penalize(
  state: SlowdownState,
  now: number,
  opts: { cooldownMs: number; recoverMs: number; minFactor: number },
): SlowdownState {
  const current = slowdownFactor(state, now, opts.recoverMs);
  return { factor: Math.max(opts.minFactor, current / 2), cooldownUntil: now + opts.cooldownMs };
}
