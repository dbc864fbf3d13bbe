/**
 * Opening a PostgreSQL schema safely: find out what the schema holds and whether this role may use it before
 * writing anything, then apply missing versions in one transaction under an advisory lock, so that several
 * processes opening a new database at once migrate it once.
 */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { quoteIdent } from '../internal/names.ts';
import type { PostgresTarget } from './connection-url.ts';
import { FIXED_TABLES, POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from './schema.ts';

/**
 * Advisory-lock class of qsync ('qsyn'); the object id is the hash of the schema name. Later lock users (leases,
 * rate budget) take other objects in the same class.
 */
export const ADVISORY_CLASS = 0x7173796e;

/** What the schema holds before migrating. */
export type SchemaKind =
  | { kind: 'absent' }
  | { kind: 'empty' }
  | { kind: 'foreign'; example: string }
  | { kind: 'qsync'; version: number };

/** Reads what the schema is, without writing anything. */
export async function inspectSchema(db: pg.ClientBase, target: PostgresTarget): Promise<SchemaKind> {
  const { rows } = await db.query<{ present: boolean; meta: boolean; example: string | null }>(
    `SELECT n.oid IS NOT NULL AS present,
       EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = n.oid AND c.relname = 'qsync_meta' AND c.relkind = 'r') AS meta,
       (SELECT min(c.relname) FROM pg_class c WHERE c.relnamespace = n.oid AND c.relkind IN ('r', 'v', 'm', 'p', 'f')) AS example
     FROM (SELECT $1::text AS name) s LEFT JOIN pg_namespace n ON n.nspname = s.name`,
    [target.schema],
  );
  const row = rows[0]!;
  if (!row.present) return { kind: 'absent' };
  if (row.meta) {
    const version = await query(target, 'read', 'qsync_meta', () =>
      db.query<{ value: string }>(`SELECT value FROM ${qualified(target, 'qsync_meta')} WHERE key = 'schema_version'`),
    );
    return { kind: 'qsync', version: version.rows[0] ? Number(version.rows[0].value) : 0 };
  }
  return row.example === null ? { kind: 'empty' } : { kind: 'foreign', example: row.example };
}

/** Refuses a schema this build cannot safely write: another program's, or one from a newer qsync. */
export function assertUsable(kind: SchemaKind, target: PostgresTarget): void {
  if (kind.kind === 'foreign') {
    throw new StoreError(
      'not-a-database',
      `schema "${target.schema}" on ${target.display} holds tables of another program (e.g. "${kind.example}") and no qsync_meta; choose another schema with ?schema=`,
      { target: target.display },
    );
  }
  if (kind.kind === 'qsync' && !(kind.version <= POSTGRES_SCHEMA_VERSION)) {
    throw new StoreError(
      'schema-too-new',
      `schema "${target.schema}" on ${target.display} has qsync schema version ${kind.version}, newer than this qsync supports (${POSTGRES_SCHEMA_VERSION}); upgrade qsync`,
      { target: target.display },
    );
  }
}

/**
 * Brings the schema to `POSTGRES_SCHEMA_VERSION` and checks that this role can use it. Nothing is written when the
 * schema is foreign, too new, or the role lacks a privilege. Returns the version it started from.
 */
export async function migrate(db: pg.ClientBase, target: PostgresTarget, now: string): Promise<number> {
  const before = await inspectSchema(db, target);
  assertUsable(before, target);
  if (before.kind === 'qsync' && before.version === POSTGRES_SCHEMA_VERSION) {
    await assertCanUse(db, target);
    return before.version;
  }
  await assertCanMigrate(db, target, before);
  await db.query('BEGIN');
  try {
    await db.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADVISORY_CLASS, `migrate:${target.schema}`]);
    // Another process may have migrated while we waited for the lock.
    const kind = await inspectSchema(db, target);
    assertUsable(kind, target);
    const from = kind.kind === 'qsync' ? kind.version : 0;
    await query(target, 'create', null, () => db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`));
    // Migrations name tables unqualified: pin them to the target schema for this transaction.
    await db.query(`SELECT set_config('search_path', $1, true)`, [quoteIdent(target.schema)]);
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= from) continue;
      for (const statement of migration.statements) {
        await query(target, 'create', null, () => db.query(statement));
      }
      await db.query(
        `INSERT INTO ${qualified(target, 'qsync_meta')} (key, value) VALUES ('schema_version', $1)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [String(migration.version)],
      );
    }
    if (from === 0) {
      await db.query(
        `INSERT INTO ${qualified(target, 'qsync_meta')} (key, value) VALUES ('created_at', $1) ON CONFLICT (key) DO NOTHING`,
        [now],
      );
    }
    await db.query('COMMIT');
    await assertCanUse(db, target);
    return from;
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** `"schema"."table"`. */
export function qualified(target: PostgresTarget, table: string): string {
  return `${quoteIdent(target.schema)}.${quoteIdent(table)}`;
}

