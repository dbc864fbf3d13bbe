import { describe, expect, it } from 'vitest';
import { heartbeatEveryMs, idleWaitMs, nextDueInMs, workerState } from './schedule.ts';

describe('worker schedule (pure)', () => {
  it('due again after the interval on success, at once when cancelled, after a doubling backoff on failure', () => {
    expect(nextDueInMs('success', 0, 300_000)).toBe(300_000);
    expect(nextDueInMs('cancelled', 5, 300_000)).toBe(0);
    expect([0, 1, 2, 3, 4, 99].map((f) => nextDueInMs('failed', f, 300_000))).toEqual([30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
    expect(nextDueInMs('failed', 0, 10_000)).toBe(10_000);
  });

  it('heartbeats three times per lease TTL, never more often than every 100 ms', () => {
    expect(heartbeatEveryMs(60_000)).toBe(20_000);
    expect(heartbeatEveryMs(200)).toBe(100);
  });

  it('an idle slot sleeps until the next claimable survey, at most the poll interval, plus up to 20 % jitter', () => {
    expect(idleWaitMs(1000, 5000, () => 0)).toBe(1000);
    expect(idleWaitMs(60_000, 5000, () => 0)).toBe(5000);
    expect(idleWaitMs(null, 5000, () => 0.5)).toBe(5500);
    expect(idleWaitMs(0, 5000, () => 0)).toBe(20);
  });

  it('a worker is alive while its heartbeat is within its TTL, dead after, stopped after a clean exit', () => {
    expect(workerState({ heartbeatAgeMs: 59_000, stopped: false, leaseTtlMs: 60_000 })).toBe('alive');
    expect(workerState({ heartbeatAgeMs: 61_000, stopped: false, leaseTtlMs: 60_000 })).toBe('dead');
    expect(workerState({ heartbeatAgeMs: 1_000_000, stopped: true, leaseTtlMs: 60_000 })).toBe('stopped');
  });
});
