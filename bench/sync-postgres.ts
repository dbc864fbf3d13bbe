/**
 * Full sync into PostgreSQL (issue 5), from the simulator (its own process) into a throwaway PostgreSQL 15 server,
 * all on that one server in the same run. Rows, at each size (100,000 and 1,000,000 responses × ~50 columns):
 * 1. `qsync sync into PostgreSQL, full`: one `runSync` into a fresh database (rows/s, export and load phases, peak
 *    RSS of the syncing process);
 * 2. `psql \copy of the same CSV`: the issue's native baseline, the export CSV copied into ONE table with the same
 *    columns, the types qsync declared, and a primary key on the response id;
 * 3. `psql \copy of the rows qsync stored`: the native tool writing what the issue requires the store to write, the
 *    survey's `responses` rows and its wide table's rows (dumped untimed from qsync's database) copied into fresh
 *    copies of both tables (`pg_dump --schema-only` DDL, keys and indexes included), one `psql`, one transaction;
 * 4. `psql \copy into a temp stage + INSERT … ON CONFLICT`: the same rows along the issue's mandated path, `\copy`
 *    of each response once into a temporary staging table, then one `INSERT … SELECT … ON CONFLICT DO UPDATE` into
 *    each table, one `psql`, one transaction (rows 3 and 4: bench/stored-rows-postgres.ts);
 * 5. `ratio`: the full sync's rows/s as a share of row 2's (`fullOfNative`, the issue's goal ≥ 0.5; `loadOfNative`
 *    for its load phase alone), of row 3's (`fullOfLikeForLike`) and of row 4's (`fullOfStagedMerge`).
 * Rows 2–4 count responses per second; their peak RSS is the `psql` process's (the server's work is not in it).
 *
 *   node --import tsx bench/sync-postgres.ts [responses …]     (default 100000 1000000)
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { QualtricsClient } from '../src/client/index.ts';
import { exportToFile } from '../src/export/index.ts';
import { type PostgresServer, startPostgres } from '../test/support/postgres.ts';
import type { BenchCase, BenchRow } from './run.ts';
import { type SimChild, startSimChild } from './sim-child.ts';
import { runPsql } from './store-postgres.ts';
import { copyStoredRows } from './stored-rows-postgres.ts';
import { fullOf, fullSyncFigures, perSec, syncChild } from './sync-full.ts';

const SIZES = [100_000, 1_000_000];

/** Byte offset of the first data record of a Qualtrics CSV: after three header records (which may hold quoted newlines). */
async function dataOffset(path: string): Promise<number> {
  let offset = 0;
  let records = 0;
  let quoted = false;
  for await (const chunk of createReadStream(path, { end: 1 << 22 }) as AsyncIterable<Buffer>) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      if (byte === 0x22) quoted = !quoted;
      else if (byte === 0x0a && !quoted && ++records === 3) return offset + i + 1;
    }
    offset += chunk.length;
  }
  throw new Error(`${path}: fewer than three header records in its first 4 MB`);
}

/**
 * The baseline: the same export as CSV (fetched and stripped of its header records, untimed), then one timed
 * `psql` process running `\copy` into a table declared with the wide table's column types and a primary key on the
 * response id.
 */
