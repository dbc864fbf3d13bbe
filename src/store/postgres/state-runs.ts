/**
 * `sync_state` (one cursor per survey) and `sync_runs` (one row per run) in PostgreSQL.
 */
import type pg from 'pg';
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
  pending_params: Record<string, unknown> | null;
  high_water_mark: string | null;
  last_success_at: string | null;
  last_run_id: number | null;
  updated_at: string;
}

export async function getSyncState(db: pg.ClientBase, surveyId: string): Promise<SyncState | null> {
  const { rows } = await db.query<StateRow>(`SELECT * FROM sync_state WHERE survey_id = $1`, [surveyId]);
  const row = rows[0];
  if (!row) return null;
  return {
    surveyId: row.survey_id,
    continuationToken: row.continuation_token,
    continuationTokenAt: row.continuation_token_at,
    pendingProgressId: row.pending_progress_id,
    pendingStartedAt: row.pending_started_at,
    pendingParams: row.pending_params,
    highWaterMark: row.high_water_mark,
    lastSuccessAt: row.last_success_at,
    lastRunId: row.last_run_id,
    updatedAt: row.updated_at,
  };
}

/** Patches (creating when absent) the survey's cursor. Only the fields present in `patch` change. */
export async function setSyncState(
  db: pg.ClientBase,
  surveyId: string,
  patch: SyncStatePatch,
  now: string,
): Promise<SyncState> {
  await requireSurvey(db, surveyId);
  const columns = ['updated_at'];
  const params: unknown[] = [surveyId, now];
  for (const [field, column] of Object.entries(STATE_COLUMNS) as Array<[keyof SyncStatePatch, string]>) {
    if (!(field in patch) || patch[field] === undefined) continue;
    const value = patch[field];
    columns.push(column);
    params.push(field === 'pendingParams' && value !== null ? JSON.stringify(value) : value);
  }
  const placeholders = columns.map((_, i) => `$${i + 2}`);
  await db.query(
    `INSERT INTO sync_state (survey_id, ${columns.join(', ')}) VALUES ($1, ${placeholders.join(', ')})
     ON CONFLICT (survey_id) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    params,
  );
  return (await getSyncState(db, surveyId))!;
}

/** Inserts a `running` run; marks older running runs of the same survey and kind `interrupted`. */
export async function startRun(db: pg.ClientBase, init: RunInit, now: string): Promise<number> {
  if (typeof init.kind !== 'string' || init.kind.length === 0) {
    throw new StoreError('invalid-input', 'startRun: kind is required');
  }
  const surveyId = init.surveyId ?? null;
  await db.query(
    `UPDATE sync_runs SET status = 'interrupted', finished_at = $1
     WHERE status = 'running' AND kind = $2 AND survey_id IS NOT DISTINCT FROM $3`,
    [now, init.kind, surveyId],
  );
  const { rows } = await db.query<{ run_id: number }>(
    `INSERT INTO sync_runs (survey_id, kind, started_at, status) VALUES ($1, $2, $3, 'running') RETURNING run_id`,
    [surveyId, init.kind, now],
  );
  return rows[0]!.run_id;
}

/** Adds counts to a run. */
export async function addRunCounts(db: pg.ClientBase, runId: number, counts: RunCounts): Promise<void> {
  const values = COUNT_NAMES.map((n) => Math.trunc(counts[n] ?? 0));
  const result = await db.query(
    `UPDATE sync_runs SET ${COUNT_NAMES.map((n, i) => `${n} = ${n} + $${i + 1}`).join(', ')} WHERE run_id = $6`,
    [...values, runId],
  );
  if (result.rowCount === 0) throw new StoreError('invalid-input', `run ${runId} does not exist`);
}

export async function finishRun(db: pg.ClientBase, runId: number, result: RunFinish, now: string): Promise<SyncRun> {
  await addRunCounts(db, runId, result.counts ?? {});
  await db.query(`UPDATE sync_runs SET status = $1, finished_at = $2, error = $3, request_id = $4 WHERE run_id = $5`, [
    result.status,
    now,
    oneLine(result.error),
    result.requestId ?? null,
    runId,
  ]);
  return (await getRun(db, runId))!;
}

export async function getRun(db: pg.ClientBase, runId: number): Promise<SyncRun | null> {
  if (!Number.isSafeInteger(runId)) return null;
  const { rows } = await db.query<RunRow>(`SELECT * FROM sync_runs WHERE run_id = $1`, [runId]);
  return rows[0] ? toRun(rows[0]) : null;
}

export async function listRuns(db: pg.ClientBase, filter: { surveyId?: string; limit?: number }): Promise<SyncRun[]> {
  const limit = Math.max(1, Math.trunc(filter.limit ?? 50));
  const { rows } =
    filter.surveyId === undefined
      ? await db.query<RunRow>(`SELECT * FROM sync_runs ORDER BY run_id DESC LIMIT $1`, [limit])
      : await db.query<RunRow>(`SELECT * FROM sync_runs WHERE survey_id = $1 ORDER BY run_id DESC LIMIT $2`, [
          filter.surveyId,
          limit,
        ]);
  return rows.map(toRun);
}

/** Error text kept to its first line (NUL, which PostgreSQL text cannot hold, dropped). */
function oneLine(error: string | null | undefined): string | null {
  return firstLine(error?.replaceAll('\0', ''));
}
