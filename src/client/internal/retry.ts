/**
 * The retry policy, pure: whether a failed attempt may be retried and how long to wait first. The pipeline
 * (internal/pipeline.ts) is the only caller; tests drive these functions directly.
 */

/** How an attempt failed. */
export type AttemptFailure =
  /** Qualtrics answered with this status. */
  | { kind: 'status'; status: number }
  /** No answer. `notSent`: the request provably never reached the server (refused, DNS, connect timeout). */
  | { kind: 'connection'; notSent: boolean }
  /** The per-request timeout fired; the server may have received the request. */
  | { kind: 'timeout' };

export interface RetryInput {
  failure: AttemptFailure;
  /** Retries already made for this request (0 after the first attempt). */
  retriesSoFar: number;
  /** Allowed retries (`API_RETRIES_COUNT`, default 3). */
  maxRetries: number;
  /** Whether repeating the request is harmless (GET/PUT/DELETE by default; POST only when marked). */
  idempotent: boolean;
  /** Wait the server asked for via `Retry-After` (ms), if any. */
  retryAfterMs?: number | undefined;
  /** Longest `Retry-After` the client agrees to wait (ms); beyond it the request fails instead. */
  maxRetryAfterMs: number;
}

export type RetryDecision = { retry: true } | { retry: false; reason: string };

/** Statuses worth another attempt: the server may answer differently a moment later. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Decides whether to retry. Never retries 400/401/403/404 (401 has its own refresh-and-replay-once path in the
 * pipeline). A non-idempotent request is retried only when it provably did not take effect: the connection failed
 * before the request was sent, or Qualtrics throttled it with 429 (its leaky bucket rejects a request before doing
 * any work, FACTS.md §12).
 */
export function shouldRetry(input: RetryInput): RetryDecision {
  const { failure } = input;
  if (input.retriesSoFar >= input.maxRetries) {
    return { retry: false, reason: `retries exhausted (${input.maxRetries})` };
  }
  if (failure.kind === 'status') {
    if (!isRetryableStatus(failure.status)) return { retry: false, reason: `HTTP ${failure.status} is not retryable` };
    if (!input.idempotent && failure.status !== 429) {
      return { retry: false, reason: 'not idempotent and the server may have acted on it' };
    }
    if (input.retryAfterMs !== undefined && input.retryAfterMs > input.maxRetryAfterMs) {
      return { retry: false, reason: `Retry-After of ${Math.ceil(input.retryAfterMs / 1000)} s is longer than allowed` };
    }
    return { retry: true };
  }
  if (failure.kind === 'connection' && failure.notSent) return { retry: true };
  if (!input.idempotent) return { retry: false, reason: 'not idempotent and the request may have reached Qualtrics' };
  return { retry: true };
}

/**
 * Exponential backoff with full jitter: a uniform wait in [0, min(maxMs, baseMs · 2^retryIndex)).
 * `retryIndex` is 0 before the first retry. `random` returns [0, 1) (Math.random by default).
 */
export function backoffDelayMs(retryIndex: number, baseMs: number, random: () => number, maxMs = 60_000): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** retryIndex);
  return Math.floor(random() * ceiling);
}

/** Parses `Retry-After` (delta seconds, possibly fractional, or an HTTP date) into ms from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** The wait before the next attempt: `Retry-After` wins when present, else backoff with jitter. */
export function retryDelayMs(opts: {
  retryIndex: number;
  baseMs: number;
  random: () => number;
  retryAfterMs?: number | undefined;
}): number {
  if (opts.retryAfterMs !== undefined) return opts.retryAfterMs;
  return backoffDelayMs(opts.retryIndex, opts.baseMs, opts.random);
}
