/**
 * PostgreSQL write benchmark: synthetic responses written through the `PostgresStore` in batched transactions
 * (rows and cursor committed together, as the sync engine does), beside `psql` baselines on the same server:
 *
 * - `benchPsqlCopy`, the issue's baseline: `\copy` of the same data as CSV into one table with the same columns,
 *   types and a primary key (the wide table alone).
 * - `benchPsqlStoreTables`: `\copy` of the same responses straight into the store's own two tables (`responses`
 *   with `values_json`, metadata and row hash, and the wide table): the same bytes and indexes the store writes.
 * - `benchPsqlStaged`: the staging design done by `psql` alone: `\copy` into a temporary stage, then
 *   `INSERT … SELECT` into both tables, in one transaction — the server's share of the store's work, without
 *   JavaScript, hashing or the probe for stored responses.
 *
 * All run against a throwaway harness server (fsync and synchronous_commit off for all). Run one case per process
 * so peak RSS is that case's own, or `compare` to run every case in turn on one server and print medians:
 *   node --import tsx bench/store-postgres.ts store 100000
 *   node --import tsx bench/store-postgres.ts compare 100000 3
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMeta, rowHash } from '../src/store/internal/row-codec.ts';
import { PostgresStore } from '../src/store/postgres/postgres-store.ts';
import type { Layout, SqlType, StoreRecord } from '../src/store/types.ts';
import { type PostgresServer, startPostgres } from '../test/support/postgres.ts';
import { runSampled, writeLines } from './native-baseline.ts';
import {
  BENCH_SURVEY,
  benchResult,
  type ColumnKind,
  cell,
  columnKeys,
  kindOf,
  sequentialResponseId,
  syntheticColumns,
  syntheticRecord,
  type WriteBenchResult,
  writeSynthetic,
} from './synthetic-responses.ts';

/** What one benchmark run measured. */
export type PostgresBenchResult = WriteBenchResult;

/** Records per transaction, as the sync engine would commit them. */
const BATCH = 5000;

const SQL_TYPE: Record<ColumnKind, SqlType> = { date: 'timestamp', integer: 'integer', boolean: 'boolean', real: 'real', text: 'text' };
const PG_TYPE: Record<ColumnKind, string> = {
  date: 'timestamptz',
  integer: 'bigint',
  boolean: 'boolean',
  real: 'double precision',
  text: 'text',
};

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
      const timing = await writeSynthetic(store, { rows, cols, batch: BATCH, responseId: sequentialResponseId });
      const stored = await store.countResponses(BENCH_SURVEY);
      if (stored !== rows) throw new Error(`benchPostgresWrite: ${stored} responses stored, expected ${rows}`);
      const peak = Math.max(timing.peakRss, process.resourceUsage().maxRSS * 1024);
      return { ...benchResult(rows, timing.storeMs, peak), wallMs: Math.round(timing.wallMs) };
    } finally {
      await store.close();
    }
  });
}

/**
 * The issue's baseline: writes the same data as CSV (untimed), creates a table with the same columns, types and a
 * primary key, then times `psql -c "\copy … FROM … CSV"`. Peak RSS is the `psql` process's.
 */
export function benchPsqlCopy(rows: number, cols = 50, server?: PostgresServer): Promise<PostgresBenchResult> {
  return withPsql(server, rows, 'bench_copy', async (url, dir) => {
    const csv = join(dir, 'responses.csv');
    await writeCsv(csv, rows, (r) => [sequentialResponseId(r), ...cells(r, cols)]);
    const defs = ['response_id text PRIMARY KEY'];
    for (let c = 1; c < cols; c++) defs.push(`q${c} ${PG_TYPE[kindOf(c)]}`);
    await runPsql([url, '-c', `CREATE TABLE responses (${defs.join(', ')})`]);
    return { script: [`\\copy responses FROM '${csv}' WITH (FORMAT csv)`], count: 'SELECT count(*) AS n FROM responses' };
  });
}

/**
 * `\copy` of the same responses into the store's own `responses` and wide table (created by the store, columns
 * typed up front), in one transaction: what the store writes, loaded the native way.
 */
