/**
 * Pure planning of export polling: when to ask for progress next. Fast at first, backing off geometrically while
 * `percentComplete` says nothing; once it moves, the rate of progress predicts the earliest moment the job can be
 * complete and the next poll is set there, so the download starts soon after completion with few requests.
 */

/** How polling paces itself. All values in ms except `backoff`. */
export interface PollPolicy {
  /** Wait before the first poll. Default 250. */
  initialDelayMs: number;
  /** Shortest wait between polls. Default 100. */
  minDelayMs: number;
  /** Longest wait between polls, predicted or not. Default 15000. */
  maxDelayMs: number;
  /** Growth factor of the wait while nothing predicts completion. Default 1.5. */
  backoff: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = { initialDelayMs: 250, minDelayMs: 100, maxDelayMs: 15_000, backoff: 1.5 };

/** A progress reading: `percentComplete` observed at `atMs`. */
export interface ProgressSample {
  atMs: number;
  percent: number;
}

/** What polling has seen so far. */
export interface PollState {
  /** First reading (the start answer, or the first poll of a resumed job). */
  anchor: ProgressSample | undefined;
  /** Latest reading. */
  last: ProgressSample | undefined;
  /** Polls made. */
  polls: number;
  /** Previous wait, for the geometric backoff. */
  lastDelayMs: number | undefined;
  /** Polls in a row that found the job unfinished after its predicted completion. */
  overdue: number;
}

export const INITIAL_POLL_STATE: PollState = { anchor: undefined, last: undefined, polls: 0, lastDelayMs: undefined, overdue: 0 };

/**
 * The earliest time (ms after `last.atMs`) the job can be complete if progress is linear. `percentComplete` is an
 * integer that truncates the true value, so the true progress lies in [p, p + 1): the fastest rate consistent with
 * both readings gives a lower bound of the remaining time, and polling there never overshoots completion.
 * Undefined when progress has not moved since the anchor.
 */
export function earliestCompletionMs(anchor: ProgressSample, last: ProgressSample): number | undefined {
  if (last.percent >= 100) return 0;
  const span = last.atMs - anchor.atMs;
  if (span <= 0 || last.percent <= anchor.percent) return undefined;
  const fastestRate = (last.percent + 1 - anchor.percent) / span;
  return Math.max(0, (100 - (last.percent + 1)) / fastestRate);
}

/** Records a reading made at `sample.atMs`, and the wait that preceded it. */
export function recordSample(state: PollState, sample: ProgressSample, waitedMs: number | undefined): PollState {
  return {
    anchor: state.anchor ?? sample,
    last: sample,
    polls: state.polls + (waitedMs === undefined ? 0 : 1),
    lastDelayMs: waitedMs ?? state.lastDelayMs,
    overdue: state.overdue,
  };
}

/** How long to wait before the next poll, at `nowMs`, and the state to keep (its `overdue` count). */
export function nextPollDelay(state: PollState, policy: PollPolicy, nowMs: number): { delayMs: number; state: PollState } {
  const clamp = (ms: number) => Math.min(policy.maxDelayMs, Math.max(policy.minDelayMs, ms));
  const { anchor, last } = state;
  if (state.polls === 0) return { delayMs: clamp(policy.initialDelayMs), state };
  const remaining = anchor && last ? earliestCompletionMs(anchor, last) : undefined;
  if (remaining !== undefined && last) {
    const untilDone = last.atMs + remaining - nowMs;
    if (untilDone > policy.minDelayMs) return { delayMs: clamp(untilDone), state: { ...state, overdue: 0 } };
    // Past the predicted moment and still running: poll again soon, backing off from the shortest wait.
    const delayMs = clamp(policy.minDelayMs * policy.backoff ** state.overdue);
    return { delayMs, state: { ...state, overdue: state.overdue + 1 } };
  }
  const previous = state.lastDelayMs ?? policy.initialDelayMs;
  return { delayMs: clamp(previous * policy.backoff), state };
}