async function psqlCopy(server: PostgresServer, sim: SimChild, qsyncUrl: string, dir: string) {
  const client = new QualtricsClient({ baseUrl: sim.baseUrl, apiToken: sim.apiToken, tokenCache: false, env: {} });
  const surveyId = sim.surveyIds[0]!;
  const csv = await exportToFile(client, { surveyId, params: { format: 'csv', sortByLastModifiedDate: true } }, { out: join(dir, 'export.csv') });
  const data = join(dir, 'data.csv');
  await pipeline(createReadStream(csv.path, { start: await dataOffset(csv.path) }), createWriteStream(data));
  const qsyncDb = qsyncUrl.split('/').at(-1)!;
  const [survey] = await server.sql<{ table_name: string }>(`SELECT table_name FROM qsync.surveys WHERE survey_id = $1`, [surveyId], qsyncDb);
  const declared = new Map(
    (
      await server.sql<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'qsync' AND table_name = $1`,
        [survey!.table_name],
        qsyncDb,
      )
    ).map((c) => [c.column_name, c.data_type]),
  );
  const columns = await server.sql<{ import_id: string | null; sql_name: string }>(
    `SELECT import_id, sql_name FROM qsync.survey_columns WHERE survey_id = $1 ORDER BY position`,
    [surveyId],
    qsyncDb,
  );
  const defs = columns.map((c, i) => `c${i} ${declared.get(c.sql_name) ?? 'text'}${c.import_id === '_recordId' ? ' PRIMARY KEY' : ''}`);
  const url = await server.createDatabase('bench_native');
  await runPsql([url, '-c', `CREATE TABLE responses (${defs.join(', ')})`]);
  const started = performance.now();
  const peakKb = await runPsql([url, '-c', `\\copy responses FROM '${data}' WITH (FORMAT csv)`]);
  const ms = Math.round(performance.now() - started);
  const [{ n } = { n: '0' }] = await server.sql<{ n: string }>(`SELECT count(*) AS n FROM responses`, [], url.split('/').at(-1));
  return { ms, rows: Number(n), peakRssMb: Math.round(peakKb / 102.4) / 10, csvMb: Math.round(statSync(data).size / 1e5) / 10 };
}

/** Full sync into PostgreSQL and the three `psql` baselines at each size, on one server. */
export async function benchSyncPostgres(sizes: readonly number[] = SIZES): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const server = await startPostgres();
  try {
    for (const n of sizes) {
      const dir = mkdtempSync(join(tmpdir(), 'qsync-bench-syncpg-'));
      const sim = await startSimChild(['--responses', String(n), '--surveys', '1', '--export-delay-ms', '0', '--rate-scale', '10']);
      try {
        const url = await server.createDatabase('bench_sync');
        const full = await syncChild(sim, url);
        const native = await psqlCopy(server, sim, url, dir);
        if (native.rows !== n) throw new Error(`\\copy loaded ${native.rows} rows, expected ${n}`);
        const surveyId = sim.surveyIds[0]!;
        const tables = await copyStoredRows(server, url, surveyId, dir, 'tables');
        const staged = await copyStoredRows(server, url, surveyId, dir, 'staged');
        for (const load of [tables, staged]) if (load.rows !== n) throw new Error(`like-for-like load of ${load.rows} responses, expected ${n}`);
        const label = n.toLocaleString('en-US');
        const nativeFigures = (load: { ms: number; peakRssMb: number }) => ({
          ms: load.ms,
          rowsPerSec: perSec(n, load.ms),
          loadRowsPerSec: perSec(n, load.ms),
          peakRssMb: load.peakRssMb,
        });
        rows.push({ label: `qsync sync into PostgreSQL, full, ${label} responses`, figures: fullSyncFigures(full) });
        rows.push({ label: `psql \\copy of the same CSV (${native.csvMb} MB), ${label} rows`, figures: nativeFigures(native) });
        rows.push({
          label: `psql \\copy of the rows qsync stored (responses + wide table, same DDL; ${tables.csvMb} MB of CSV), ${label} rows`,
          figures: nativeFigures(tables),
        });
        rows.push({
          label: `psql \\copy into a temp stage + INSERT … ON CONFLICT into responses and the wide table (same DDL; ${staged.csvMb} MB of CSV), ${label} rows`,
          figures: nativeFigures(staged),
        });
        rows.push({
          label: `ratio, ${label}`,
          figures: {
            fullOfNative: fullOf(full, n, native.ms),
            loadOfNative: Math.round((perSec(full.exported, full.loadMs) / perSec(n, native.ms)) * 1000) / 1000,
            fullOfLikeForLike: fullOf(full, n, tables.ms),
            fullOfStagedMerge: fullOf(full, n, staged.ms),
          },
        });
      } finally {
        await sim.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await server.stop();
  }
  return rows;
}

/** The case, for bench/cases.ts. */
export const syncPostgresCase: BenchCase = {
  name: 'sync-postgres',
  goal: 'full sync of 1,000,000 responses × 50 columns into PostgreSQL ≥ half the rows/s of psql \\copy of the same CSV',
  run: () => benchSyncPostgres(),
};

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  for (const row of await benchSyncPostgres(sizes.length ? sizes : SIZES)) process.stdout.write(`${JSON.stringify(row)}\n`);
}