export function benchPsqlStoreTables(rows: number, cols = 50, server?: PostgresServer): Promise<PostgresBenchResult> {
  return withPsql(server, rows, 'bench_tables', async (url, dir) => {
    const { responses, wide } = await storeTables(url, cols);
    const [main, extra] = [join(dir, 'responses.csv'), join(dir, 'wide.csv')];
    const keys = columnKeys(cols);
    await writeCsv(main, rows, (r) => [BENCH_SURVEY, sequentialResponseId(r), ...responseCells(syntheticRecord(r, keys, sequentialResponseId))]);
    await writeCsv(extra, rows, (r) => [sequentialResponseId(r), SYNCED_AT, ...cells(r, cols)]);
    return {
      script: [
        `\\copy qsync.responses (${responses.join(', ')}) FROM '${main}' WITH (FORMAT csv)`,
        `\\copy qsync.${wide.table} (${wide.columns.join(', ')}) FROM '${extra}' WITH (FORMAT csv)`,
      ],
      count: 'SELECT count(*) AS n FROM qsync.responses',
    };
  });
}

/**
 * The staging design without JavaScript: `\copy` into a temporary stage holding each response once, then
 * `INSERT … SELECT` into `responses` and the wide table, in one transaction.
 */
export function benchPsqlStaged(rows: number, cols = 50, server?: PostgresServer): Promise<PostgresBenchResult> {
  return withPsql(server, rows, 'bench_staged', async (url, dir) => {
    const { wide } = await storeTables(url, cols);
    const csv = join(dir, 'stage.csv');
    const keys = columnKeys(cols);
    await writeCsv(csv, rows, (r) => [
      sequentialResponseId(r),
      ...responseCells(syntheticRecord(r, keys, sequentialResponseId)),
      ...cells(r, cols),
    ]);
    const w = Array.from({ length: cols - 1 }, (_, i) => `w${i + 1}`);
    const stageDefs = w.map((name, i) => `${name} ${PG_TYPE[kindOf(i + 1)]}`);
    return {
      script: [
        `CREATE TEMP TABLE stage (response_id text, ${RESPONSE_DATA.map((c) => `${c} ${RESPONSE_TYPES[c]}`).join(', ')}, ${stageDefs.join(', ')}) ON COMMIT DROP`,
        `\\copy stage FROM '${csv}' WITH (FORMAT csv)`,
        `INSERT INTO qsync.responses (survey_id, response_id, ${RESPONSE_DATA.join(', ')}) SELECT '${BENCH_SURVEY}', response_id, ${RESPONSE_DATA.join(', ')} FROM stage`,
        `INSERT INTO qsync.${wide.table} (${wide.columns.join(', ')}) SELECT response_id, '${SYNCED_AT}', ${w.join(', ')} FROM stage`,
      ],
      count: 'SELECT count(*) AS n FROM qsync.responses',
    };
  });
}

const SYNCED_AT = '2024-06-01T00:00:00.000Z';
/** The `responses` columns the synthetic records fill, after `response_id`. */
const RESPONSE_DATA = ['start_date', 'recorded_date', 'progress', 'finished', 'values_json', 'row_hash', 'synced_at'];
const RESPONSE_TYPES: Record<string, string> = {
  start_date: 'timestamptz',
  recorded_date: 'timestamptz',
  progress: 'double precision',
  finished: 'boolean',
  values_json: 'json',
  row_hash: 'text',
  synced_at: 'timestamptz',
};

/** The `RESPONSE_DATA` fields of a record as the store writes them (`values_json` in layout order = key order here). */
function responseCells(rec: StoreRecord): string[] {
  const valuesJson = JSON.stringify(rec.values);
  const hash = rowHash(valuesJson, null, encodeMeta(rec.meta, rec.responseId));
  return [String(rec.meta.startDate), String(rec.meta.recordedDate), '100', 'true', valuesJson, hash, SYNCED_AT];
}

function cells(r: number, cols: number): string[] {
  return Array.from({ length: cols - 1 }, (_, i) => String(cell(r, i + 1)));
}

