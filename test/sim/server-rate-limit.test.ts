import { afterEach, describe, expect, it } from 'vitest';
import { burstCapacity, LeakyBucket, RateLimiter } from '../../src/sim/server/rate-limit.ts';
import { envelope, type Harness, startHarness } from './harness.ts';

function manualTime() {
  let t = 0;
  return { now: () => t, tick: (ms: number) => void (t += ms) };
}

describe('leaky bucket', () => {
  it('admits a burst, then drains at the per-minute rate; refusals are not counted', () => {
    const time = manualTime();
    const bucket = new LeakyBucket(60, 5, time.now);
    const first = Array.from({ length: 8 }, () => bucket.tryTake());
    expect(first).toEqual([true, true, true, true, true, false, false, false]);
    time.tick(1000);
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    // Paced exactly at the limit, nothing is refused.
    const paced = Array.from({ length: 30 }, () => {
      time.tick(1000);
      return bucket.tryTake();
    });
    expect(paced.every(Boolean)).toBe(true);
  });

  it('burst = limit/60 × 5 s, at least 2', () => {
    expect(burstCapacity(3000, 5)).toBe(250);
    expect(burstCapacity(60, 5)).toBe(5);
    expect(burstCapacity(10, 5)).toBe(2);
  });

  it('limits the brand and each endpoint; a request refused by one bucket consumes neither', () => {
    const time = manualTime();
    const limiter = new RateLimiter({ brandPerMinute: 600, scale: 1, now: time.now });
    // Endpoint at 60/min: burst 5; brand at 600/min: burst 50.
    const endpoint = Array.from({ length: 10 }, () => limiter.admit('b', 'DELETE x', 60));
    expect(endpoint.filter(Boolean)).toHaveLength(5);
    // The 5 refusals did not use brand budget: 45 more fit on another route.
    const other = Array.from({ length: 50 }, () => limiter.admit('b', 'GET y', undefined));
    expect(other.filter(Boolean)).toHaveLength(45);
  });

  it('scales endpoint limits, not the brand limit', () => {
    const time = manualTime();
    const limiter = new RateLimiter({ brandPerMinute: 60, scale: 10, now: time.now });
    expect(Array.from({ length: 10 }, () => limiter.admit('b', 'POST e', 100)).filter(Boolean)).toHaveLength(5);
  });
});

describe('rate limits over HTTP', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function fire(n: number, path = '/whoami', init: RequestInit & { json?: unknown } = {}) {
    const statuses: number[] = [];
    const retryAfter: Array<string | null> = [];
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < n; i++) {
      const res = await h!.api(path, init);
      statuses.push(res.status);
      retryAfter.push(res.headers.get('retry-after'));
      const body = await envelope(res);
      codes.push(res.status === 429 ? body.meta.error?.errorCode : undefined);
    }
    return { statuses, retryAfter, codes };
  }

  it('admits the configured brand rate and refuses the excess with 429, without Retry-After', async () => {
    const time = manualTime();
    h = await startHarness({ rateLimit: { brandPerMinute: 60, now: time.now } });
    const burst = await fire(20);
    expect(burst.statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(burst.statuses.filter((s) => s === 429)).toHaveLength(15);
    expect(burst.retryAfter.every((r) => r === null)).toBe(true);
    expect(burst.codes.filter((c) => c !== undefined).every((c) => c === 'TOO_MANY_REQUESTS')).toBe(true);
    // One simulated minute of traffic paced at 1 request/s: all 60 admitted.
    const paced: number[] = [];
    for (let i = 0; i < 60; i++) {
      time.tick(1000);
      paced.push(...(await fire(1)).statuses);
    }
    expect(paced.every((s) => s === 200)).toBe(true);
    // Twice the rate: half of the requests are refused.
    const fast: number[] = [];
    for (let i = 0; i < 40; i++) {
      time.tick(500);
      fast.push(...(await fire(1)).statuses);
    }
    expect(fast.filter((s) => s === 200)).toHaveLength(20);
    const stats = (await (await h.control('GET', '/stats')).json()) as {
      routes: Record<string, { byStatus: Record<string, number> }>;
    };
    expect(stats.routes['GET /API/v3/whoami']!.byStatus).toEqual({ '200': 85, '429': 35 });
  });

  it('sends Retry-After when configured', async () => {
    const time = manualTime();
    h = await startHarness({ rateLimit: { brandPerMinute: 60, now: time.now }, retryAfterSeconds: 7 });
    const { statuses, retryAfter } = await fire(7);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect(retryAfter.slice(5)).toEqual(['7', '7']);
  });

  it('applies per-endpoint limits scaled by rate-scale (export start: 100/min × 0.1)', async () => {
    const time = manualTime();
    h = await startHarness({ rateLimit: { brandPerMinute: 3000, scale: 0.1, now: time.now } });
    const starts = await fire(6, '/surveys/SV_fake0000000001/export-responses', {
      method: 'POST',
      json: { format: 'json' },
    });
    expect(starts.statuses).toEqual([200, 200, 429, 429, 429, 429]);
    // Other endpoints are unaffected.
    expect((await fire(3)).statuses).toEqual([200, 200, 200]);
    time.tick(6000);
    expect((await fire(1, '/surveys/SV_fake0000000001/export-responses', { method: 'POST', json: { format: 'json' } }))
      .statuses).toEqual([200]);
  });
});
