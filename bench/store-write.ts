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
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store/index.ts';
import type { StoreColumn, StoreRecord, StoreValue } from '../src/store/index.ts';

/** What one benchmark run measured. */
export interface StoreBenchResult {
  /** Time spent writing (ms): store calls only for the store; the `sqlite3` process for the baseline. */
  ms: number;
  rowsPerSec: number;
  /** Peak resident set size of the writing process (MB). */
  peakRssMb: number;
  /** Store only: wall time including generating the synthetic records (ms). */
  wallMs?: number;
}

/** Records per transaction by default: the sync engine's default `batchSize`. */
export const DEFAULT_BATCH = 5000;
const SURVEY = 'SV_benchmark0001';

/** Column `c` (1-based, after the response id): its kind decides the synthetic value. */
function kindOf(c: number): 'date' | 'integer' | 'boolean' | 'real' | 'text' {
  if (c === 1) return 'date';
  if (c === 3) return 'boolean';
  if (c % 5 === 0) return 'text';
  if (c % 7 === 0) return 'real';
  return 'integer';
}

function cell(r: number, c: number): StoreValue {
  switch (kindOf(c)) {
    case 'date':
      return new Date(Date.UTC(2024, 0, 1) + r * 1000).toISOString();
    case 'boolean':
      return r % 3 !== 0;
    case 'text':
      return `answer ${r} to question ${c}, with some words`;
    case 'real':
      return ((r * c) % 1000) / 10;
    default:
      return ((r * c) % 7) + 1;
  }
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `R_` + 15 letters and digits, scattered like real response ids (so index inserts land at random places). */
function responseId(r: number): string {
  let id = 'R_';
  let x = (r + 1) * 2654435761;
  for (let i = 0; i < 15; i++) {
    x = (Math.imul(x ^ (x >>> 15), 2246822519) + i + r) >>> 0;
    id += ALNUM[x % 62];
  }
  return id;
}

function columns(cols: number): StoreColumn[] {
  return Array.from({ length: cols - 1 }, (_, i) => ({ key: `QID${i + 1}`, exportTag: `Q${i + 1}` }));
}

function record(r: number, cols: number, keys: readonly string[]): StoreRecord {
  const values: Record<string, StoreValue> = {};
  for (let c = 1; c < cols; c++) values[keys[c - 1]!] = cell(r, c);
  return {
    responseId: responseId(r),
    values,
    meta: { startDate: values.QID1 as string, recordedDate: values.QID1 as string, progress: 100, finished: true },
  };
}

/**
 * Writes `rows` synthetic responses of `cols` columns (response id included) through a fresh SQLite store, `batch`
 * records per transaction (default 5000, the sync engine's default), each transaction also advancing the cursor.
 * `ms` counts the store calls only; generating the records is in `wallMs`.
 */
export async function benchStoreWrite(rows: number, cols = 50, batch = DEFAULT_BATCH): Promise<StoreBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-store-'));
  try {
    const store = await openStore(join(dir, 'qsync.db'));
    await store.saveSurvey({ id: SURVEY, name: 'Benchmark survey' });
    const layout = await store.ensureLayout(SURVEY, columns(cols));
    const keys = layout.columns.map((c) => c.key);
    let peak = process.memoryUsage.rss();
    let storeMs = 0;
    const wall0 = performance.now();
    for (let start = 0; start < rows; start += batch) {
      const records: StoreRecord[] = [];
      for (let r = start; r < Math.min(rows, start + batch); r++) records.push(record(r, cols, keys));
      const t0 = performance.now();
      await store.transaction(async (tx) => {
        await tx.upsertResponses(SURVEY, layout, records);
        await tx.setSyncState(SURVEY, { highWaterMark: String(records.at(-1)?.meta.startDate) });
      });
      storeMs += performance.now() - t0;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
    const wallMs = performance.now() - wall0;
    await store.close();
    peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
    return { ms: Math.round(storeMs), rowsPerSec: Math.round((rows / storeMs) * 1000), peakRssMb: mb(peak), wallMs: Math.round(wallMs) };
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
    const ms = performance.now() - t0;
    return { ms: Math.round(ms), rowsPerSec: Math.round((rows / ms) * 1000), peakRssMb: Math.round(peakKb / 102.4) / 10 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function writeCsv(path: string, rows: number, cols: number): Promise<void> {
  const out = createWriteStream(path);
  const header = ['response_id', ...Array.from({ length: cols - 1 }, (_, i) => `q${i + 1}`)];
  out.write(`${header.join(',')}\n`);
  let chunk = '';
  for (let r = 0; r < rows; r++) {
    const line = [responseId(r)];
    for (let c = 1; c < cols; c++) {
      const v = cell(r, c);
      line.push(typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'string' ? `"${v.replaceAll('"', '""')}"` : String(v));
    }
    chunk += `${line.join(',')}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

/** Runs the `sqlite3` CLI; resolves with its peak RSS in kB (VmHWM sampled from /proc while it runs). */
function runSqlite(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // The process has exited between samples; the last sample stands.
      }
    };
    const timer = setInterval(sample, 10);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new Error(`cannot run sqlite3 (is the sqlite3 CLI installed?): ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve(peakKb);
      else reject(new Error(`sqlite3 exited with ${code}: ${stderr.trim().split('\n')[0]}`));
    });
  });
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 102.4) / 10;
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
