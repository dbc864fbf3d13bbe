/**
 * Like-for-like native baselines of the PostgreSQL sync benchmark: `psql` writing exactly what a full sync stored for
 * a survey, its `responses` rows (typed metadata, every value and label as JSON, row hash) and its wide table's rows,
 * into fresh copies of the same two tables (DDL from `pg_dump --schema-only`: keys and indexes included) on the same
 * server, in one transaction. Two paths:
 *
 * - `tables`: `\copy` of each table's rows straight into it;
 * - `staged`: the path the issue mandates for the store: `\copy` of each response once (its `responses` columns and
 *   its wide columns side by side) into a temporary staging table, then one `INSERT … SELECT … ON CONFLICT DO UPDATE`
 *   into each table. Unlike the store's merge, no probe of stored rows: the targets are empty, as in a full sync.
 *
 * The issue's own baseline (`\copy` of the export CSV into one table) is in bench/sync-postgres.ts.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PostgresServer } from '../test/support/postgres.ts';
import { runSampled } from './native-baseline.ts';
import { runPsql } from './store-postgres.ts';
import type { StoredRowsLoad } from './stored-rows-sqlite.ts';

/** `tables`: `\copy` into both tables; `staged`: `\copy` into a stage, then `INSERT … ON CONFLICT` into both. */
export type StoredRowsPath = 'tables' | 'staged';

const SCHEMA = 'qsync';
/** Columns the store fills itself rather than from the staged record: the survey, the sync time, the tombstone. */
const NOT_STAGED = new Set(['survey_id', 'synced_at', 'deleted_at']);

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;
const databaseOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/**
 * Loads the rows a full sync stored for `surveyId` in the qsync database at `qsyncUrl` into a fresh database on
 * `server` along `path`, and times the one `psql -1` process that does it (its files are dumped untimed into `dir`,
 * in the order qsync wrote the rows, and removed after; the fresh database is dropped after). Checks that both
 * tables end with as many rows as qsync's. Peak RSS is the `psql` process's.
 */
export async function copyStoredRows(
  server: PostgresServer,
  qsyncUrl: string,
  surveyId: string,
  dir: string,
  path: StoredRowsPath,
): Promise<StoredRowsLoad> {
  const source = await readSchema(server, databaseOf(qsyncUrl), surveyId);
  const url = await server.createDatabase(`bench_${path}`);
  const files = [join(dir, `${path}-ddl.sql`), join(dir, `${path}-responses.csv`), join(dir, `${path}-wide.csv`)];
  try {
    await runSampled(
      'pg_dump',
      ['--schema-only', '--no-owner', '--no-privileges', '-t', `${SCHEMA}.responses`, '-t', `${SCHEMA}.${source.wide}`, '-f', files[0]!, qsyncUrl],
      'apt-get install postgresql-client-15',
    );
    await runPsql([url, '-1', '-c', `CREATE SCHEMA ${SCHEMA}`, '-f', files[0]!]);
    const script = path === 'tables' ? await dumpTables(qsyncUrl, source, files) : await dumpStage(qsyncUrl, source, files);
    const started = performance.now();
    const peakKb = await runPsql([url, '-1', ...script.flatMap((command) => ['-c', command])]);
    const ms = Math.round(performance.now() - started);
    const loaded = await countRows(server, databaseOf(url), source);
    if (loaded.responses !== source.stored.responses || loaded.wide !== source.stored.wide) {
      throw new Error(
        `like-for-like ${path}: ${loaded.responses} responses and ${loaded.wide} wide rows, qsync stored ${source.stored.responses} and ${source.stored.wide}`,
      );
    }
    const bytes = files.slice(1).reduce((sum, file) => sum + (statSync(file, { throwIfNoEntry: false })?.size ?? 0), 0);
    return { ms, peakRssMb: Math.round(peakKb / 102.4) / 10, rows: loaded.responses, csvMb: Math.round(bytes / 1e5) / 10 };
  } finally {
    for (const file of files) rmSync(file, { force: true });
    await server.sql(`DROP DATABASE IF EXISTS ${quoteIdent(databaseOf(url))}`);
  }
}

/** The survey's tables in the qsync database: the wide table (quoted), columns in order, and the rows they hold. */
interface SourceSchema {
  surveyId: string;
  /** The wide table, quoted. */
  wide: string;
  /** Column names of `responses`, in order, unquoted. */
  responseColumns: string[];
  /** Column names of the wide table, in order, unquoted. */
  wideColumns: string[];
  stored: { responses: number; wide: number };
}

