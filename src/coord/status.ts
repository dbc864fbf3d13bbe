/**
 * What `qsync status` shows, read in a few queries without writing anything: the workers (alive or dead by their
 * heartbeat), the leases held now, each survey's last and next run, and recent failures from `sync_runs`.
 */
import type { CoordDb } from './connection.ts';
import { StoreError } from '../store/index.ts';
import { workerState } from './schedule.ts';
import { missingCoordTables } from './schema.ts';

/** One worker. Dates are UTC ISO-8601. */
export interface WorkerStatus {
  workerId: string;
  host: string;
  pid: number;
  /** `alive` (heartbeat within its lease TTL), `dead` (no heartbeat for longer), `stopped` (exited cleanly). */
  state: 'alive' | 'dead' | 'stopped';
  startedAt: string;
  heartbeatAt: string;
  stoppedAt: string | null;
  /** Seconds since the last heartbeat. */
  heartbeatAgeS: number;
  leaseTtlMs: number;
  concurrency: number;
  /** Surveys it holds now. */
  leases: number;
}

/** One survey's schedule: who holds it now, how its last run ended, when it is due. */
export interface SurveyStatus {
  surveyId: string;
  /** Survey name once synced, else null. */
  name: string | null;
  /** Worker holding it now, or null. */
  holder: string | null;
  claimedAt: string | null;
  /** When the holder's lease runs out unless renewed. */
  leaseExpiresAt: string | null;
  /** True when held past its expiry: its holder died, and the next claim takes it over. */
  leaseExpired: boolean;
  lastWorker: string | null;
  lastStartedAt: string | null;
  lastFinishedAt: string | null;
  /** `success`, `failed` or `cancelled`; null before the first run. */
  lastStatus: string | null;
  lastError: string | null;
  /** Failed runs in a row. */
  failures: number;
  nextDueAt: string;
}

/** A failed or interrupted run. */
export interface FailureStatus {
  runId: number;
  surveyId: string | null;
  /** `worker` (a worker's whole turn on the survey), `responses`, `reconcile`, … */
  kind: string;
  /** `failed`, or `interrupted` (its process died; a later run found it still running). */
  status: string;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
  requestId: string | null;
  /** Worker that held the survey then, when a worker ran it. */
  workerId: string | null;
}

/** The whole report (`qsync status --json` prints it as is). */
export interface StatusReport {
  /** The database, password masked. */
  db: string;
  schema: string;
  /** The database's clock when read. */
  now: string;
  workers: WorkerStatus[];
  surveys: SurveyStatus[];
  failures: FailureStatus[];
}

/** Options of `readStatus`. */
export interface StatusOptions {
  /** Failures listed, newest first. Default 20. */
  failures?: number;
  /** Stopped workers are listed when they stopped within this many ms. Default 86400000 (a day). */
  stoppedWithinMs?: number;
}

/**
 * Reads the status through `db` (search_path = the qsync schema). A schema without qsync's tables throws
 * `StoreError` `not-a-database`; one where no worker ever ran gives empty workers and surveys.
 */
export async function readStatus(db: CoordDb, target: { display: string; schema: string }, options: StatusOptions = {}): Promise<StatusReport> {
  const { rows: meta } = await db.query<{ runs: string | null; now: string }>(
    `SELECT to_regclass(format('%I.sync_runs', $1::text))::text AS runs, now() AS now`,
    [target.schema],
  );
  if (!meta[0]?.runs) {
    throw new StoreError('not-a-database', `no qsync tables in schema "${target.schema}" of ${target.display} (nothing was synced there yet)`, {
      target: target.display,
    });
  }
  const coord = (await missingCoordTables(db)).length === 0;
  const report: StatusReport = { db: target.display, schema: target.schema, now: meta[0].now, workers: [], surveys: [], failures: [] };
  if (coord) {
    report.workers = await readWorkers(db, options.stoppedWithinMs ?? 86_400_000);
    report.surveys = await readSurveys(db);
  }
  report.failures = await readFailures(db, options.failures ?? 20, coord);
  return report;
}

