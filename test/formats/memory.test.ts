/**
 * Constant memory (DESIGN.md invariant 1): a 64 MB export is parsed by a child process whose V8 heap is capped at
 * 48 MB. Holding the file (or its rows) would not fit and would crash the child; streaming keeps the peak
 * `heapUsed` under the cap whatever the file size (bench/parse.ts measures the 100 MB case).
 */

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticCsv } from '../../bench/parse.ts';
import { tempDir } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const ROOT = resolve(import.meta.dirname, '../..');
const HEAP_CAP_MB = 48;

describe('constant memory', () => {
  it(`parses a 64 MB CSV export within a ${HEAP_CAP_MB} MB heap`, async () => {
    const path = join(dir, 'large.csv');
    const rows = await writeSyntheticCsv(path, 64);
    const child = spawnSync(
      process.execPath,
      [`--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', join(ROOT, 'bench/parse.ts'), path],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const figures = JSON.parse(child.stdout) as { rows: number; peakHeapMb: number };
    expect(figures.rows).toBe(rows);
    expect(rows).toBeGreaterThan(300_000);
    expect(figures.peakHeapMb).toBeLessThan(HEAP_CAP_MB);
  });
});
