/**
 * Inputs and outputs of the sync engine: what to sync, how, and what each survey's run did.
 */
import type { Logger, Survey } from '../client/index.ts';
import type { SurveyExportOptions } from '../config/export-options.ts';

export type { SurveyExportOptions } from '../config/export-options.ts';

/** One survey to sync. */
export interface SurveyTarget {
  /** `SV_…` */
  surveyId: string;
  /** `GET /surveys/{surveyId}` as fetched by `resolveSurveys`; fetched by the run when absent. */
  survey?: Survey;
  /** Export options. Default none. */
  export?: SurveyExportOptions;
  /** Keep long-form rows in `answers`. Default false. */
  longAnswers?: boolean;
  /** Keep in-progress responses in their own table. Default false. */
  inProgress?: boolean;
}

/** How a survey's responses were exported in a run. */
export type SyncMode =
  /** Everything (first run, `--full-refresh`, or no cursor at all). */
  | 'full'
  /** Changes since the stored continuation token. */
  | 'continuation'
  /** Changes since the high-water mark minus the overlap (token missing, expired or refused). */
  | 'window'
  /** A survey with a saved filter: the whole filtered set. */
  | 'filtered';

/** One progress report of one survey. Called synchronously: keep it cheap. */
export interface SyncProgressEvent {
  surveyId: string;
  phase: 'exporting' | 'downloading' | 'loading' | 'in-progress' | 'reconciling' | 'done' | 'failed';
  /** Export `percentComplete` while exporting. */
  percent?: number;
  /** Bytes downloaded so far. */
  bytes?: number;
  /** Responses loaded (or ids read while reconciling) so far. */
  rows?: number;
}

/** Options of `runSync` / `syncSurvey`. */
export interface SyncOptions {
  /** Surveys synced at once (they share the client's one rate budget). Default 4. */
  concurrency?: number;
  /** Re-export everything instead of the changes (and reconcile deletions). Default false. */
  fullRefresh?: boolean;
  /** Reconcile deletions in this run. Default false. */
  reconcile?: boolean;
  /** Also reconcile a survey after every N successful runs since its last reconcile; 0 = never. Default 10. */
  reconcileEvery?: number;
  /** Responses per transaction (written a chunk at a time: memory does not grow with it). Default 50,000. */
  batchSize?: number;
  /** How far before the high-water mark a fallback window starts (ms). Default 86,400,000 (24 h). */
  overlapMs?: number;
  /** A token older than this is not tried; the window is used at once (ms). Default 6.5 days (tokens live 7). */
  tokenMaxAgeMs?: number;
  /** Directory for export downloads while they load. Default the OS temp directory. */
  tmpDir?: string;
  /** Stops every survey: running exports are left pending (resumed by the next run). */
  signal?: AbortSignal;
  onProgress?: (event: SyncProgressEvent) => void;
  logger?: Logger;
  /** "Now", for token ages and windows. Default `() => new Date()`. */
  clock?: () => Date;
}

/** What one survey's run did. Counts are responses. */
export interface SurveySyncResult {
  surveyId: string;
  /** Survey name, when it was fetched. */
  name: string | null;
  status: 'success' | 'failed' | 'cancelled';
  /** How the responses were exported; null when the run failed before choosing. */
  mode: SyncMode | null;
  /** True when the run resumed an export left pending by an earlier run. */
  resumed: boolean;
  /** Responses read from the export(s). */
  exported: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Responses newly marked deleted by the reconcile. */
  deleted: number;
  /** Responses restored (marked deleted before, live again). Included in `updated` when restored by an upsert. */
  restored: number;
  /** In-progress responses stored, when the survey keeps them; else null. */
  inProgress: number | null;
  /** Whether deletions were reconciled in this run. */
  reconciled: boolean;
  durationMs: number;
  /** One-line error (never a secret), when failed. */
  error: string | null;
  /** Qualtrics `requestId` of the failing call, for support. */
  requestId: string | null;
  /** `sync_runs` id of the responses run, when one was recorded. */
  runId: number | null;
}