/** Before migrating: can this role create the schema (CREATE on the database) or tables in it (CREATE on it)? */
async function assertCanMigrate(db: pg.ClientBase, target: PostgresTarget, kind: SchemaKind): Promise<void> {
  const { rows } = await db.query<{ role: string; database: string; ok: boolean }>(
    kind.kind === 'absent'
      ? `SELECT current_user AS role, current_database() AS database, has_database_privilege(current_database(), 'CREATE') AS ok`
      : `SELECT current_user AS role, current_database() AS database, has_schema_privilege($1, 'CREATE') AS ok`,
    kind.kind === 'absent' ? [] : [target.schema],
  );
  const { role, database, ok } = rows[0]!;
  if (ok) return;
  throw kind.kind === 'absent'
    ? denied(
        target,
        `role "${role}" cannot create schema "${target.schema}" in database "${database}" (it lacks CREATE on the database): GRANT CREATE ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}, or create the schema for it`,
      )
    : denied(
        target,
        `role "${role}" cannot create qsync's tables in schema "${target.schema}" (it lacks CREATE on the schema): GRANT CREATE ON SCHEMA ${quoteIdent(target.schema)} TO ${quoteIdent(role)}`,
      );
}

/** After migrating: the role can create wide tables in the schema and read and write every qsync table. */
async function assertCanUse(db: pg.ClientBase, target: PostgresTarget): Promise<void> {
  const { rows } = await db.query<{ role: string; schema_ok: boolean; missing: string[] }>(
    `SELECT current_user AS role,
       has_schema_privilege($1, 'USAGE') AND has_schema_privilege($1, 'CREATE') AS schema_ok,
       ARRAY(SELECT format('%s on %I.%I', string_agg(p, ', ' ORDER BY p), $1, t)
             FROM unnest($2::text[]) AS t CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE']) AS p
             WHERE NOT has_table_privilege(format('%I.%I', $1, t), p)
             GROUP BY t ORDER BY t) AS missing`,
    [target.schema, FIXED_TABLES],
  );
  const { role, schema_ok, missing } = rows[0]!;
  if (!schema_ok) {
    throw denied(
      target,
      `role "${role}" lacks USAGE and CREATE on schema "${target.schema}" (qsync creates a table per survey there): GRANT USAGE, CREATE ON SCHEMA ${quoteIdent(target.schema)} TO ${quoteIdent(role)}`,
    );
  }
  if (missing.length > 0) {
    const list = missing.length > 3 ? `${missing.slice(0, 3).join('; ')}; …` : missing.join('; ');
    throw denied(target, `role "${role}" lacks ${list} (qsync reads and writes these tables); grant them`);
  }
}

function denied(target: PostgresTarget, message: string): StoreError {
  return new StoreError('cannot-open', `cannot use ${target.display}: ${message}`, { target: target.display });
}

/** Runs a statement, turning "permission denied" (42501) into a one-line `StoreError`. */
async function query<R>(
  target: PostgresTarget,
  action: 'read' | 'create',
  table: string | null,
  run: () => Promise<R>,
): Promise<R> {
  try {
    return await run();
  } catch (err) {
    if ((err as { code?: unknown }).code !== '42501') throw err;
    const what = table ? `${action} ${target.schema}.${table}` : `${action} objects in schema "${target.schema}"`;
    throw new StoreError('cannot-open', `cannot use ${target.display}: permission denied to ${what}: ${(err as Error).message}`, {
      target: target.display,
      cause: err,
    });
  }
}
