/**
 * PostgreSQL write benchmark: synthetic responses written through the `PostgresStore` in batched transactions
 * (rows and cursor committed together, as the sync engine does), beside the native baseline: `psql \copy` of the
 * same data as CSV into a table with the same columns, types and a primary key. Both run against a throwaway
 * server started by the test harness (fsync off for both).
 *
 * Run one case per process so peak RSS is that case's own:
 *   node --import tsx bench/store-postgres.ts store 100000
 *   node --import tsx bench/store-postgres.ts copy 100000
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { StoreColumn, StoreRecord, StoreValue } from '../src/store/types.ts';
import { type PostgresServer, startPostgres } from '../test/support/postgres.ts';

/** What one benchmark run measured. */
export interface PostgresBenchResult {
  /** Time spent writing (ms): store calls only for the store; the `psql` process for the baseline. */
  ms: number;
  rowsPerSec: number;
  /** Peak resident set size of the client process (MB): this Node process for the store, `psql` for `\copy`. */
  peakRssMb: number;
  /** Store only: wall time including generating the synthetic records (ms). */
  wallMs?: number;
}

/** Records per transaction, as the sync engine would commit them. */
const BATCH = 5000;
const SURVEY = 'SV_benchmark0001';

type Kind = 'date' | 'integer' | 'boolean' | 'real' | 'text';

/** Column `c` (1-based, after the response id): its kind decides the synthetic value (as bench/store-write.ts). */
function kindOf(c: number): Kind {
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

function responseId(r: number): string {
  return `R_${r.toString(36).padStart(15, '0')}`;
}

function record(r: number, cols: number): StoreRecord {
  const values: Record<string, StoreValue> = {};
  for (let c = 1; c < cols; c++) values[`QID${c}`] = cell(r, c);
  return {
    responseId: responseId(r),
    values,
    meta: { startDate: values.QID1 as string, recordedDate: values.QID1 as string, progress: 100, finished: true },
  };
}

/** Runs `fn` against `server`, or against a fresh harness server stopped afterwards. */
async function withServer<T>(server: PostgresServer | undefined, fn: (s: PostgresServer) => Promise<T>): Promise<T> {
  const own = server ? null : await startPostgres();
  try {
    return await fn(server ?? own!);
  } finally {
    await own?.stop();
  }
}

/**
 * Writes `rows` synthetic responses of `cols` columns (response id included) through a `PostgresStore` in a fresh
 * database, `BATCH` records and one cursor update per transaction. Times the store calls only.
 */
export function benchPostgresWrite(rows: number, cols = 50, server?: PostgresServer): Promise<PostgresBenchResult> {
  return withServer(server, async (s) => {
    const store = await PostgresStore.open(await s.createDatabase('bench_store'));
    try {
      await store.saveSurvey({ id: SURVEY, name: 'Benchmark survey' });
      const columns: StoreColumn[] = Array.from({ length: cols - 1 }, (_, i) => ({ key: `QID${i + 1}`, exportTag: `Q${i + 1}` }));
      const layout = await store.ensureLayout(SURVEY, columns);
      let peak = process.memoryUsage.rss();
      let storeMs = 0;
      const wall0 = performance.now();
      for (let start = 0; start < rows; start += BATCH) {
        const batch: StoreRecord[] = [];
        for (let r = start; r < Math.min(rows, start + BATCH); r++) batch.push(record(r, cols));
        const t0 = performance.now();
        await store.transaction(async (tx) => {
          await tx.upsertResponses(SURVEY, layout, batch);
          await tx.setSyncState(SURVEY, { highWaterMark: String(batch.at(-1)?.meta.startDate) });
        });
        storeMs += performance.now() - t0;
        peak = Math.max(peak, process.memoryUsage.rss());
      }
      const wallMs = performance.now() - wall0;
      const stored = await store.countResponses(SURVEY);
      if (stored !== rows) throw new Error(`benchPostgresWrite: ${stored} responses stored, expected ${rows}`);
      peak = Math.max(peak, process.resourceUsage().maxRSS * 1024);
      return { ms: Math.round(storeMs), rowsPerSec: Math.round((rows / storeMs) * 1000), peakRssMb: mb(peak), wallMs: Math.round(wallMs) };
    } finally {
      await store.close();
    }
  });
}

/**
 * The native baseline: writes the same data as CSV (untimed), creates a table with the same columns, types and a
 * primary key, then times `psql -c "\copy … FROM … CSV HEADER"`. Peak RSS is the `psql` process's.
 */
export function benchPsqlCopy(rows: number, cols = 50, server?: PostgresServer): Promise<PostgresBenchResult> {
  return withServer(server, async (s) => {
    const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-copy-'));
    try {
      const csv = join(dir, 'responses.csv');
      await writeCsv(csv, rows, cols);
      const url = await s.createDatabase('bench_copy');
      const types: Record<Kind, string> = {
        date: 'timestamptz',
        integer: 'bigint',
        boolean: 'boolean',
        real: 'double precision',
        text: 'text',
      };
      const defs = ['response_id text PRIMARY KEY'];
      for (let c = 1; c < cols; c++) defs.push(`q${c} ${types[kindOf(c)]}`);
      await runPsql([url, '-v', 'ON_ERROR_STOP=1', '-c', `CREATE TABLE responses (${defs.join(', ')})`]);
      const t0 = performance.now();
      const peakKb = await runPsql([url, '-v', 'ON_ERROR_STOP=1', '-c', `\\copy responses FROM '${csv}' WITH (FORMAT csv, HEADER true)`]);
      const ms = performance.now() - t0;
      const [{ n } = { n: 0 }] = await s.sql<{ n: string }>('SELECT count(*) AS n FROM responses', [], url.split('/').at(-1));
      if (Number(n) !== rows) throw new Error(`benchPsqlCopy: ${n} rows copied, expected ${rows}`);
      return { ms: Math.round(ms), rowsPerSec: Math.round((rows / ms) * 1000), peakRssMb: Math.round(peakKb / 102.4) / 10 };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
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
      line.push(typeof v === 'string' ? `"${v.replaceAll('"', '""')}"` : String(v));
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

/** Runs `psql`; resolves with its peak RSS in kB (VmHWM sampled from /proc while it runs). */
function runPsql(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', ['-X', '-q', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
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
      reject(new Error(`cannot run psql (apt-get install postgresql-client-15): ${err.message}`));
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve(peakKb);
      else reject(new Error(`psql exited with ${code}: ${stderr.trim().split('\n')[0]}`));
    });
  });
}

function mb(bytes: number): number {
  return Math.round(bytes / 1024 / 102.4) / 10;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [which, rowsArg, colsArg] = process.argv.slice(2);
  const rows = Number(rowsArg ?? 100_000);
  const cols = Number(colsArg ?? 50);
  const result = which === 'copy' ? await benchPsqlCopy(rows, cols) : await benchPostgresWrite(rows, cols);
  process.stdout.write(`${JSON.stringify({ case: which ?? 'store', rows, cols, ...result })}\n`);
}
