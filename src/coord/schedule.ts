/**
 * Pure scheduling rules of the workers: when a survey is due again after a run, how often to heartbeat, how long
 * to idle, and whether a worker is alive.
 */

/** Shortest wait before retrying a failed survey (ms). */
export const RETRY_BASE_MS = 30_000;

/**
 * When a survey is due again (ms from now): after `intervalMs` on success; after a failure, 30 s doubling with each
 * failure in a row (`failuresBefore` is the count before this one), never later than `intervalMs`; at once when
 * the run was cancelled (its worker is stopping: another one should take it).
 */
export function nextDueInMs(status: 'success' | 'failed' | 'cancelled', failuresBefore: number, intervalMs: number): number {
  if (status === 'success') return intervalMs;
  if (status === 'cancelled') return 0;
  return Math.min(intervalMs, RETRY_BASE_MS * 2 ** Math.min(20, Math.max(0, failuresBefore)));
}

/** How often a worker renews its leases and heartbeat: three times per TTL, so one late beat loses nothing. */
export function heartbeatEveryMs(leaseTtlMs: number): number {
  return Math.max(100, Math.floor(leaseTtlMs / 3));
}

/**
 * How long an idle slot sleeps before trying to claim again (ms): until the next survey becomes claimable, at most
 * `pollMs` (surveys released or added by others are noticed that soon), with up to 20 % jitter so that idle slots
 * of many workers do not all ask at once.
 */
export function idleWaitMs(untilClaimableMs: number | null, pollMs: number, random: () => number = Math.random): number {
  const base = untilClaimableMs === null ? pollMs : Math.min(pollMs, Math.max(0, untilClaimableMs));
  return Math.max(20, Math.round(base * (1 + 0.2 * random())));
}

/** A worker's state from its row: `stopped` (clean exit), `alive` (heartbeat within its TTL) or `dead`. */
export function workerState(row: { heartbeatAgeMs: number; stopped: boolean; leaseTtlMs: number }): 'alive' | 'dead' | 'stopped' {
  if (row.stopped) return 'stopped';
  return row.heartbeatAgeMs <= row.leaseTtlMs ? 'alive' : 'dead';
}
