/**
 * The rate budget shared by every worker through PostgreSQL (issue 5, point 5). Each bucket is one row holding its
 * GCRA theoretical arrival time (`tat`, as in src/client/internal/bucket.ts); a reservation of `count` slots is one
 * statement that advances the row under its row lock and returns what the caller needs to compute each slot's
 * wait. The slowdown after a 429 is one row per scope that every reservation reads, so one worker's 429 slows all.
 * All times are on the database's clock, and callers only receive relative waits: machines' clocks never meet.
 */
import {
  RateBudget,
  type SharedBucketRef,
  type SharedBuckets,
  type SlowdownPolicy,
} from '../client/rate-budget.ts';
import type { CoordDb } from './connection.ts';

/** Where a reservation left a bucket, as the database computed it. */
export interface ReservedRow {
  /** The bucket's new theoretical arrival time (epoch ms, database clock). */
  tat: number;
  /** The database's clock when reserving (epoch ms). */
  now: number;
  /** Spacing of slots at the current rate (ms). */
  intervalMs: number;
}

/**
 * Waits (ms from `now`, ≥ 0, ascending) of the `count` slots a reservation advanced `tat` by: the same answers
 * `admit` gives for `count` consecutive admissions, with `burst` requests allowed back to back.
 */
export function slotWaits(row: ReservedRow, count: number, burst: number): number[] {
  const { tat, now, intervalMs } = row;
  const first = tat - count * intervalMs;
  const tolerance = (Math.max(1, burst) - 1) * intervalMs;
  return Array.from({ length: count }, (_, k) => Math.max(0, first + k * intervalMs - tolerance - now));
}

/**
 * SQL for the slowdown factor of a `rate_slowdown` row `d` at `now` (both SQL expressions), recovering linearly
 * over `recover` ms after the cool-down: `slowdownFactor` of src/client/internal/bucket.ts, in SQL.
 */
export function factorSql(d: string, now: string, recover: string): string {
  return `CASE WHEN ${d}.factor >= 1 THEN 1::float8
    WHEN ${now} < ${d}.cooldown_until THEN ${d}.factor
    WHEN ${recover} <= 0 THEN 1::float8
    ELSE LEAST(1::float8, ${d}.factor + (1 - ${d}.factor) * (${now} - ${d}.cooldown_until) / ${recover}) END`;
}

const NOW_MS = `extract(epoch FROM clock_timestamp())::float8 * 1000`;

/** $1 scope, $2 bucket, $3 count, $4 per minute, $5 recover ms. */
const RESERVE_SQL = `
WITH t AS (SELECT ${NOW_MS} AS now),
s AS (
  SELECT COALESCE((SELECT ${factorSql('d', 't.now', '$5::float8')} FROM rate_slowdown d WHERE d.scope = $1::text), 1::float8) AS factor
  FROM t
),
p AS (SELECT t.now, s.factor, 60000 / ($4::float8 * s.factor) AS interval FROM t, s)
INSERT INTO rate_buckets AS b (scope, bucket, tat)
SELECT $1::text, $2::text, p.now + $3::int * p.interval FROM p
ON CONFLICT (scope, bucket) DO UPDATE
  SET tat = GREATEST(b.tat, (SELECT now FROM p)) + $3::int * (SELECT interval FROM p)
RETURNING b.tat, (SELECT now FROM p) AS now, (SELECT interval FROM p) AS interval, (SELECT factor FROM p) AS factor`;

/**
 * $1 scope, $2 age of the request (ms), $3 cool-down ms, $4 min factor, $5 recover ms, $6 buckets, $7 their
 * per-minute limits, $8 their bursts. Halves the factor only when the request was sent after the last halving.
 */
