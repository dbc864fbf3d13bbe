/**
 * Opens a SQLite file safely: every reason it cannot be used is found before anything is written, and reported as
 * one `StoreError` naming the path. A file this function created is removed again when opening fails.
 */
import { accessSync, closeSync, constants, openSync, readSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import { SQLITE_NUMBER_TEXT } from '../plan-widening.ts';
import { assertUsable, inspectDatabase, migrate } from './migrate.ts';

/** Connection settings. */
export interface SqliteOpenOptions {
  /** How long a write waits for another process's lock before failing (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** UTC ISO-8601 "now", recorded as the creation date of a new database. */
  now: string;
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** Opens (creating and migrating when new) the database at `path`; `:memory:` for a throwaway one. */
export function openSqliteDatabase(path: string, options: SqliteOpenOptions): Database.Database {
  const memory = path === ':memory:';
  const file = memory ? path : resolve(path);
  const existed = memory ? false : precheck(file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: existed });
    // Widening a real column to text spells its numbers as the writer does (see planWidening).
    db.function(SQLITE_NUMBER_TEXT, { deterministic: true }, (v: unknown) =>
      typeof v === 'number' || typeof v === 'bigint' ? String(v) : (v as string | null),
    );
    if (existed) assertUsable(readKind(db, file), file);
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('foreign_keys = ON');
    // 16 KiB pages suit rows of about a kilobyte (values_json) and wide rows: measured 1.3–1.5× faster bulk
    // writes than 4 KiB. Only takes effect while the file is still empty (a new database).
    db.pragma('page_size = 16384');
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // A 64 MiB page cache (the default is 2 MiB) keeps the B-tree pages a batch touches in memory; bounded, so
    // memory stays flat however large the database grows.
    db.pragma('cache_size = -65536');
    // Checkpoint every 8192 pages (128 MiB) rather than 1000: response ids are random, so each commit rewrites
    // pages all over the unique index, and a checkpoint after every commit copied them all again (measured 1.6–2×
    // slower at a million rows). The WAL file is cut back to 128 MiB after a checkpoint.
    db.pragma('wal_autocheckpoint = 8192');
    db.pragma('journal_size_limit = 134217728');
    migrate(db, file, options.now);
    return db;
  } catch (err) {
    db?.close();
    if (!existed && !memory) {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
    }
    throw asOpenError(err, file);
  }
}

/** Checks the path before SQLite sees it. Returns whether the file exists (a new one will be created). */
function precheck(file: string): boolean {
  const stat = statOrCode(file);
  if (typeof stat === 'string') {
    if (stat === 'ENOTDIR') fail(file, 'a parent of it is not a directory');
    if (stat !== 'ENOENT') fail(file, `it cannot be accessed (${stat})`);
    const dir = dirname(file);
    const dirStat = statOrCode(dir);
    if (dirStat === 'ENOENT') fail(file, `directory ${dir} does not exist`);
    if (typeof dirStat === 'string' || !dirStat.isDirectory()) fail(file, `${dir} is not a directory`);
    if (!canAccess(dir, constants.W_OK | constants.X_OK)) fail(file, `directory ${dir} is not writable`);
    return false;
  }
  if (stat.isDirectory()) fail(file, 'it is a directory');
  if (!stat.isFile()) fail(file, 'it is not a regular file');
  if (!canAccess(file, constants.R_OK | constants.W_OK)) fail(file, 'the file is not readable and writable');
  // WAL mode keeps -wal and -shm files beside the database.
  if (!canAccess(dirname(file), constants.W_OK | constants.X_OK)) {
    fail(file, `directory ${dirname(file)} is not writable`);
  }
  if (stat.size > 0 && readHeader(file) !== SQLITE_HEADER) {
    throw new StoreError('not-a-database', `${file} is not a SQLite database`, { target: file });
  }
  return true;
}

function readKind(db: Database.Database, file: string) {
  try {
    return inspectDatabase(db);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new StoreError('not-a-database', `${file} is not a SQLite database (or is corrupt)`, { target: file });
    }
    throw err;
  }
}

function asOpenError(err: unknown, file: string): StoreError {
  if (err instanceof StoreError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new StoreError('cannot-open', `cannot open database ${file}: ${message}`, { target: file, cause: err });
}

function fail(file: string, why: string): never {
  throw new StoreError('cannot-open', `cannot open database ${file}: ${why}`, { target: file });
}

function statOrCode(path: string) {
  try {
    return statSync(path);
  } catch (err) {
    return String((err as { code?: unknown }).code ?? 'EUNKNOWN');
  }
}

function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

function readHeader(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}
