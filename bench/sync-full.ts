/**
 * Sync benchmarks (issue 4), against the simulator running as its own process. Rows, at each size (100,000 and
 * 1,000,000 responses × ~50 columns):
 * 1. `qsync sync, full`: one `runSync` into a fresh SQLite file (rows/s, export and load phases, peak RSS of the
 *    syncing process), with two ratios of its rows/s: `fullOfNative` to row 2 (the goal, ≥ 0.5) and
 *    `fullOfLikeForLike` to row 3;
 * 2. `sqlite3 .import of the same CSV`: the native baseline, the export CSV imported into ONE table with the
 *    same columns, declared types and a primary key;
 * 3. `sqlite3 .import of the rows qsync stored`: the native tool writing what the issue requires the store to write,
 *    the survey's `responses` rows and its wide table's rows (dumped untimed from qsync's file) into the same tables
 *    (qsync's DDL and pragmas), one `sqlite3` process, one transaction per table (bench/stored-rows-sqlite.ts);
 * 4. at the largest size only, `qsync sync, incremental`: 1,000 changed responses (500 added, 500 edited), as a
 *    share of the full sync's time.
 * Rows 2 and 3 count responses per second; their peak RSS is the `sqlite3` process's.
 *
 *   node --import tsx bench/sync-full.ts [responses …]     (default 100000 1000000)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { QualtricsClient } from '../src/client/index.ts';
import { exportToFile } from '../src/export/index.ts';
import { runSqlite3 } from './native-baseline.ts';
import type { BenchCase, BenchRow } from './run.ts';
import { importStoredRows } from './stored-rows-sqlite.ts';
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
  await runSqlite3([db, `PRAGMA journal_mode = WAL; CREATE TABLE responses (${defs.join(', ')});`]);
  const timed = await runSqlite3([db, `.import --csv --skip 3 ${csv.path} responses`]);
  return { ...timed, csvMb: Math.round(statSync(csv.path).size / 1e5) / 10 };
}

/** Control API of the simulator child: adds or edits `count` responses. */
async function change(sim: SimChild, action: 'add' | 'edit', count: number): Promise<void> {
  const path = action === 'add' ? 'responses' : 'responses/edit';
  const res = await fetch(`${sim.baseUrl}/_sim/surveys/${sim.surveyIds[0]}/${path}`, { method: 'POST', body: JSON.stringify({ count }) });
  if (!res.ok) throw new Error(`control ${action}: ${res.status}`);
}

export const perSec = (rows: number, ms: number) => Math.round((rows / ms) * 1000);

/** The full sync's rows/s as a share of a native load's (`rows` responses in `ms`), to three decimals. */
export const fullOf = (full: SyncChildResult, rows: number, ms: number) =>
  Math.round((perSec(full.exported, full.ms) / perSec(rows, ms)) * 1000) / 1000;

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

/** Full sync and both native imports at each size; at the largest, the incremental sync too. */
export async function benchSync(sizes: readonly number[] = SIZES): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const n of sizes) {
    const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-sync-'));
    const sim = await startSimChild(['--responses', String(n), '--surveys', '1', '--export-delay-ms', '0', '--rate-scale', '10']);
    try {
      const db = join(dir, 'qsync.db');
      const full = await syncChild(sim, db);
      const label = n.toLocaleString('en-US');
      const native = await nativeImport(sim, db, dir);
      const stored = await importStoredRows(db, sim.surveyIds[0]!, dir);
      if (stored.rows !== n) throw new Error(`like-for-like import loaded ${stored.rows} responses, expected ${n}`);
      rows.push({
        label: `qsync sync, full, ${label} responses`,
        figures: { ...fullSyncFigures(full), fullOfNative: fullOf(full, n, native.ms), fullOfLikeForLike: fullOf(full, n, stored.ms) },
      });
      rows.push({
        label: `sqlite3 .import of the same CSV (${native.csvMb} MB), ${label} rows`,
        figures: { ms: native.ms, rowsPerSec: perSec(n, native.ms), loadRowsPerSec: perSec(n, native.ms), peakRssMb: native.peakRssMb },
      });
      rows.push({
        label: `sqlite3 .import of the rows qsync stored (responses + wide table, same DDL; ${stored.csvMb} MB of CSV), ${label} rows`,
        figures: { ms: stored.ms, rowsPerSec: perSec(n, stored.ms), loadRowsPerSec: perSec(n, stored.ms), peakRssMb: stored.peakRssMb },
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
