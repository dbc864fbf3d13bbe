/**
 * Applies the versioned schema (schema.ts) to a SQLite database, all missing versions in one transaction.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import { MIGRATIONS, SCHEMA_VERSION } from './schema.ts';

/**
 * What a database holds before migrating: `empty` (no tables: a new file), `foreign` (tables but no
 * `qsync_meta`: another program's database), or the qsync schema version it is at.
 */
export type DatabaseKind = { kind: 'empty' } | { kind: 'foreign' } | { kind: 'qsync'; version: number };

/** Reads what the database is, without writing anything. */
export function inspectDatabase(db: Database.Database): DatabaseKind {
  const objects = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'`).get() as {
    n: number;
  };
  if (objects.n === 0) return { kind: 'empty' };
  const meta = db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'qsync_meta'`).get();
  if (!meta) return { kind: 'foreign' };
  const row = db.prepare(`SELECT value FROM qsync_meta WHERE key = 'schema_version'`).get() as
    | { value: string }
    | undefined;
  return { kind: 'qsync', version: row ? Number(row.value) : 0 };
}

/** Refuses a database this build cannot safely write: another program's, or one from a newer qsync. */
export function assertUsable(kind: DatabaseKind, path: string): void {
  if (kind.kind === 'foreign') {
    throw new StoreError(
      'not-a-database',
      `${path} is a SQLite database of another program (no qsync_meta table); choose another file`,
      { target: path },
    );
  }
  if (kind.kind === 'qsync' && !(kind.version <= SCHEMA_VERSION)) {
    throw new StoreError(
      'schema-too-new',
      `${path} has qsync schema version ${kind.version}, newer than this qsync supports (${SCHEMA_VERSION}); upgrade qsync`,
      { target: path },
    );
  }
}

/**
 * Brings the database to `SCHEMA_VERSION`. Takes the write lock first (`BEGIN IMMEDIATE`) and re-reads the version
 * under it, so two processes opening a new file at once migrate it once. Returns the version it started from.
 */
export function migrate(db: Database.Database, path: string, now: string): number {
  db.exec('BEGIN IMMEDIATE');
  try {
    const kind = inspectDatabase(db);
    assertUsable(kind, path);
    const from = kind.kind === 'qsync' ? kind.version : 0;
    for (const migration of MIGRATIONS) {
      if (migration.version <= from) continue;
      for (const statement of migration.statements) db.exec(statement);
      db.prepare(
        `INSERT INTO qsync_meta (key, value) VALUES ('schema_version', ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      ).run(String(migration.version));
    }
    if (from === 0) {
      db.prepare(`INSERT OR IGNORE INTO qsync_meta (key, value) VALUES ('created_at', ?)`).run(now);
    }
    db.exec('COMMIT');
    return from;
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