/** Creates the store's schema and the survey's typed wide table in `url`'s database; their quoted names. */
async function storeTables(url: string, cols: number) {
  const store = await PostgresStore.open(url);
  let layout: Layout;
  try {
    await store.saveSurvey({ id: BENCH_SURVEY, name: 'Benchmark survey' });
    layout = await store.ensureLayout(BENCH_SURVEY, syntheticColumns(cols, SQL_TYPE));
  } finally {
    await store.close();
  }
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    responses: ['survey_id', 'response_id', ...RESPONSE_DATA],
    wide: { table: quote(layout.tableName), columns: ['response_id', 'synced_at', ...layout.columns.map((c) => quote(c.sqlName))] },
  };
}

/**
 * A `psql` baseline: `prepare` writes its CSV (untimed) and returns the commands (a `\copy` alone in its command,
 * as psql requires); the timed part is one `psql -1` process running them in one transaction. Checks the row count.
 */
function withPsql(
  server: PostgresServer | undefined,
  rows: number,
  prefix: string,
  prepare: (url: string, dir: string) => Promise<{ script: string[]; count: string }>,
): Promise<PostgresBenchResult> {
  return withServer(server, async (s) => {
    const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-copy-'));
    try {
      const url = await s.createDatabase(prefix);
      const { script, count } = await prepare(url, dir);
      const t0 = performance.now();
      const peakKb = await runPsql([url, '-1', ...script.flatMap((command) => ['-c', command])]);
      const ms = performance.now() - t0;
      const [{ n } = { n: 0 }] = await s.sql<{ n: string }>(count, [], url.split('/').at(-1));
      if (Number(n) !== rows) throw new Error(`${prefix}: ${n} rows loaded, expected ${rows}`);
      return benchResult(rows, ms, peakKb * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Writes `rows` CSV lines, quoting every field that needs it. */
function writeCsv(path: string, rows: number, fields: (r: number) => string[]): Promise<void> {
  return writeLines(path, rows, (r) =>
    fields(r)
      .map((f) => (/[",\n\r]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f))
      .join(','),
  );
}

/** Runs `psql` (stopping at the first error); resolves with its peak RSS in kB. */
export function runPsql(args: string[]): Promise<number> {
  return runSampled('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], 'apt-get install postgresql-client-15');
}

const CASES = { store: benchPostgresWrite, copy: benchPsqlCopy, tables: benchPsqlStoreTables, staged: benchPsqlStaged };

/**
 * Every case `repeats` times in turn on one harness server; the median rows/s of each, its ratio to `copy`, and the
 * 1-minute load average around each run (the figures move with whatever else the machine runs).
 */
export async function compareOnServer(rows: number, repeats = 3, cols = 50): Promise<Record<string, number | string>> {
  const server = await startPostgres();
  const seen: Record<string, number[]> = {};
  const loads: number[] = [];
  try {
    for (let i = 0; i < repeats; i++) {
      for (const [name, bench] of Object.entries(CASES)) {
        loads.push(loadavg()[0]!);
        (seen[name] ??= []).push((await bench(rows, cols, server)).rowsPerSec);
      }
    }
  } finally {
    await server.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]!;
  const out: Record<string, number | string> = { rows, repeats };
  for (const [name, xs] of Object.entries(seen)) out[`${name}RowsPerSec`] = median(xs);
  for (const name of ['store', 'tables', 'staged']) out[`${name}OfCopy`] = Number((median(seen[name]!) / median(seen.copy!)).toFixed(3));
  out.runs = Object.entries(seen)
    .map(([name, xs]) => `${name} ${xs.join('/')}`)
    .join('; ');
  out.loadAvg = `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [which = 'store', rowsArg, extra] = process.argv.slice(2);
  const rows = Number(rowsArg ?? 100_000);
  if (which === 'compare') {
    process.stdout.write(`${JSON.stringify(await compareOnServer(rows, Number(extra ?? 3)))}\n`);
  } else {
    const bench = CASES[which as keyof typeof CASES];
    if (!bench) throw new Error(`unknown case ${which}: one of ${Object.keys(CASES).join(', ')}, compare`);
    const result = await bench(rows, Number(extra ?? 50));
    process.stdout.write(`${JSON.stringify({ case: which, rows, ...result, loadAvg: loadavg()[0] })}\n`);
  }
}
