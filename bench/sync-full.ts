/**
 * Sync benchmarks (issue 4), against the simulator running as its own process:
 * 1. a full sync of 100,000 and 1,000,000 responses × ~50 columns into SQLite (rows/s, peak RSS of the syncing
 *    process), beside the native baseline: the `sqlite3` CLI `.import` of the same CSV into a table with the same
 *    columns, declared types and a primary key;
 * 2. an incremental sync of 1,000 changed responses (500 added, 500 edited) of the 1,000,000-response survey, as a
 *    share of the full sync's time.
 *
 *   node --import tsx bench/sync-full.ts [responses …]     (default 100000 1000000)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { QualtricsClient } from '../src/client/index.ts';
import { exportToFile } from '../src/export/index.ts';
import type { BenchCase, BenchRow } from './run.ts';
import type { SyncChildResult } from './sync-child.ts';
import { type SimChild, startSimChild } from './sim-child.ts';

const CHILD = join(import.meta.dirname, 'sync-child.ts');
const SIZES = [100_000, 1_000_000];
const CHANGED = 1000;

/** Runs bench/sync-child.ts; resolves with its report. */
export function syncChild(sim: SimChild, db: string, flags: string[] = []): Promise<SyncChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, sim.baseUrl, sim.apiToken, db, ...flags], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`sync-child exited ${code}`));
      const result = JSON.parse(out.trim().split('\n').at(-1)!) as SyncChildResult;
      if (result.status !== 'success') return reject(new Error(`sync failed: ${result.status}`));
      resolve(result);
    });
  });
}

/** The `sqlite3` CLI on `args`; resolves with its wall time (ms) and peak RSS (MB, VmHWM sampled from /proc). */
function sqlite3(args: string[]): Promise<{ ms: number; peakRssMb: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('sqlite3', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let peakKb = 0;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKb = Math.max(peakKb, Number(m[1]));
      } catch {
        // Exited between two samples.
      }
    }, 10);
    child.once('error', (err) => {
      clearInterval(timer);
      reject(new Error(`cannot run sqlite3 (is the sqlite3 CLI installed?): ${err.message}`));
    });
    child.once('close', (code) => {
      clearInterval(timer);
      if (code === 0) resolve({ ms: Math.round(performance.now() - started), peakRssMb: Math.round(peakKb / 102.4) / 10 });
      else reject(new Error(`sqlite3 exited ${code}: ${stderr.trim().split('\n')[0]}`));
    });
  });
}

/**
 * The native baseline: the same export as CSV (fetched untimed), imported by `sqlite3` into a table with one column
 * per CSV column, declared with the types qsync chose, and a primary key on the response id.
 */
async function nativeImport(sim: SimChild, qsyncDb: string, dir: string): Promise<{ ms: number; peakRssMb: number; csvMb: number }> {
  const client = new QualtricsClient({ baseUrl: sim.baseUrl, apiToken: sim.apiToken, tokenCache: false, env: {} });
  const surveyId = sim.surveyIds[0]!;
  const csv = await exportToFile(client, { surveyId, params: { format: 'csv', sortByLastModifiedDate: true } }, { out: join(dir, 'export.csv') });
  const q = new Database(qsyncDb, { readonly: true });
  let defs: string[];
  try {
    const table = q.prepare(`SELECT table_name FROM surveys WHERE survey_id = ?`).pluck().get(surveyId) as string;
    const declared = new Map(
      (q.prepare(`SELECT name, type FROM pragma_table_info(?)`).all(table) as Array<{ name: string; type: string }>).map((c) => [c.name, c.type]),
    );
    const columns = q.prepare(`SELECT import_id, sql_name FROM survey_columns WHERE survey_id = ? ORDER BY position`).all(surveyId) as Array<{
      import_id: string | null;
      sql_name: string;
    }>;
    defs = columns.map((c, i) => `c${i} ${declared.get(c.sql_name) || 'TEXT'}${c.import_id === '_recordId' ? ' PRIMARY KEY' : ''}`);
  } finally {
    q.close();
  }
  const db = join(dir, 'native.db');
  await sqlite3([db, `PRAGMA journal_mode = WAL; CREATE TABLE responses (${defs.join(', ')});`]);
  const timed = await sqlite3([db, `.import --csv --skip 3 ${csv.path} responses`]);
  return { ...timed, csvMb: Math.round(statSync(csv.path).size / 1e5) / 10 };
}

/** Control API of the simulator child: adds or edits `count` responses. */
async function change(sim: SimChild, action: 'add' | 'edit', count: number): Promise<void> {
  const path = action === 'add' ? 'responses' : 'responses/edit';
  const res = await fetch(`${sim.baseUrl}/_sim/surveys/${sim.surveyIds[0]}/${path}`, { method: 'POST', body: JSON.stringify({ count }) });
  if (!res.ok) throw new Error(`control ${action}: ${res.status}`);
}

export const perSec = (rows: number, ms: number) => Math.round((rows / ms) * 1000);

/** The figures of a full sync: whole run, its export and load phases, rows/s of each, peak RSS. */
export function fullSyncFigures(full: SyncChildResult): BenchRow['figures'] {
  return {
    ms: full.ms,
    rowsPerSec: perSec(full.exported, full.ms),
    exportMs: full.exportMs,
    loadMs: full.loadMs,
    loadRowsPerSec: perSec(full.exported, full.loadMs),
    peakRssMb: full.peakRssMb,
  };
}

/** Full sync (and native import) at each size; at the largest, the incremental sync too. */
export async function benchSync(sizes: readonly number[] = SIZES): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-sync-'));
    const sim = await startSimChild(['--responses', String(n), '--surveys', '1', '--export-delay-ms', '0', '--rate-scale', '10']);
    try {
      const db = join(dir, 'qsync.db');
      const full = await syncChild(sim, db);
      const label = n.toLocaleString('en-US');
      rows.push({ label: `qsync sync, full, ${label} responses`, figures: fullSyncFigures(full) });
      const native = await nativeImport(sim, db, dir);
      rows.push({
        label: `sqlite3 .import of the same CSV (${native.csvMb} MB), ${label} rows`,
        figures: { ms: native.ms, rowsPerSec: perSec(n, native.ms), loadRowsPerSec: perSec(n, native.ms), peakRssMb: native.peakRssMb },
      });
      if (n === sizes.at(-1)) {
        await change(sim, 'add', CHANGED / 2);
        await change(sim, 'edit', CHANGED / 2);
        const inc = await syncChild(sim, db);
        rows.push({
          label: `qsync sync, incremental, ${CHANGED.toLocaleString('en-US')} changed of ${label}`,
          figures: {
            ms: inc.ms,
            exportMs: inc.exportMs,
            loadMs: inc.loadMs,
            exported: inc.exported,
            shareOfFullPct: Math.round((inc.ms / full.ms) * 1000) / 10,
            loadShareOfFullPct: Math.round((inc.loadMs / full.loadMs) * 1000) / 10,
            peakRssMb: inc.peakRssMb,
          },
        });
      }
    } finally {
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return rows;
}

/** The sync cases, for bench/cases.ts. */
export const syncCases: BenchCase[] = [
  {
    name: 'sync-sqlite',
    goal:
      'full sync ≥ half the rows/s of sqlite3 .import of the same CSV, peak RSS flat from 100,000 to 1,000,000; ' +
      'incremental sync of 1,000 changed responses < 5% of the full sync time',
    run: () => benchSync(),
  },
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const row of await benchSync(sizes.length ? sizes : SIZES)) process.stdout.write(`${JSON.stringify(row)}\n`);
}
