/**
 * Runs the SQLite store write benchmark beside its native baseline, each measurement in a fresh process so that
 * peak RSS is its own: `sqlite3 .import` and the store at 100,000 and 1,000,000 rows × 50 columns, the store with the
 * sync engine's default batch (5,000 rows per transaction) and with 50,000. Prints a Markdown table with the store's
 * throughput as a fraction of the native one.
 *
 *   node --import tsx bench/store-run.ts [rows…]
 *
 * `storeWriteCase` is the same as a case for bench/run.ts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchCase, BenchRow } from './run.ts';

/** One measurement as bench/store-write.ts prints it. */
interface Measured {
  case: 'store' | 'import';
  batch?: number;
  rows: number;
  cols: number;
  ms: number;
  rowsPerSec: number;
  peakRssMb: number;
  wallMs?: number;
}

const COLS = 50;

function measure(args: string[]): Measured {
  const script = join(import.meta.dirname, 'store-write.ts');
  const out = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`bench ${args.join(' ')} failed: ${out.stderr.trim().split('\n').at(-1)}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Measured;
}

/** The baseline and the store at each size; the store once per batch size. */
export function runStoreWrite(sizes: readonly number[] = [100_000, 1_000_000], batches = [5000, 50_000]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const native = measure(['import', String(n), String(COLS)]);
    rows.push({
      label: `sqlite3 .import ${n.toLocaleString('en-US')} × ${COLS}`,
      figures: { ms: native.ms, rowsPerSec: native.rowsPerSec, peakRssMb: native.peakRssMb, ofNative: 1 },
    });
    for (const batch of batches) {
      const store = measure(['store', String(n), String(COLS), String(batch)]);
      rows.push({
        label: `store ${n.toLocaleString('en-US')} × ${COLS}, ${batch.toLocaleString('en-US')}/tx`,
        figures: {
          ms: store.ms,
          rowsPerSec: store.rowsPerSec,
          peakRssMb: store.peakRssMb,
          ofNative: Math.round((store.rowsPerSec / native.rowsPerSec) * 100) / 100,
          wallMs: store.wallMs ?? store.ms,
        },
      });
    }
  }
  return rows;
}

/** For bench/cases.ts. */
export const storeWriteCase: BenchCase = {
  name: 'store-write-sqlite',
  goal: 'store ≥ 0.5 × sqlite3 .import rows/s at 1,000,000 × 50; peak RSS flat from 100,000 to 1,000,000',
  run: async () => runStoreWrite(),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number);
  const rows = runStoreWrite(sizes.length > 0 ? sizes : undefined);
  const keys = ['ms', 'rowsPerSec', 'peakRssMb', 'ofNative', 'wallMs'];
  const lines = [`| case | ${keys.join(' | ')} |`, `|---|${keys.map(() => '---:').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.label} | ${keys.map((k) => r.figures[k] ?? '').join(' | ')} |`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
