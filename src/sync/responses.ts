/**
 * The responses step of a survey's run: choose the export (plan.ts), record it as pending before polling, load it
 * in batches, and commit the new cursor with the last batch. Falls back when a resumed export is gone or a
 * continuation token is refused.
 */
import { BadRequestError, ExportFailedError, type Logger, type Survey } from '../client/index.ts';
import { ExportDownloadError, ExportTimeoutError } from '../export/index.ts';
import type { Store, SyncState } from '../store/index.ts';
import type { ExportSource } from './export-source.ts';
import { type LoadCounts, loadExport } from './load.ts';
import { baseParams, type ExportPlan, encodePending, planResponsesExport, windowPlan } from './plan.ts';
import { laterDate } from './records.ts';
import type { SurveyExportOptions, SyncProgressEvent } from './types.ts';

/** What the responses step needs. */
export interface ResponsesInput {
  store: Store;
  exports: ExportSource;
  surveyId: string;
  survey?: Survey | undefined;
  runId: number;
  options: SurveyExportOptions;
  fullRefresh: boolean;
  batchSize: number;
  overlapMs: number;
  tokenMaxAgeMs: number;
  tmpDir?: string | undefined;
  signal?: AbortSignal | undefined;
  clock: () => Date;
  logger: Logger;
  onProgress: (event: Omit<SyncProgressEvent, 'surveyId'>) => void;
}

/** Outcome of the responses step. */
export interface ResponsesOutcome extends LoadCounts {
  /** Mode of the export that brought the survey up to date. */
  mode: ExportPlan['mode'];
  /** True when an export left pending by an earlier run was finished first. */
  resumed: boolean;
}

/**
 * Runs the responses step; throws on failure (rows already committed stay, the cursor does not move). An export left
 * pending by an earlier run is finished first; since it shows the data as of when it started, a second export then
 * brings the changes made since, so that a run always ends current.
 */
export async function syncResponses(input: ResponsesInput): Promise<ResponsesOutcome> {
  const first = await exportOnce(input);
  if (!first.resumed) return first;
  const next = await exportOnce(input);
  return {
    mode: next.mode,
    resumed: true,
    exported: first.exported + next.exported,
    inserted: first.inserted + next.inserted,
    updated: first.updated + next.updated,
    unchanged: first.unchanged + next.unchanged,
    restored: first.restored + next.restored,
    stale: first.stale + next.stale,
  };
}

/** One export, with fallbacks: `resumed` is true when it was an earlier run's export that got loaded. */
async function exportOnce(input: ResponsesInput): Promise<ResponsesOutcome> {
  const { store, surveyId } = input;
  const planFrom = (state: SyncState | null) =>
    planResponsesExport({
      state,
      options: input.options,
      fullRefresh: input.fullRefresh,
      now: input.clock(),
      overlapMs: input.overlapMs,
      tokenMaxAgeMs: input.tokenMaxAgeMs,
    });
  let state = await store.getSyncState(surveyId);
  let plan = planFrom(state);
  // At most: a gone pending export, then a refused token, then the window.
  for (let attempt = 1; ; attempt++) {
    input.logger.info({}, `${surveyId}: ${plan.mode} export: ${plan.reason}`);
    try {
      const counts = await exportAndLoad(input, plan, state);
      if (counts.stale > 0) {
        input.logger.warn({}, `${surveyId}: ${counts.stale} exported responses were older than the stored ones and were kept as stored (another writer synced this survey meanwhile)`);
      }
      return { ...counts, mode: plan.mode, resumed: plan.resume !== null };
    } catch (err) {
      if (attempt >= 3 || input.signal?.aborted) throw err;
      if (plan.resume && isGone(err)) {
        input.logger.warn({}, `${surveyId}: pending export ${plan.resume.progressId} cannot be resumed (${oneLine(err)}); starting a new one`);
        state = await store.transaction((tx) => tx.setSyncState(surveyId, { pendingProgressId: null, pendingStartedAt: null, pendingParams: null }));
        plan = planFrom(state);
      } else if (plan.mode === 'continuation' && !plan.resume && err instanceof BadRequestError) {
        // Qualtrics refuses an expired (older than a week) or unknown token with a 400.
        input.logger.warn({ requestId: err.requestId }, `${surveyId}: continuation token refused (${oneLine(err)}); falling back to a last-modified window`);
        plan = windowPlan(baseParams(input.options), state?.highWaterMark ?? null, input.overlapMs, 'the continuation token was refused');
      } else {
        throw err;
      }
    }
  }
}

/** A resumed export that can no longer be completed: failed, expired (404), or a file that never downloads intact. */
function isGone(err: unknown): boolean {
  return (err instanceof ExportFailedError && !(err instanceof ExportTimeoutError)) || err instanceof ExportDownloadError;
}

async function exportAndLoad(input: ResponsesInput, plan: ExportPlan, state: SyncState | null): Promise<LoadCounts> {
  const { store, surveyId } = input;
  const pending = { mode: plan.mode, params: plan.params };
  let startedAt = plan.resume ? (state?.pendingStartedAt ?? null) : null;
  const opened = await input.exports.open(surveyId, plan.params, {
    ...(plan.resume ? { resume: plan.resume } : {}),
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.tmpDir ? { tmpDir: input.tmpDir } : {}),
    // Stored before the first poll: a run killed from here on resumes this job instead of starting another.
    onStarted: async (progressId) => {
      if (plan.resume) return;
      startedAt = input.clock().toISOString();
      await store.transaction((tx) =>
        tx.setSyncState(surveyId, { pendingProgressId: progressId, pendingStartedAt: startedAt, pendingParams: encodePending(pending) }),
      );
    },
    // With the file id stored, a run killed while downloading or loading downloads the same file again.
    onCompleted: async (done) => {
      await store.transaction((tx) =>
        tx.setSyncState(surveyId, { pendingParams: encodePending({ ...pending, fileId: done.fileId, continuationToken: done.continuationToken }) }),
      );
    },
    onProgress: (event) => input.onProgress(event),
  });
  input.onProgress({ phase: 'loading', rows: 0 });
  return loadExport(opened, {
    store,
    surveyId,
    survey: input.survey,
    runId: input.runId,
    batchSize: input.batchSize,
    signal: input.signal,
    onRows: (rows) => input.onProgress({ phase: 'loading', rows }),
    finalState: (maxLastModified) => {
      const now = input.clock().toISOString();
      return {
        // A filtered export issues no token: the survey is exported whole every time anyway.
        continuationToken: opened.continuationToken,
        continuationTokenAt: opened.continuationToken ? (startedAt ?? now) : null,
        highWaterMark: laterDate(state?.highWaterMark ?? null, maxLastModified),
        pendingProgressId: null,
        pendingStartedAt: null,
        pendingParams: null,
        lastSuccessAt: now,
        lastRunId: input.runId,
      };
    },
  });
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(/\s*\n\s*/g, ' ');
}
