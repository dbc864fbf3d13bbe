/**
 * Store-only write benchmark: synthetic responses written through the `Store` in batched transactions (rows and
 * cursor committed together, as the sync engine does), beside the native baseline: the `sqlite3` CLI importing the
 * same data as CSV (`.import --csv`) into a table with the same columns and a primary key.
 *
 * Run one case per process so peak RSS is that case's own:
 *   node --import tsx bench/store-write.ts store 100000 [cols] [batch]
 *   node --import tsx bench/store-write.ts import 100000 [cols]
 * or both cases at 100,000 and 1,000,000 rows: node --import tsx bench/store-run.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.ts';
import { runSampled, writeLines } from './native-baseline.ts';
import { benchResult, cell, kindOf, scatteredResponseId, type WriteBenchResult, writeSynthetic } from './synthetic-responses.ts';

/** What one benchmark run measured. */
export type StoreBenchResult = WriteBenchResult;

/** Records per transaction by default. */
export const DEFAULT_BATCH = 5000;

/**
 * Writes `rows` synthetic responses of `cols` columns (response id included) through a fresh SQLite store, `batch`
 * records per transaction (default 5000), each transaction also advancing the cursor.
 * `ms` counts the store calls only; generating the records is in `wallMs`.
 */
export async function benchStoreWrite(rows: number, cols = 50, batch = DEFAULT_BATCH): Promise<StoreBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-store-'));
  try {
    const store = await openStore(join(dir, 'qsync.db'));
    const timing = await writeSynthetic(store, { rows, cols, batch, responseId: scatteredResponseId });
    await store.close();
    const peak = Math.max(timing.peakRss, process.resourceUsage().maxRSS * 1024);
    return { ...benchResult(rows, timing.storeMs, peak), wallMs: Math.round(timing.wallMs) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The native baseline: writes the same data as CSV (untimed), then times `sqlite3 db ".import --csv --skip 1"`
 * into a table with the same columns, declared types and a primary key. Peak RSS is the `sqlite3` process's.
 */
export async function benchSqliteImport(rows: number, cols = 50): Promise<StoreBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-import-'));
  try {
    const csv = join(dir, 'responses.csv');
    await writeCsv(csv, rows, cols);
    const db = join(dir, 'native.db');
    const types = { date: 'TEXT', integer: 'INTEGER', boolean: 'INTEGER', real: 'REAL', text: 'TEXT' };
    const defs = ['"response_id" TEXT PRIMARY KEY'];
    for (let c = 1; c < cols; c++) defs.push(`"q${c}" ${types[kindOf(c)]}`);
    await runSqlite([db, `PRAGMA journal_mode = WAL; CREATE TABLE responses (${defs.join(', ')});`]);
    const t0 = performance.now();
    const peakKb = await runSqlite([db, `.import --csv --skip 1 ${csv} responses`]);
    return benchResult(rows, performance.now() - t0, peakKb * 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same responses as CSV with a header: booleans as 1/0, every text value quoted. */
function writeCsv(path: string, rows: number, cols: number): Promise<void> {
  const header = ['response_id', ...Array.from({ length: cols - 1 }, (_, i) => `q${i + 1}`)];
  return writeLines(
    path,
    rows,
    (r) => {
      const line = [scatteredResponseId(r)];
      for (let c = 1; c < cols; c++) {
        const v = cell(r, c);
        line.push(typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'string' ? `"${v.replaceAll('"', '""')}"` : String(v));
      }
      return line.join(',');
    },
    header.join(','),
  );
}

/** Runs the `sqlite3` CLI; resolves with its peak RSS in kB. */
function runSqlite(args: string[]): Promise<number> {
  return runSampled('sqlite3', args, 'is the sqlite3 CLI installed?');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [which, rowsArg, colsArg, batchArg] = process.argv.slice(2);
  const rows = Number(rowsArg ?? 100_000);
  const cols = Number(colsArg ?? 50);
  const batch = Number(batchArg ?? DEFAULT_BATCH);
  const result = which === 'import' ? await benchSqliteImport(rows, cols) : await benchStoreWrite(rows, cols, batch);
  const label = which === 'import' ? { case: 'import' } : { case: 'store', batch };
  process.stdout.write(`${JSON.stringify({ ...label, rows, cols, ...result })}\n`);
}
