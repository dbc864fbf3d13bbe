/**
 * Constant memory (DESIGN.md invariant 1): a 48 MB CSV export and a 40 MB JSON export (a single line) are parsed
 * by a child process whose V8 heap is capped at 48 MB. Holding the file or its rows would not fit (a whole-file
 * JSON.parse of the 40 MB file runs out of heap there); streaming keeps the peak `heapUsed` under the cap
 * whatever the file size (bench/parse.ts measures the 100 MB case).
 */

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeSyntheticCsv, writeSyntheticJson } from '../../bench/parse.ts';
import { tempDir } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const ROOT = resolve(import.meta.dirname, '../..');
const HEAP_CAP_MB = 48;

/** Parses `path` in a child process whose heap is capped; returns its figures. */
function parseCapped(path: string, capMb: number): { rows: number; peakHeapMb: number } {
  const child = spawnSync(process.execPath, [`--max-old-space-size=${capMb}`, '--import', 'tsx', join(ROOT, 'bench/parse.ts'), path], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as { rows: number; peakHeapMb: number };
}

describe('constant memory', () => {
  it(`parses a 48 MB CSV export within a ${HEAP_CAP_MB} MB heap`, async () => {
    const path = join(dir, 'large.csv');
    const rows = await writeSyntheticCsv(path, 48);
    expect(rows).toBeGreaterThan(200_000);
    const figures = parseCapped(path, HEAP_CAP_MB);
    expect(figures.rows).toBe(rows);
    expect(figures.peakHeapMb).toBeLessThan(HEAP_CAP_MB);
  });

  it(`parses a 40 MB JSON export (one line) within a ${HEAP_CAP_MB} MB heap`, async () => {
    const path = join(dir, 'large.json');
    const rows = await writeSyntheticJson(path, 40);
    expect(rows).toBeGreaterThan(80_000);
    const figures = parseCapped(path, HEAP_CAP_MB);
    expect(figures.rows).toBe(rows);
    expect(figures.peakHeapMb).toBeLessThan(HEAP_CAP_MB);
  });
});
