import type { SyncRun } from '../store.ts';

/** A `sync_runs` row as both stores read it back. */
export interface RunRow {
  run_id: number;
  survey_id: string | null;
  kind: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  restored: number;
  error: string | null;
  request_id: string | null;
}

/** Maps a `sync_runs` row to the store's `SyncRun`. */
export function toRun(r: RunRow): SyncRun {
  return {
    id: r.run_id,
    surveyId: r.survey_id,
    kind: r.kind,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    deleted: r.deleted,
    restored: r.restored,
    error: r.error,
    requestId: r.request_id,
  };
}

/** Error text kept to its first line, at most 2,000 characters. */
export function firstLine(error: string | null | undefined): string | null {
  if (error === null || error === undefined) return null;
  return (error.split(/\r?\n/, 1)[0] ?? '').slice(0, 2000);
}
