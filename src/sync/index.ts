/**
 * The incremental, exactly-once sync of survey responses into a `Store` (DESIGN.md "Incremental sync"): exports with
 * continuation tokens, pending exports resumed after a crash, last-modified fallback windows, batched upserts with
 * the cursor in the last batch's transaction, deletions by reconcile, in-progress responses, many surveys at once.
 */
export { errorText, isAbort, requestIdOf } from './errors.ts';
export { type ExportHooks, type ExportSource, type OpenedExport, pipelineExportSource, type ResumePoint } from './export-source.ts';
export { type LoadCounts, type LoadInput, loadExport } from './load.ts';
export {
  baseParams,
  decodePending,
  type ExportPlan,
  encodePending,
  idsParams,
  inProgressParams,
  type PendingExport,
  type PlanInput,
  planResponsesExport,
  sameBase,
  windowPlan,
} from './plan.ts';
export { laterDate, type MetadataKeys, metadataKeys, toStoreColumns, toStoreRecord } from './records.ts';
export { failedResult, type ResolvedSurveys, resolveSurveys, type SurveySelection } from './resolve.ts';
export { type ResponsesInput, type ResponsesOutcome, syncResponses } from './responses.ts';
export { runSync, sweepStaleExports, totalsOf } from './runner.ts';
export { reconcileSurvey, type SnapshotInput, syncInProgress } from './side-exports.ts';
export {
  type ResolvedSyncOptions,
  reconcileDue,
  resolveSyncOptions,
  type SyncDeps,
  surveyInfoOf,
  syncSurvey,
} from './survey-sync.ts';
export type {
  SurveyExportOptions,
  SurveySyncResult,
  SurveyTarget,
  SyncMode,
  SyncOptions,
  SyncProgressEvent,
} from './types.ts';
