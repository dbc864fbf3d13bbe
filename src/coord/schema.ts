/**
 * The coordination tables, beside the store's in the same schema (`qsync` by default): who works (`workers`), which
 * survey is due or held by whom (`leases`), which worker ran which `sync_runs` row (`worker_runs`), and the shared
 * rate budget (`rate_buckets`, `rate_slowdown`). Created idempotently, under an advisory lock, after the store has
 * migrated the schema; the store's own migrations are not touched.
 */
import type { CoordDb } from './connection.ts';
import { ADVISORY_CLASS } from '../store/postgres/migrate.ts';

/** Tables this module owns, in creation order. */
export const COORD_TABLES = ['workers', 'leases', 'worker_runs', 'rate_buckets', 'rate_slowdown'] as const;

/**
 * DDL of the coordination tables. Times of the rate budget are epoch milliseconds on the database's clock
 * (`double precision`): every process computes its waits against that one clock, never its own.
 */
export const COORD_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS workers (
    worker_id text PRIMARY KEY,
    host text NOT NULL,
    pid integer NOT NULL,
    started_at timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL,
    stopped_at timestamptz,
    lease_ttl_ms integer NOT NULL,
    concurrency integer NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS leases (
    survey_id text PRIMARY KEY,
    next_due_at timestamptz NOT NULL,
    holder text,
    claimed_at timestamptz,
    expires_at timestamptz,
    run_id bigint,
    last_worker text,
    last_started_at timestamptz,
    last_finished_at timestamptz,
    last_status text,
    last_error text,
    failures integer NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX IF NOT EXISTS leases_next_due ON leases (next_due_at)`,
  `CREATE TABLE IF NOT EXISTS worker_runs (
    run_id bigint PRIMARY KEY,
    worker_id text NOT NULL,
    survey_id text NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS worker_runs_survey ON worker_runs (survey_id, run_id)`,
  `CREATE TABLE IF NOT EXISTS rate_buckets (
    scope text NOT NULL,
    bucket text NOT NULL,
    tat double precision NOT NULL,
    PRIMARY KEY (scope, bucket)
  )`,
  `CREATE TABLE IF NOT EXISTS rate_slowdown (
    scope text PRIMARY KEY,
    factor double precision NOT NULL,
    cooldown_until double precision NOT NULL,
    last_penalty_at double precision NOT NULL,
    penalties bigint NOT NULL DEFAULT 0
  )`,
];

/**
 * Creates the coordination tables in the connection's schema (its `search_path`) when any is missing. Concurrent
 * callers serialize on an advisory lock, so workers starting together create them once.
 */
export async function ensureCoordSchema(db: CoordDb): Promise<void> {
  if ((await missingCoordTables(db)).length === 0) return;
  await db.exclusive(async (client) => {
    await client.query('BEGIN');
    try {
      await client.query(`SELECT pg_advisory_xact_lock($1, hashtext('coord:' || current_schema()))`, [ADVISORY_CLASS]);
      for (const statement of COORD_DDL) await client.query(statement);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}

/** Coordination tables absent from the connection's schema (all of them before a worker ever ran). */
export async function missingCoordTables(db: CoordDb): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT t AS name FROM unnest($1::text[]) AS t
     WHERE to_regclass(format('%I.%I', current_schema(), t)) IS NULL`,
    [COORD_TABLES],
  );
  return rows.map((r) => r.name);
}
