/**
 * The like-for-like native baseline of the SQLite sync benchmark: `sqlite3 .import` writing exactly what a full sync
 * stored for a survey, its `responses` rows (typed metadata, every value and label as JSON, row hash) and its wide
 * table's rows, into the same tables (DDL copied from qsync's `sqlite_master`: keys, unique index and foreign key
 * included) with the same pragmas. The issue's own baseline imports the export CSV into one table; this one shows
 * how fast the native tool writes the two rows per response the store is required to write.
 */
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type NativeRun, runSqlite3 } from './native-baseline.ts';

/** A timed native load of stored rows. */
export interface StoredRowsLoad extends NativeRun {
  /** Responses loaded (each is one row in `responses` and one in the wide table). */
  rows: number;
  /** Size of the CSV files loaded (MB). */
  csvMb: number;
}

/**
 * The settings qsync gives every connection (src/store/sqlite/open-database.ts), set again in the timed process:
 * they are per connection, while page size and WAL mode are kept in the file.
 */
const CONNECTION_PRAGMAS = [
  'PRAGMA foreign_keys = ON',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA cache_size = -65536',
  'PRAGMA wal_autocheckpoint = 8192',
  'PRAGMA journal_size_limit = 134217728',
].join('; ');

const sqlString = (text: string) => `'${text.replaceAll("'", "''")}'`;
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Dumps (untimed) the `responses` rows of `surveyId` and its wide table from the qsync database `qsyncDb` as CSV in
 * row_id order (the order qsync inserted them), creates a fresh database in `dir` with qsync's page size, WAL mode
 * and the DDL of `surveys`, `responses` and the wide table (plus the survey's `surveys` row, which the foreign key
 * of `responses` needs), then times one `sqlite3` process that sets qsync's connection pragmas and `.import`s both
 * files, one transaction each. Checks that both tables hold as many rows as qsync's. Its files are removed after.
 *
 * SQLite's CSV has no NULL: a NULL cell is imported as '' (stored in the same space: no payload bytes either way).
 */
export async function importStoredRows(qsyncDb: string, surveyId: string, dir: string): Promise<StoredRowsLoad> {
  const { table, ddl, stored } = readSchema(qsyncDb, surveyId);
  const responsesCsv = join(dir, 'stored-responses.csv');
  const wideCsv = join(dir, 'stored-wide.csv');
  const fresh = join(dir, 'like-for-like.db');
  try {
    await runSqlite3([
      '-bail',
      '-csv',
      qsyncDb,
      `.output "${responsesCsv}"`,
      `SELECT * FROM responses WHERE survey_id = ${sqlString(surveyId)} ORDER BY row_id`,
      `.output "${wideCsv}"`,
      `SELECT * FROM ${quoteIdent(table)} ORDER BY row_id`,
    ]);
    // page_size must come before the first table; both it and WAL mode are then kept in the file.
    await runSqlite3([
      '-bail',
      fresh,
      'PRAGMA page_size = 16384',
      'PRAGMA journal_mode = WAL',
      ...ddl,
      `ATTACH ${sqlString(qsyncDb)} AS q`,
      `INSERT INTO surveys SELECT * FROM q.surveys WHERE survey_id = ${sqlString(surveyId)}`,
    ]);
    const timed = await runSqlite3([
      '-bail',
      fresh,
      CONNECTION_PRAGMAS,
      `.import --csv "${responsesCsv}" responses`,
      `.import --csv "${wideCsv}" "${table}"`,
    ]);
    const loaded = countRows(fresh, surveyId, table);
    if (loaded.responses !== stored.responses || loaded.wide !== stored.wide) {
      throw new Error(
        `like-for-like import: ${loaded.responses} responses and ${loaded.wide} wide rows, qsync stored ${stored.responses} and ${stored.wide}`,
      );
    }
    const csvMb = Math.round((statSync(responsesCsv).size + statSync(wideCsv).size) / 1e5) / 10;
    return { ...timed, rows: loaded.responses, csvMb };
  } finally {
    for (const path of [responsesCsv, wideCsv, fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(path, { force: true });
  }
}

/** The survey's wide table, the DDL of the three tables (tables first, then their indexes and triggers), row counts. */
function readSchema(qsyncDb: string, surveyId: string) {
  const db = new Database(qsyncDb, { readonly: true });
  try {
    const table = db.prepare(`SELECT table_name FROM surveys WHERE survey_id = ?`).pluck().get(surveyId) as string | undefined;
    if (!table) throw new Error(`${qsyncDb}: survey ${surveyId} not found`);
    // Automatic indexes (PRIMARY KEY, UNIQUE) have no SQL of their own: the CREATE TABLE makes them again.
    const ddl = db
      .prepare(
        `SELECT sql FROM sqlite_master WHERE tbl_name IN ('surveys', 'responses', ?) AND sql IS NOT NULL
         ORDER BY type <> 'table', rowid`,
      )
      .pluck()
      .all(table) as string[];
    return { table, ddl, stored: countIn(db, surveyId, table) };
  } finally {
    db.close();
  }
}

function countRows(path: string, surveyId: string, table: string) {
  const db = new Database(path, { readonly: true });
  try {
    return countIn(db, surveyId, table);
  } finally {
    db.close();
  }
}

function countIn(db: Database.Database, surveyId: string, table: string): { responses: number; wide: number } {
  return {
    responses: db.prepare(`SELECT count(*) FROM responses WHERE survey_id = ?`).pluck().get(surveyId) as number,
    wide: db.prepare(`SELECT count(*) FROM ${quoteIdent(table)}`).pluck().get() as number,
  };
}
