import { describe, expect, it } from 'vitest';
import { APIUserAbortError, RateBudget } from '../../src/client/index.ts';
import { admit, type BucketState, fill, IDLE_BUCKET, limitsFor, NO_SLOWDOWN, penalize, slowdownFactor } from '../../src/client/internal/bucket.ts';
import { classifyEndpoint } from '../../src/client/internal/endpoints.ts';
import { fakeTime } from './helpers/scripted-fetch.ts';

function admitMany(n: number, now: number, limits = limitsFor(600, 1), factor = 1, start: BucketState = IDLE_BUCKET) {
  let state = start;
  const waits: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = admit(state, now, limits, factor);
    state = r.state;
    waits.push(r.waitMs);
  }
  return { waits, state };
}

describe('leaky bucket (pure)', () => {
  it('a 600/min bucket admits 10 at once and makes the 11th wait 100 ms', () => {
    const { waits } = admitMany(12, 0);
    expect(waits.slice(0, 10)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(waits[10]).toBe(100);
    expect(waits[11]).toBe(200);
  });

  it('sustains ~10/s: 70 requests in one burst are spread over 6 s', () => {
    const { waits } = admitMany(70, 0);
    expect(waits.at(-1)).toBe(6000);
  });

  it('drains: after a second of quiet the burst is available again', () => {
    const { state } = admitMany(10, 0);
    const { waits } = admitMany(10, 1000, limitsFor(600, 1), 1, state);
    expect(waits.every((w) => w === 0)).toBe(true);
  });

  it('applies the share to the published limit', () => {
    expect(limitsFor(3000, 0.8)).toEqual({ perMinute: 2400, burst: 40 });
    expect(limitsFor(20, 0.8)).toEqual({ perMinute: 16, burst: 1 });
  });

  it('a slowdown factor of 0.5 doubles the spacing', () => {
    const { waits } = admitMany(12, 0, limitsFor(600, 1), 0.5);
    expect(waits[10]).toBe(200);
  });

  it('a 429 halves the rate for the cool-down, then recovers linearly', () => {
    const opts = { cooldownMs: 60_000, recoverMs: 60_000, minFactor: 1 / 16 };
    const s1 = penalize(NO_SLOWDOWN, 0, opts);
    expect(slowdownFactor(s1, 30_000, opts.recoverMs)).toBe(0.5);
    expect(slowdownFactor(s1, 90_000, opts.recoverMs)).toBe(0.75);
    expect(slowdownFactor(s1, 200_000, opts.recoverMs)).toBe(1);
    const s2 = penalize(s1, 1000, opts);
    expect(s2.factor).toBe(0.25);
    let s = s2;
    for (let i = 0; i < 10; i++) s = penalize(s, 2000, opts);
    expect(s.factor).toBe(1 / 16);
  });

  it('fill makes the next admission wait one interval', () => {
    const limits = limitsFor(600, 1);
    const state = fill(IDLE_BUCKET, 5000, limits);
    expect(admit(state, 5000, limits).waitMs).toBe(100);
  });
});

describe('RateBudget', () => {
  const exportStart = classifyEndpoint('POST', '/surveys/SV_0123456789abcde/export-responses', '');

  it('classifies endpoints into the FACTS.md §12 groups', () => {
    expect(exportStart).toMatchObject({ group: 'export-responses:start', perMinute: 100, template: '/surveys/{surveyId}/export-responses' });
    expect(classifyEndpoint('GET', '/surveys/SV_1/export-responses/ES_1', '').perMinute).toBe(1000);
    expect(classifyEndpoint('GET', '/surveys/SV_1/export-responses/abc-def/file', '').group).toBe('export-responses:file');
    expect(classifyEndpoint('GET', '/surveys/SV_1/responses/R_1', '').perMinute).toBe(240);
    expect(classifyEndpoint('GET', '/surveys', '').group).toBeUndefined();
    expect(classifyEndpoint('GET', undefined, '/API/v2/surveys/SV_1').template).toBe('/API/v2/surveys/{id}');
  });

  it('makes the request after the burst wait, and a 429 slows later admissions', async () => {
    const t = fakeTime(0);
    const budget = new RateBudget({ share: 1, clock: t.clock, sleep: t.sleep });
    const key = { group: 'g', perMinute: 600 };
    for (let i = 0; i < 10; i++) await budget.acquire(key);
    expect(t.sleeps).toEqual([]);
    expect(await budget.acquire(key)).toBe(100);

    const before = await budget.acquire(key);
    budget.penalize(key);
    expect(budget.factor()).toBe(0.5);
    const after = await budget.acquire(key);
    expect(after).toBeGreaterThan(before);
    expect(after).toBeGreaterThanOrEqual(200);
  });

  it('is shared: two callers draw from the same buckets', async () => {
    const t = fakeTime(0);
    const budget = new RateBudget({ share: 1, brandPerMinute: 600, clock: t.clock, sleep: t.sleep });
    await Promise.all(Array.from({ length: 11 }, () => budget.acquire({})));
    expect(t.sleeps).toEqual([100]);
  });

  it('a 429 re-paces requests already waiting in the queue', async () => {
    let now = 0;
    const sleeps: number[] = [];
    const clock = { now: () => now };
    const budget: RateBudget = new RateBudget({
      share: 1,
      brandPerMinute: 600,
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 1) budget.penalize({}, now); // a 429 arrives while two requests wait
        now += ms;
      },
    });
    await Promise.all(Array.from({ length: 12 }, () => budget.acquire({})));
    expect(sleeps[0]).toBe(100);
    // Unslowed, the two waiting requests would have gone at 100 and 200 ms; after the 429 they go much later.
    expect(now).toBeGreaterThanOrEqual(400);
  });

  it('halves once per congestion event: 429s of requests sent before the halving do not halve again', () => {
    const t = fakeTime(0);
    const budget = new RateBudget({ share: 1, clock: t.clock, sleep: t.sleep });
    budget.penalize({}, 0);
    expect(budget.factor()).toBe(0.5);
    t.advance(10);
    budget.penalize({}, -5);
    expect(budget.factor()).toBe(0.5);
    budget.penalize({}, 10);
    expect(budget.factor()).toBe(0.25);
  });

  it('waits are abortable', async () => {
    const budget = new RateBudget({ share: 1, brandPerMinute: 60 });
    await budget.acquire({});
    const ctl = new AbortController();
    const pending = budget.acquire({}, ctl.signal);
    ctl.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });

  it('rejects an invalid share', () => {
    expect(() => new RateBudget({ share: 1.5 })).toThrow('RateBudget share must be in (0, 1] (got 1.5)');
  });
});