async function readWorkers(db: CoordDb, stoppedWithinMs: number): Promise<WorkerStatus[]> {
  const { rows } = await db.query<{
    worker_id: string;
    host: string;
    pid: number;
    started_at: string;
    heartbeat_at: string;
    stopped_at: string | null;
    age_ms: number;
    lease_ttl_ms: number;
    concurrency: number;
    leases: number;
  }>(
    `SELECT w.*, (extract(epoch FROM now() - w.heartbeat_at) * 1000)::float8 AS age_ms,
       (SELECT count(*) FROM leases l WHERE l.holder = w.worker_id)::int AS leases
     FROM workers w
     WHERE w.stopped_at IS NULL OR w.stopped_at > now() - $1::float8 * interval '1 millisecond'
     ORDER BY w.stopped_at IS NOT NULL, w.worker_id`,
    [stoppedWithinMs],
  );
  return rows.map((r) => ({
    workerId: r.worker_id,
    host: r.host,
    pid: r.pid,
    state: workerState({ heartbeatAgeMs: r.age_ms, stopped: r.stopped_at !== null, leaseTtlMs: r.lease_ttl_ms }),
    startedAt: r.started_at,
    heartbeatAt: r.heartbeat_at,
    stoppedAt: r.stopped_at,
    heartbeatAgeS: Math.round(r.age_ms / 100) / 10,
    leaseTtlMs: r.lease_ttl_ms,
    concurrency: r.concurrency,
    leases: r.leases,
  }));
}

async function readSurveys(db: CoordDb): Promise<SurveyStatus[]> {
  const { rows } = await db.query<{
    survey_id: string;
    name: string | null;
    holder: string | null;
    claimed_at: string | null;
    expires_at: string | null;
    expired: boolean;
    last_worker: string | null;
    last_started_at: string | null;
    last_finished_at: string | null;
    last_status: string | null;
    last_error: string | null;
    failures: number;
    next_due_at: string;
  }>(
    `SELECT l.*, s.name, (l.holder IS NOT NULL AND l.expires_at <= now()) AS expired
     FROM leases l LEFT JOIN surveys s ON s.survey_id = l.survey_id
     ORDER BY l.survey_id`,
  );
  return rows.map((r) => ({
    surveyId: r.survey_id,
    name: r.name,
    holder: r.holder,
    claimedAt: r.claimed_at,
    leaseExpiresAt: r.expires_at,
    leaseExpired: r.expired,
    lastWorker: r.last_worker,
    lastStartedAt: r.last_started_at,
    lastFinishedAt: r.last_finished_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    failures: r.failures,
    nextDueAt: r.next_due_at,
  }));
}

async function readFailures(db: CoordDb, limit: number, coord: boolean): Promise<FailureStatus[]> {
  // A run belongs to the worker whose `worker` run of the same survey was open when it started.
  const workerOf = coord
    ? `(SELECT w.worker_id FROM worker_runs w JOIN sync_runs wr ON wr.run_id = w.run_id
        WHERE w.survey_id = r.survey_id AND w.run_id <= r.run_id AND wr.started_at <= r.started_at
          AND (wr.finished_at IS NULL OR wr.finished_at >= r.started_at)
        ORDER BY w.run_id DESC LIMIT 1)`
    : 'NULL::text';
  const { rows } = await db.query<{
    run_id: number;
    survey_id: string | null;
    kind: string;
    status: string;
    started_at: string;
    finished_at: string | null;
    error: string | null;
    request_id: string | null;
    worker_id: string | null;
  }>(
    `SELECT r.run_id, r.survey_id, r.kind, r.status, r.started_at, r.finished_at, r.error, r.request_id, ${workerOf} AS worker_id
     FROM sync_runs r WHERE r.status IN ('failed', 'interrupted') ORDER BY r.run_id DESC LIMIT $1`,
    [Math.max(1, Math.trunc(limit))],
  );
  return rows.map((r) => ({
    runId: r.run_id,
    surveyId: r.survey_id,
    kind: r.kind,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    requestId: r.request_id,
    workerId: r.worker_id,
  }));
}