async function readSchema(server: PostgresServer, database: string, surveyId: string): Promise<SourceSchema> {
  const [survey] = await server.sql<{ table_name: string }>(
    `SELECT table_name FROM ${SCHEMA}.surveys WHERE survey_id = $1`,
    [surveyId],
    database,
  );
  if (!survey) throw new Error(`${database}: survey ${surveyId} not found`);
  const columns = async (table: string) =>
    (
      await server.sql<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
        [SCHEMA, table],
        database,
      )
    ).map((c) => c.column_name);
  const source = {
    surveyId,
    wide: quoteIdent(survey.table_name),
    responseColumns: await columns('responses'),
    wideColumns: await columns(survey.table_name),
  };
  return { ...source, stored: await countRows(server, database, source) };
}

async function countRows(server: PostgresServer, database: string, s: Pick<SourceSchema, 'surveyId' | 'wide'>) {
  const [counts] = await server.sql<{ responses: string; wide: string }>(
    `SELECT (SELECT count(*) FROM ${SCHEMA}.responses WHERE survey_id = $1) AS responses, (SELECT count(*) FROM ${SCHEMA}.${s.wide}) AS wide`,
    [s.surveyId],
    database,
  );
  return { responses: Number(counts?.responses), wide: Number(counts?.wide) };
}

/** `tables`: each table's rows as CSV in heap order (the order qsync inserted them); the `\copy` of each back. */
async function dumpTables(qsyncUrl: string, s: SourceSchema, files: string[]): Promise<string[]> {
  const [, responsesCsv, wideCsv] = files as [string, string, string];
  await runPsql([
    qsyncUrl,
    '-c',
    `\\copy (SELECT * FROM ${SCHEMA}.responses WHERE survey_id = ${sqlString(s.surveyId)}) TO '${responsesCsv}' WITH (FORMAT csv)`,
    '-c',
    `\\copy ${SCHEMA}.${s.wide} TO '${wideCsv}' WITH (FORMAT csv)`,
  ]);
  return [
    `\\copy ${SCHEMA}.responses FROM '${responsesCsv}' WITH (FORMAT csv)`,
    `\\copy ${SCHEMA}.${s.wide} FROM '${wideCsv}' WITH (FORMAT csv)`,
  ];
}

/**
 * `staged`: one CSV line per response (its `responses` columns but the survey, sync time and tombstone, then its
 * typed wide columns as `w0`, `w1`, … since names like `status` are in both tables), in the order qsync inserted
 * them; the script creating the stage (same types, read from the fresh tables), `\copy` into it and both merges.
 */
async function dumpStage(qsyncUrl: string, s: SourceSchema, files: string[]): Promise<string[]> {
  const stageCsv = files[1]!;
  const data = s.responseColumns.filter((c) => !NOT_STAGED.has(c)).map(quoteIdent);
  const typed = s.wideColumns.filter((c) => !NOT_STAGED.has(c) && c !== 'response_id').map(quoteIdent);
  const w = typed.map((_, i) => `w${i}`);
  const stageColumns = [...data.map((c) => `r.${c}`), ...typed.map((c, i) => `w.${c} AS ${w[i]}`)].join(', ');
  const wideTable = `${SCHEMA}.${s.wide}`;
  await runPsql([
    qsyncUrl,
    '-c',
    `\\copy (SELECT ${stageColumns} FROM ${SCHEMA}.responses r JOIN ${wideTable} w ON w.response_id = r.response_id WHERE r.survey_id = ${sqlString(s.surveyId)} ORDER BY r.ctid) TO '${stageCsv}' WITH (FORMAT csv)`,
  ]);
  const updates = (columns: string[]) => columns.map((c) => `${c} = excluded.${c}`).join(', ');
  return [
    `CREATE TEMP TABLE stage ON COMMIT DROP AS SELECT ${stageColumns} FROM ${SCHEMA}.responses r CROSS JOIN ${wideTable} w WITH NO DATA`,
    `\\copy stage FROM '${stageCsv}' WITH (FORMAT csv)`,
    `INSERT INTO ${SCHEMA}.responses AS t (survey_id, ${data.join(', ')}, synced_at)
       SELECT ${sqlString(s.surveyId)}, ${data.join(', ')}, now() FROM stage
       ON CONFLICT (survey_id, response_id) DO UPDATE SET ${updates(data.filter((c) => c !== '"response_id"'))},
         synced_at = excluded.synced_at, deleted_at = NULL
       WHERE t.row_hash IS DISTINCT FROM excluded.row_hash OR t.deleted_at IS NOT NULL`,
    `INSERT INTO ${wideTable} AS t (response_id, synced_at, ${typed.join(', ')})
       SELECT response_id, now(), ${w.join(', ')} FROM stage
       ON CONFLICT (response_id) DO UPDATE SET synced_at = excluded.synced_at, deleted_at = NULL, ${updates(typed)}`,
  ];
}
