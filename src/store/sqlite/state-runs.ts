/**
 * `sync_state` (one cursor per survey) and `sync_runs` (one row per run) in SQLite.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import type { RunCounts, RunFinish, RunInit, SyncRun, SyncState, SyncStatePatch } from '../store.ts';
import { requireSurvey } from './surveys.ts';
import { firstLine, type RunRow, toRun } from '../internal/run-row.ts';

/** `SyncStatePatch` field → column. */
const STATE_COLUMNS = {
  continuationToken: 'continuation_token',
  continuationTokenAt: 'continuation_token_at',
  pendingProgressId: 'pending_progress_id',
  pendingStartedAt: 'pending_started_at',
  pendingParams: 'pending_params',
  highWaterMark: 'high_water_mark',
  lastSuccessAt: 'last_success_at',
  lastRunId: 'last_run_id',
} as const satisfies Record<keyof SyncStatePatch, string>;

const COUNT_NAMES = ['inserted', 'updated', 'unchanged', 'deleted', 'restored'] as const;

interface StateRow {
  survey_id: string;
  continuation_token: string | null;
  continuation_token_at: string | null;
  pending_progress_id: string | null;
  pending_started_at: string | null;
  pending_params: string | null;
  high_water_mark: string | null;
  last_success_at: string | null;
  last_run_id: number | null;
  updated_at: string;
}

/** The survey's cursor, or null before its first sync. */
export function getSyncState(db: Database.Database, surveyId: string): SyncState | null {
  const row = db.prepare(`SELECT * FROM sync_state WHERE survey_id = ?`).get(surveyId) as StateRow | undefined;
  if (!row) return null;
  return {
    surveyId: row.survey_id,
    continuationToken: row.continuation_token,
    continuationTokenAt: row.continuation_token_at,
    pendingProgressId: row.pending_progress_id,
    pendingStartedAt: row.pending_started_at,
    pendingParams: row.pending_params === null ? null : (JSON.parse(row.pending_params) as Record<string, unknown>),
    highWaterMark: row.high_water_mark,
    lastSuccessAt: row.last_success_at,
    lastRunId: row.last_run_id,
    updatedAt: row.updated_at,
  };
}

/** Patches (creating when absent) the survey's cursor. Only the fields present in `patch` change. */
export function setSyncState(db: Database.Database, surveyId: string, patch: SyncStatePatch, now: string): SyncState {
  requireSurvey(db, surveyId);
  db.prepare(`INSERT INTO sync_state (survey_id, updated_at) VALUES (?, ?) ON CONFLICT (survey_id) DO NOTHING`).run(
    surveyId,
    now,
  );
  const sets = ['updated_at = ?'];
  const params: Array<string | number | null> = [now];
  for (const [field, column] of Object.entries(STATE_COLUMNS) as Array<[keyof SyncStatePatch, string]>) {
    if (!(field in patch) || patch[field] === undefined) continue;
    const value = patch[field];
    sets.push(`${column} = ?`);
    params.push(field === 'pendingParams' && value !== null ? JSON.stringify(value) : (value as string | number | null));
  }
  db.prepare(`UPDATE sync_state SET ${sets.join(', ')} WHERE survey_id = ?`).run(...params, surveyId);
  return getSyncState(db, surveyId)!;
}

/** Inserts a `running` run; marks older running runs of the same survey and kind `interrupted`. */
export function startRun(db: Database.Database, init: RunInit, now: string): number {
  if (typeof init.kind !== 'string' || init.kind.length === 0) {
    throw new StoreError('invalid-input', 'startRun: kind is required');
  }
  const surveyId = init.surveyId ?? null;
  db.prepare(
    `UPDATE sync_runs SET status = 'interrupted', finished_at = ?
     WHERE status = 'running' AND kind = ? AND survey_id IS ?`,
  ).run(now, init.kind, surveyId);
  const info = db
    .prepare(`INSERT INTO sync_runs (survey_id, kind, started_at, status) VALUES (?, ?, ?, 'running')`)
    .run(surveyId, init.kind, now);
  return Number(info.lastInsertRowid);
}

/** Adds counts to a run. */
export function addRunCounts(db: Database.Database, runId: number, counts: RunCounts): void {
  const values = COUNT_NAMES.map((n) => Math.trunc(counts[n] ?? 0));
  const info = db
    .prepare(
      `UPDATE sync_runs SET ${COUNT_NAMES.map((n) => `${n} = ${n} + ?`).join(', ')} WHERE run_id = ?`,
    )
    .run(...values, runId);
  if (info.changes === 0) throw new StoreError('invalid-input', `run ${runId} does not exist`);
}

/** Adds the final counts and records how the run ended. */
export function finishRun(db: Database.Database, runId: number, result: RunFinish, now: string): SyncRun {
  addRunCounts(db, runId, result.counts ?? {});
  db.prepare(`UPDATE sync_runs SET status = ?, finished_at = ?, error = ?, request_id = ? WHERE run_id = ?`).run(
    result.status,
    now,
    firstLine(result.error),
    result.requestId ?? null,
    runId,
  );
  return getRun(db, runId)!;
}

/** One run, or null. */
export function getRun(db: Database.Database, runId: number): SyncRun | null {
  const row = db.prepare(`SELECT * FROM sync_runs WHERE run_id = ?`).get(runId) as RunRow | undefined;
  return row ? toRun(row) : null;
}

/** Latest runs first (of one survey when given), at most `limit` (default 50). */
export function listRuns(db: Database.Database, filter: { surveyId?: string; limit?: number }): SyncRun[] {
  const limit = Math.max(1, Math.trunc(filter.limit ?? 50));
  const rows = (
    filter.surveyId === undefined
      ? db.prepare(`SELECT * FROM sync_runs ORDER BY run_id DESC LIMIT ?`).all(limit)
      : db.prepare(`SELECT * FROM sync_runs WHERE survey_id = ? ORDER BY run_id DESC LIMIT ?`).all(filter.surveyId, limit)
  ) as RunRow[];
  return rows.map(toRun);
}
