/**
 * The `Store` contract: what the sync engine needs from a database. Async throughout so that a PostgreSQL store can
 * implement it unchanged; every implementation runs the same contract suite (test/store/contract.ts).
 */
import type {
  Layout,
  ResponseMeta,
  StoreColumn,
  StoredSurvey,
  StoreRecord,
  StoreValue,
  SurveyInfo,
} from './types.ts';

/** Per-survey sync cursor. Dates are UTC ISO-8601. */
export interface SyncState {
  surveyId: string;
  /** Continuation token of the last committed export (valid one week). */
  continuationToken: string | null;
  /** When that token was received. */
  continuationTokenAt: string | null;
  /** Progress id of an export started but not yet committed: a restarted run resumes polling it. */
  pendingProgressId: string | null;
  /** When the pending export was started. */
  pendingStartedAt: string | null;
  /** The export request of the pending job (JSON object), so a resumed run knows what it asked for. */
  pendingParams: Record<string, unknown> | null;
  /** Greatest `lastModifiedDate` committed: where a `startDate` fallback window starts (minus overlap). */
  highWaterMark: string | null;
  lastSuccessAt: string | null;
  lastRunId: number | null;
  updatedAt: string;
}

/** Fields to change; absent fields keep their value, `null` clears one. */
export type SyncStatePatch = Partial<Omit<SyncState, 'surveyId' | 'updatedAt'>>;

/** Outcome of one `upsertResponses` batch. `inserted + updated + unchanged + duplicates = records.length`. */
export interface UpsertResult {
  /** Responses not stored before. */
  inserted: number;
  /** Stored responses whose content changed, or that were marked deleted (restored). */
  updated: number;
  /** Stored responses with identical content, or stored in a newer version (see `stale`): not rewritten. */
  unchanged: number;
  /**
   * Of `unchanged`: records whose `meta.lastModifiedDate` is strictly older than the stored response's (an
   * overlapping writer carried an older export); the newer stored version is kept, in every table.
   */
  stale: number;
  /** Of `updated`: responses that had `deleted_at` set and were restored. */
  restored: number;
  /** Earlier copies of a response id repeated within the batch (the last copy wins). */
  duplicates: number;
  /** SQL names of columns whose type was widened by this batch. */
  widened: string[];
  /** SQL names of columns added to the wide table by this batch (first non-null value). */
  materialized: string[];
}

/** Outcome of a reconcile. */
export interface ReconcileResult {
  /** Responses newly marked deleted (absent from the live ids). */
  deleted: number;
  /** Responses marked deleted before that are live again. */
  restored: number;
  /** Distinct live ids read. */
  live: number;
  /** Stored responses of the survey that are not deleted after the reconcile. */
  active: number;
}

/** Outcome of an in-progress snapshot replacement. */
export interface InProgressResult {
  upserted: number;
  /** Rows removed because they are no longer in progress (completed or expired). */
  removed: number;
}

/** Counts a run accumulates; all default 0. */
export interface RunCounts {
  inserted?: number;
  updated?: number;
  unchanged?: number;
  deleted?: number;
  restored?: number;
}

/** What a run is. */
export interface RunInit {
  /** Survey synced, or null for a run over several surveys. */
  surveyId?: string | null;
  /** What ran, e.g. `responses`, `reconcile`. */
  kind: string;
}

/** How a run ended. */
export interface RunFinish {
  status: 'success' | 'failed' | 'cancelled';
  /** Added to the counts already recorded with `tx.addRunCounts`. */
  counts?: RunCounts;
  /** One-line error text (never a secret). */
  error?: string | null;
  /** Qualtrics `requestId` of the failing call, for support. */
  requestId?: string | null;
}

/** One row of `sync_runs`. */
export interface SyncRun {
  id: number;
  surveyId: string | null;
  kind: string;
  startedAt: string;
  finishedAt: string | null;
  /** `running`, `success`, `failed`, `cancelled`, or `interrupted` (a later run found it still running). */
  status: string;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  restored: number;
  error: string | null;
  requestId: string | null;
}

/** A stored response read back (tests, `qsync` inspection commands). */
export interface StoredResponse {
  responseId: string;
  values: Record<string, StoreValue>;
  labels: Record<string, StoreValue> | null;
  meta: ResponseMeta;
  syncedAt: string;
  deletedAt: string | null;
  /** The wide-table row keyed by SQL column name, values decoded by logical type; null when absent. */
  wide: Record<string, StoreValue> | null;
}

/** A wide-table column as the database declares it. */
export interface DeclaredColumn {
  name: string;
  /** Declared SQL type as the database reports it, e.g. `INTEGER`, `TEXT`, `bigint`. */
  declaredType: string;
}

