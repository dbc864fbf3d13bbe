import { exportCases } from './export-cases.ts';
import type { BenchCase } from './run.ts';
import { syncCases } from './sync-full.ts';

/** Every benchmark case, in the order they run. */
export const cases: BenchCase[] = [...exportCases, ...syncCases];