const PENALIZE_SQL = `
WITH t AS (SELECT ${NOW_MS} AS now),
d AS (
  INSERT INTO rate_slowdown AS sd (scope, factor, cooldown_until, last_penalty_at, penalties)
  SELECT $1::text, GREATEST($4::float8, 0.5), t.now + $3::float8, t.now, 1 FROM t
  ON CONFLICT (scope) DO UPDATE SET
    factor = CASE WHEN (SELECT now FROM t) - $2::float8 >= sd.last_penalty_at
      THEN GREATEST($4::float8, (${factorSql('sd', '(SELECT now FROM t)', '$5::float8')}) / 2) ELSE sd.factor END,
    cooldown_until = CASE WHEN (SELECT now FROM t) - $2::float8 >= sd.last_penalty_at
      THEN (SELECT now FROM t) + $3::float8 ELSE sd.cooldown_until END,
    penalties = sd.penalties + CASE WHEN (SELECT now FROM t) - $2::float8 >= sd.last_penalty_at THEN 1 ELSE 0 END,
    last_penalty_at = CASE WHEN (SELECT now FROM t) - $2::float8 >= sd.last_penalty_at
      THEN (SELECT now FROM t) ELSE sd.last_penalty_at END
  RETURNING sd.factor, sd.cooldown_until
)
INSERT INTO rate_buckets AS b (scope, bucket, tat)
SELECT $1::text, x.bucket, t.now + x.burst * 60000 / (x.per_minute * ${factorSql('d', 't.now', '$5::float8')})
FROM t, d, unnest($6::text[], $7::float8[], $8::int[]) AS x(bucket, per_minute, burst)
ON CONFLICT (scope, bucket) DO UPDATE SET tat = GREATEST(b.tat, excluded.tat)`;

/**
 * `SharedBuckets` in PostgreSQL: rows of `rate_buckets` and `rate_slowdown` (see schema.ts) under one `scope` (the
 * brand: every process of one brand must use the same scope). Give it a connection of its own: reservations are
 * on the path of every request.
 */
export class PgSharedBuckets implements SharedBuckets {
  constructor(
    private readonly db: CoordDb,
    /** Which budget: e.g. the Qualtrics origin, so that two brands in one database do not slow each other. */
    readonly scope: string,
  ) {}

  async reserve(bucket: SharedBucketRef, count: number, policy: SlowdownPolicy): Promise<{ waitsMs: number[]; factor: number }> {
    const { rows } = await this.db.query<{ tat: number; now: number; interval: number; factor: number }>(RESERVE_SQL, [
      this.scope,
      bucket.name,
      count,
      bucket.limits.perMinute,
      policy.recoverMs,
    ]);
    const row = rows[0]!;
    return { waitsMs: slotWaits({ tat: row.tat, now: row.now, intervalMs: row.interval }, count, bucket.limits.burst), factor: row.factor };
  }

  async penalize(buckets: readonly SharedBucketRef[], ageMs: number, policy: SlowdownPolicy): Promise<void> {
    await this.db.query(PENALIZE_SQL, [
      this.scope,
      ageMs,
      policy.cooldownMs,
      policy.minFactor,
      policy.recoverMs,
      buckets.map((b) => b.name),
      buckets.map((b) => b.limits.perMinute),
      buckets.map((b) => b.limits.burst),
    ]);
  }
}

/** Options of `createSharedBudget`. */
export interface SharedBudgetOptions {
  /** Budget scope, e.g. the client's origin (`client.settings.baseUrl`). */
  scope: string;
  /** Fraction (0, 1] of the published limits all workers together use; default 0.8. */
  share?: number;
  /** Published brand limit (requests per minute); default 3000. */
  brandPerMinute?: number;
}

/**
 * A `RateBudget` whose buckets live in PostgreSQL (on `db`, a connection of its own): pass it as a client's
 * `rateBudget` in every worker, and their combined rate stays within the brand and endpoint limits.
 */
export function createSharedBudget(db: CoordDb, options: SharedBudgetOptions): RateBudget {
  return new RateBudget({
    ...(options.share !== undefined ? { share: options.share } : {}),
    ...(options.brandPerMinute !== undefined ? { brandPerMinute: options.brandPerMinute } : {}),
    shared: new PgSharedBuckets(db, options.scope),
  });
}