/** Writes that commit together. Valid only inside `store.transaction`. */
export interface StoreTx {
  /**
   * Upserts a batch by (`survey_id`, `response_id`) into `responses`, the wide table and (when enabled) `answers`;
   * clears `deleted_at` (restore) and removes an in-progress row of the same id. Identical content is not
   * rewritten. A record whose `meta.lastModifiedDate` is strictly older than the stored response's is not written
   * either (counted `unchanged` and `stale`): Qualtrics moves that date forward on every edit, so it is an older
   * version carried by an overlapping writer. Equal or newer dates, or a date unknown on either side, write as
   * usual (a full refresh re-exports the same dates and still restores a deleted response). Columns whose values
   * no longer fit are widened first; columns seen non-null for the first time are added. Every value key must
   * belong to `layout` (from `ensureLayout`).
   */
  upsertResponses(surveyId: string, layout: Layout, records: readonly StoreRecord[]): Promise<UpsertResult>;
  /** Same as `store.ensureLayout`, inside this transaction. */
  ensureLayout(surveyId: string, columns: readonly StoreColumn[]): Promise<Layout>;
  /** Patches the survey's cursor; creates it when absent. */
  setSyncState(surveyId: string, patch: SyncStatePatch): Promise<SyncState>;
  /** Upserts in-progress responses (their own table). Returns rows written. */
  upsertInProgress(surveyId: string, records: readonly StoreRecord[]): Promise<number>;
  /** Removes in-progress rows by id. Returns rows removed. */
  removeInProgress(surveyId: string, responseIds: readonly string[]): Promise<number>;
  /** Adds to a run's counts, so counts commit with the rows they count. */
  addRunCounts(runId: number, counts: RunCounts): Promise<void>;
}

/** A qsync database. Obtain one with `openStore`. Calls are serialized; one transaction at a time. */
export interface Store {
  /** `sqlite` now; `postgres` later. */
  readonly kind: 'sqlite' | 'postgres';
  /** What was opened: an absolute file path (never a password). */
  readonly target: string;
  /** Inserts or updates a survey; chooses its wide-table name on first save. */
  saveSurvey(info: SurveyInfo): Promise<StoredSurvey>;
  getSurvey(surveyId: string): Promise<StoredSurvey | null>;
  listSurveys(): Promise<StoredSurvey[]>;
  /**
   * Maps the columns to SQL names (existing names kept), records them in `survey_columns`, creates the wide table
   * and adds columns that have a type. Columns not passed are kept, never dropped. The survey must be saved.
   */
  ensureLayout(surveyId: string, columns: readonly StoreColumn[]): Promise<Layout>;
  /** The stored layout, or null when `ensureLayout` never ran for the survey. */
  getLayout(surveyId: string): Promise<Layout | null>;
  /**
   * Runs `fn` in one database transaction: everything it writes commits together, or nothing does when it
   * throws (the error is rethrown). Do not call other store methods inside `fn`; use `tx`.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  getSyncState(surveyId: string): Promise<SyncState | null>;
  /**
   * Compares stored response ids with the survey's live ids: stored ids absent from `liveIds` get `deleted_at`
   * (rows are never deleted), deleted ids present again are restored. Streams ids; one transaction at the end.
   */
  reconcile(surveyId: string, liveIds: AsyncIterable<string> | Iterable<string>): Promise<ReconcileResult>;
  /**
   * Replaces the survey's in-progress rows with this snapshot (an `exportResponsesInProgress` export): rows absent
   * from it have completed or expired and are removed.
   */
  replaceInProgress(
    surveyId: string,
    records: AsyncIterable<StoreRecord> | Iterable<StoreRecord>,
  ): Promise<InProgressResult>;
  /** In-progress rows of a survey, by response id. */
  listInProgress(surveyId: string): Promise<StoredResponse[]>;
  /** Records a run as `running`; earlier runs of the same survey and kind still `running` become `interrupted`. */
  startRun(init: RunInit): Promise<number>;
  finishRun(runId: number, result: RunFinish): Promise<SyncRun>;
  getRun(runId: number): Promise<SyncRun | null>;
  /** Latest runs first. `limit` default 50. */
  listRuns(filter?: { surveyId?: string; limit?: number }): Promise<SyncRun[]>;
  getResponse(surveyId: string, responseId: string): Promise<StoredResponse | null>;
  /** Number of stored responses; deleted ones only with `includeDeleted`. */
  countResponses(surveyId: string, options?: { includeDeleted?: boolean }): Promise<number>;
  /** Long-form rows of one response, ordered by column position. */
  getAnswers(
    surveyId: string,
    responseId: string,
  ): Promise<Array<{ columnKey: string; importId: string | null; value: string | null; label: string | null }>>;
  /** The wide table's columns as the database declares them, in table order. */
  describeWideTable(surveyId: string): Promise<DeclaredColumn[]>;
  /** Closes the database. Further calls fail. */
  close(): Promise<void>;
}
