import type { SimClock } from '../contract.ts';

/**
 * The simulated clock: real time plus an offset that only grows (`advance`). `startAt` (epoch ms) shifts the clock
 * so that it reads `startAt` now and then runs with real time; without it the clock starts at the real time.
 */
export function createClock(startAt?: number): SimClock {
  let offset = startAt === undefined ? 0 : startAt - Date.now();
  return {
    now: () => Date.now() + offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward (got ${ms} ms)`);
      offset += ms;
    },
  };
}

/**
 * A clock that stands still at `at` (epoch ms) and moves only by `advance`: for tests and benchmarks that need
 * byte-identical output from run to run.
 */
export function createFixedClock(at: number): SimClock {
  let now = at;
  return {
    now: () => now,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward (got ${ms} ms)`);
      now += ms;
    },
  };
}
