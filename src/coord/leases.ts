/**
 * Leases on surveys (issue 5, point 4): one `leases` row per survey holds when its next sync is due and, while a
 * worker syncs it, who holds it until when. A worker claims the most overdue free (or expired) survey with
 * `FOR UPDATE SKIP LOCKED`, so concurrent claimers never wait on each other nor take the same survey; it extends
 * its leases by heartbeat while syncing; a worker that dies stops extending, and after the expiry the survey is
 * claimable again. Every time is the database's `now()`: workers' clocks are never compared.
 */
import type { CoordDb } from './connection.ts';

/** A survey a worker now holds. */
export interface Claim {
  surveyId: string;
  /** Failed runs in a row before this one (for the retry backoff). */
  failures: number;
  /** The worker whose expired lease this claim took over, if any. */
  previousHolder: string | null;
}

/** How a held survey's run ended, as recorded on release. */
export interface ReleaseOutcome {
  status: 'success' | 'failed' | 'cancelled';
  /** One-line error, when not a success. */
  error: string | null;
  /** When the survey is due again, in ms from now. */
  nextDueInMs: number;
}

const MS = `* interval '1 millisecond'`;

/** Adds surveys not known yet, due at once. Returns how many were new. */
export async function registerSurveys(db: CoordDb, surveyIds: readonly string[]): Promise<number> {
  if (surveyIds.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO leases (survey_id, next_due_at) SELECT DISTINCT unnest($1::text[]), now() ON CONFLICT (survey_id) DO NOTHING`,
    [surveyIds],
  );
  return result.rowCount ?? 0;
}

/**
 * Claims the most overdue of `surveyIds` that nobody holds (or whose lease expired) for `ttlMs`, or returns null
 * when none is due. Rows other claimers are locking are skipped, not waited for.
 */
export async function claimNext(db: CoordDb, workerId: string, ttlMs: number, surveyIds: readonly string[]): Promise<Claim | null> {
  if (surveyIds.length === 0) return null;
  const { rows } = await db.query<{ survey_id: string; failures: number; previous: string | null }>(
    `UPDATE leases l
     SET holder = $1, claimed_at = now(), expires_at = now() + $2::float8 ${MS}, run_id = NULL
     FROM (
       SELECT survey_id, holder AS previous FROM leases
       WHERE survey_id = ANY($3::text[]) AND next_due_at <= now() AND (holder IS NULL OR expires_at <= now())
       ORDER BY next_due_at, survey_id
       LIMIT 1
       FOR UPDATE SKIP LOCKED
     ) c
     WHERE l.survey_id = c.survey_id
     RETURNING l.survey_id, l.failures, c.previous`,
    [workerId, ttlMs, surveyIds],
  );
  const row = rows[0];
  if (!row) return null;
  return { surveyId: row.survey_id, failures: row.failures, previousHolder: row.previous === workerId ? null : row.previous };
}

/** Notes the `sync_runs` id of the worker's run of a held survey (and who ran it, for `qsync status`). */
export async function recordRun(db: CoordDb, workerId: string, surveyId: string, runId: number): Promise<void> {
  await db.query(`INSERT INTO worker_runs (run_id, worker_id, survey_id) VALUES ($1, $2, $3) ON CONFLICT (run_id) DO NOTHING`, [
    runId,
    workerId,
    surveyId,
  ]);
  await db.query(`UPDATE leases SET run_id = $3 WHERE survey_id = $2 AND holder = $1`, [workerId, surveyId, runId]);
}

/**
 * Extends the worker's leases on `surveyIds` by `ttlMs` from now. Returns the ids still held: a missing one was
 * taken over after it expired (the worker must stop syncing it).
 */
export async function renewLeases(db: CoordDb, workerId: string, ttlMs: number, surveyIds: readonly string[]): Promise<Set<string>> {
  if (surveyIds.length === 0) return new Set();
  const { rows } = await db.query<{ survey_id: string }>(
    `UPDATE leases SET expires_at = now() + $2::float8 ${MS} WHERE holder = $1 AND survey_id = ANY($3::text[]) RETURNING survey_id`,
    [workerId, ttlMs, surveyIds],
  );
  return new Set(rows.map((r) => r.survey_id));
}

/**
 * Releases a held survey: records how its run ended and when it is due again. Does nothing (returns false) when
 * the worker no longer holds it.
 */
export async function releaseLease(db: CoordDb, workerId: string, surveyId: string, outcome: ReleaseOutcome): Promise<boolean> {
  const result = await db.query(
    `UPDATE leases
     SET holder = NULL, claimed_at = NULL, expires_at = NULL, run_id = NULL,
       next_due_at = now() + $3::float8 ${MS},
       last_worker = $1, last_started_at = claimed_at, last_finished_at = now(), last_status = $4, last_error = $5,
       failures = CASE $4 WHEN 'success' THEN 0 WHEN 'failed' THEN failures + 1 ELSE failures END
     WHERE survey_id = $2 AND holder = $1`,
    [workerId, surveyId, Math.max(0, outcome.nextDueInMs), outcome.status, outcome.error],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Frees every lease `workerId` holds without recording a run: for a worker starting again under the id of an
 * earlier process of its own that died (nobody else can hold that id's leases). Returns how many were freed.
 */
export async function freeLeasesOf(db: CoordDb, workerId: string): Promise<number> {
  const result = await db.query(`UPDATE leases SET holder = NULL, claimed_at = NULL, expires_at = NULL, run_id = NULL WHERE holder = $1`, [
    workerId,
  ]);
  return result.rowCount ?? 0;
}

/**
 * Ms until one of `surveyIds` can next be claimed (due and free, or its lease expired); 0 when one can be now,
 * null when there is none.
 */
export async function msUntilNextClaimable(db: CoordDb, surveyIds: readonly string[]): Promise<number | null> {
  if (surveyIds.length === 0) return null;
  const { rows } = await db.query<{ ms: number | null }>(
    `SELECT GREATEST(0, extract(epoch FROM min(
       CASE WHEN holder IS NULL THEN next_due_at ELSE GREATEST(next_due_at, expires_at) END) - now()) * 1000)::float8 AS ms
     FROM leases WHERE survey_id = ANY($1::text[])`,
    [surveyIds],
  );
  return rows[0]?.ms ?? null;
}
