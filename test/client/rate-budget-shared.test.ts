/**
 * `RateBudget` over a `SharedBuckets` backend (the option that lets several processes share one budget through
 * PostgreSQL, src/coord): waiting requests reserve their slots in batches, several budgets on one backend pace
 * together, a 429 is forwarded with its age, a failing backend fails the waiting requests. The backend here is an
 * in-memory model built on the same pure bucket arithmetic; the PostgreSQL one is tested in test/coord.
 */
import { describe, expect, it } from 'vitest';
import { APIUserAbortError, RateBudget } from '../../src/client/index.ts';
import {
  admit,
  type BucketState,
  fill,
  IDLE_BUCKET,
  NO_SLOWDOWN,
  penalize,
  slowdownFactor,
} from '../../src/client/internal/bucket.ts';
import type { SharedBucketRef, SharedBuckets, SlowdownPolicy } from '../../src/client/rate-budget.ts';
import { fakeTime } from './helpers/scripted-fetch.ts';

/** One budget in memory, as a database row per bucket would hold it; records every call. */
function memoryBuckets(clock: { now(): number }) {
  const tats = new Map<string, BucketState>();
  let slowdown = NO_SLOWDOWN;
  let lastPenaltyAt = Number.NEGATIVE_INFINITY;
  const reserves: Array<{ name: string; count: number }> = [];
  const penalties: Array<{ names: string[]; ageMs: number }> = [];
  const backend: SharedBuckets = {
    async reserve(bucket: SharedBucketRef, count: number, policy: SlowdownPolicy) {
      reserves.push({ name: bucket.name, count });
      const now = clock.now();
      const factor = slowdownFactor(slowdown, now, policy.recoverMs);
      let state = tats.get(bucket.name) ?? IDLE_BUCKET;
      const waitsMs: number[] = [];
      for (let i = 0; i < count; i++) {
        const r = admit(state, now, bucket.limits, factor);
        state = r.state;
        waitsMs.push(Math.max(0, r.waitMs));
      }
      tats.set(bucket.name, state);
      return { waitsMs, factor };
    },
    async penalize(buckets, ageMs, policy) {
      penalties.push({ names: buckets.map((b) => b.name), ageMs });
      const now = clock.now();
      if (now - ageMs >= lastPenaltyAt) {
        slowdown = penalize(slowdown, now, policy);
        lastPenaltyAt = now;
      }
      const factor = slowdownFactor(slowdown, now, policy.recoverMs);
      for (const b of buckets) tats.set(b.name, fill(tats.get(b.name) ?? IDLE_BUCKET, now, b.limits, factor));
    },
  };
  return { backend, reserves, penalties };
}

describe('RateBudget with shared buckets', () => {
  it('reserves slots for the waiting requests in batches and paces them like the local budget', async () => {
    const t = fakeTime(0);
    const shared = memoryBuckets(t.clock);
    const budget = new RateBudget({ share: 1, brandPerMinute: 600, clock: t.clock, sleep: t.sleep, shared: shared.backend, sharedBatch: 4 });
    await Promise.all(Array.from({ length: 12 }, () => budget.acquire({})));
    // The first request reserves at once; the eleven queued behind it go in round trips of up to 4 slots.
    expect(shared.reserves.map((r) => r.count)).toEqual([1, 4, 4, 3]);
    // 10 go at once (the burst), the 11th and 12th at 100 and 200 ms: as the local budget does.
    expect(t.sleeps).toEqual([100, 100]);
  });

  it('two budgets on one backend draw from the same buckets (two processes)', async () => {
    const t = fakeTime(0);
    const shared = memoryBuckets(t.clock);
    const options = { share: 1, brandPerMinute: 600, clock: t.clock, sleep: t.sleep, shared: shared.backend };
    const a = new RateBudget(options);
    const b = new RateBudget(options);
    await Promise.all([...Array.from({ length: 6 }, () => a.acquire({})), ...Array.from({ length: 6 }, () => b.acquire({}))]);
    // Together 12 requests against one 600/min bucket: 10 go at once, the last two wait for 100 and 200 ms, although
    // neither budget alone asked for more than its burst.
    expect(t.sleeps).toEqual([100, 100]);
    expect(t.clock.now()).toBe(200);
  });

  it('an endpoint group is reserved under its own name before the brand', async () => {
    const t = fakeTime(0);
    const shared = memoryBuckets(t.clock);
    const budget = new RateBudget({ share: 0.5, clock: t.clock, sleep: t.sleep, shared: shared.backend });
    await budget.acquire({ group: 'export-responses:start', perMinute: 100 });
    expect(shared.reserves.map((r) => r.name)).toEqual(['export-responses:start', 'brand']);
  });

  it('forwards a 429 with the age of the request, and reports the shared factor after the next reservation', async () => {
    const t = fakeTime(0);
    const shared = memoryBuckets(t.clock);
    const a = new RateBudget({ share: 1, brandPerMinute: 600, clock: t.clock, sleep: t.sleep, shared: shared.backend });
    const b = new RateBudget({ share: 1, brandPerMinute: 600, clock: t.clock, sleep: t.sleep, shared: shared.backend });
    await a.acquire({});
    t.advance(30);
    a.penalize({ group: 'g', perMinute: 60 }, 0);
    await Promise.resolve();
    expect(shared.penalties).toEqual([{ names: ['brand', 'g'], ageMs: 30 }]);
    // The other budget never saw the 429, yet its next request waits a slowed interval (200 ms at half rate).
    expect(await b.acquire({})).toBe(200);
    expect(b.factor()).toBe(0.5);
  });

  it('a failing backend fails the waiting requests with its error; later requests try again', async () => {
    const t = fakeTime(0);
    let failing = true;
    const shared = memoryBuckets(t.clock);
    const backend: SharedBuckets = {
      reserve: (bucket, count, policy) => (failing ? Promise.reject(new Error('database gone')) : shared.backend.reserve(bucket, count, policy)),
      penalize: shared.backend.penalize,
    };
    const budget = new RateBudget({ share: 1, clock: t.clock, sleep: t.sleep, shared: backend });
    const results = await Promise.allSettled([budget.acquire({}), budget.acquire({})]);
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual(['database gone', 'database gone']);
    failing = false;
    expect(await budget.acquire({})).toBe(0);
  });

  it('a waiting request can be aborted; its slot goes to the next one', async () => {
    const t = fakeTime(0);
    const shared = memoryBuckets(t.clock);
    const budget = new RateBudget({ share: 1, brandPerMinute: 60, shared: shared.backend });
    await budget.acquire({});
    const ctl = new AbortController();
    const pending = budget.acquire({}, ctl.signal);
    ctl.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
