import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLL_POLICY,
  earliestCompletionMs,
  INITIAL_POLL_STATE,
  nextPollDelay,
  type PollState,
  recordSample,
} from '../../src/export/index.ts';

/**
 * Replays the planner against a job whose `percentComplete` is floor(100 · elapsed / duration), as Qualtrics and the
 * simulator report it, with polls taking `rttMs`. Returns the progress requests made and how long after completion
 * the last one came (the lag before the download can start).
 */
function simulate(durationMs: number, rttMs = 20) {
  let now = 0;
  const percentAt = (t: number) => (t >= durationMs ? 100 : Math.floor((100 * t) / durationMs));
  let state: PollState = recordSample(INITIAL_POLL_STATE, { atMs: 0, percent: 0 }, undefined);
  for (let guard = 0; guard < 10_000; guard++) {
    const { delayMs, state: next } = nextPollDelay(state, DEFAULT_POLL_POLICY, now);
    now += delayMs + rttMs;
    const percent = percentAt(now - rttMs / 2);
    state = recordSample(next, { atMs: now - rttMs / 2, percent }, delayMs);
    if (percent >= 100) return { polls: state.polls, lagMs: now - durationMs };
  }
  throw new Error('never completed');
}

describe('poll planning', () => {
  it('waits the initial delay first, then backs off geometrically while progress does not move', () => {
    let state = INITIAL_POLL_STATE;
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const planned = nextPollDelay(state, DEFAULT_POLL_POLICY, i * 1000);
      delays.push(planned.delayMs);
      state = recordSample(planned.state, { atMs: i * 1000, percent: 0 }, planned.delayMs);
    }
    expect(delays.slice(0, 4)).toEqual([250, 375, 562.5, 843.75]);
    expect(Math.max(...delays)).toBe(DEFAULT_POLL_POLICY.maxDelayMs);
  });

  it('predicts the earliest completion from the fastest rate the integer percentages allow', () => {
    // 1% after 600 ms: the true progress is below 2%, so 98% more takes at least 98 / (2 / 600) ms.
    expect(earliestCompletionMs({ atMs: 0, percent: 0 }, { atMs: 600, percent: 1 })).toBeCloseTo(29_400, 6);
    expect(earliestCompletionMs({ atMs: 0, percent: 0 }, { atMs: 600, percent: 0 })).toBeUndefined();
    expect(earliestCompletionMs({ atMs: 0, percent: 0 }, { atMs: 59_500, percent: 99 })).toBe(0);
    expect(earliestCompletionMs({ atMs: 0, percent: 0 }, { atMs: 1, percent: 100 })).toBe(0);
  });

  it('never predicts later than the real completion of a linear job', () => {
    for (const duration of [700, 5_000, 37_000, 60_000, 600_000]) {
      for (let t = 50; t < duration; t += duration / 37) {
        const p = Math.floor((100 * t) / duration);
        const eta = earliestCompletionMs({ atMs: 0, percent: 0 }, { atMs: t, percent: p });
        if (eta !== undefined) expect(t + eta).toBeLessThanOrEqual(duration + 1e-6);
      }
    }
  });

  it('finishes a 60 s export with at most 30 progress requests and well under a second of lag', () => {
    const { polls, lagMs } = simulate(60_000);
    expect(polls).toBeLessThanOrEqual(30);
    expect(lagMs).toBeLessThan(1000);
  });

  it('keeps the lag small for short and long exports alike', () => {
    for (const duration of [300, 2_000, 15_000, 120_000, 900_000]) {
      const { polls, lagMs } = simulate(duration);
      expect(lagMs, `duration ${duration}`).toBeLessThan(1000);
      expect(polls, `duration ${duration}`).toBeLessThan(20 + duration / DEFAULT_POLL_POLICY.maxDelayMs);
    }
  });

  it('polls again soon, backing off, when the job overruns its prediction', () => {
    let state = recordSample(INITIAL_POLL_STATE, { atMs: 0, percent: 0 }, undefined);
    state = recordSample(state, { atMs: 1000, percent: 99 }, 1000);
    const first = nextPollDelay(state, DEFAULT_POLL_POLICY, 1000);
    expect(first.delayMs).toBe(100);
    const again = nextPollDelay(recordSample(first.state, { atMs: 1100, percent: 99 }, 100), DEFAULT_POLL_POLICY, 1100);
    expect(again.delayMs).toBe(150);
  });
});
