/**
 * One survey's run: save the survey, sync its responses (recorded in `sync_runs`), refresh its in-progress
 * responses, and reconcile deletions when asked or due. Never throws: failures become the result's `error`.
 */
import { type QualtricsClient, type Survey, silentLogger } from '../client/index.ts';
import type { Store, SurveyInfo } from '../store/index.ts';
import { errorText, isAbort, requestIdOf } from './errors.ts';
import type { ExportSource } from './export-source.ts';
import { syncResponses } from './responses.ts';
import { reconcileSurvey, syncInProgress } from './side-exports.ts';
import type { SurveySyncResult, SurveyTarget, SyncOptions, SyncProgressEvent } from './types.ts';

/** What the engine works with. */
export interface SyncDeps {
  client: QualtricsClient;
  store: Store;
  /** Default: the export pipeline over `client`. */
  exports: ExportSource;
}

/** `SyncOptions` with every default filled in. */
export type ResolvedSyncOptions = Required<Omit<SyncOptions, 'signal' | 'tmpDir' | 'onProgress'>> &
  Pick<SyncOptions, 'signal' | 'tmpDir' | 'onProgress'>;

const DAY_MS = 86_400_000;

/** Fills in the defaults documented on `SyncOptions`. */
export function resolveSyncOptions(options: SyncOptions = {}): ResolvedSyncOptions {
  return {
    concurrency: Math.max(1, Math.trunc(options.concurrency ?? 4)),
    fullRefresh: options.fullRefresh ?? false,
    reconcile: options.reconcile ?? false,
    reconcileEvery: Math.max(0, Math.trunc(options.reconcileEvery ?? 10)),
    batchSize: Math.max(1, Math.trunc(options.batchSize ?? 50_000)),
    overlapMs: options.overlapMs ?? DAY_MS,
    tokenMaxAgeMs: options.tokenMaxAgeMs ?? 6.5 * DAY_MS,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? (() => new Date()),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.tmpDir ? { tmpDir: options.tmpDir } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  };
}

/** Syncs one survey. */
export async function syncSurvey(deps: SyncDeps, target: SurveyTarget, options: ResolvedSyncOptions): Promise<SurveySyncResult> {
  const { store } = deps;
  const { surveyId } = target;
  const began = performance.now();
  const result: SurveySyncResult = {
    surveyId,
    name: target.survey?.name ?? null,
    status: 'success',
    mode: null,
    resumed: false,
    exported: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    restored: 0,
    inProgress: null,
    reconciled: false,
    durationMs: 0,
    error: null,
    requestId: null,
    runId: null,
  };
  const progress = (event: Omit<SyncProgressEvent, 'surveyId'>) => options.onProgress?.({ surveyId, ...event });
  const common = {
    store,
    exports: deps.exports,
    surveyId,
    options: target.export ?? {},
    tmpDir: options.tmpDir,
    signal: options.signal,
    onProgress: progress,
  };
  let kind = 'responses';
  try {
    const survey = target.survey ?? (await deps.client.surveys.get(surveyId, options.signal ? { signal: options.signal } : {}));
    result.name = survey.name;
    const firstRun = (await store.getSyncState(surveyId)) === null;
    await store.saveSurvey(surveyInfoOf(survey, target.longAnswers));
    result.runId = await store.startRun({ surveyId, kind: 'responses' });
    const outcome = await runStep(store, result.runId, () =>
      syncResponses({ ...common, survey, runId: result.runId!, fullRefresh: options.fullRefresh, ...pick(options) }),
    );
    Object.assign(result, {
      mode: outcome.mode,
      resumed: outcome.resumed,
      exported: outcome.exported,
      inserted: outcome.inserted,
      updated: outcome.updated,
      unchanged: outcome.unchanged,
      restored: outcome.restored,
    });
    if (target.inProgress) {
      kind = 'in-progress';
      result.inProgress = await syncInProgress(common);
    }
    if (options.reconcile || options.fullRefresh || (!firstRun && (await reconcileDue(store, surveyId, options.reconcileEvery)))) {
      kind = 'reconcile';
      const runId = await store.startRun({ surveyId, kind: 'reconcile' });
      const reconciled = await runStep(store, runId, () => reconcileSurvey(common), (r) => ({ deleted: r.deleted, restored: r.restored }));
      result.deleted = reconciled.deleted;
      result.restored += reconciled.restored;
      result.reconciled = true;
    }
    progress({ phase: 'done', rows: result.exported });
  } catch (err) {
    result.status = isAbort(err, options.signal) ? 'cancelled' : 'failed';
    const text = errorText(err);
    result.error = kind === 'responses' ? text : `${kind}: ${text}`;
    result.requestId = requestIdOf(err);
    options.logger.info({ requestId: result.requestId }, `${surveyId}: sync ${result.status}: ${result.error}`);
    progress({ phase: 'failed' });
  }
  result.durationMs = Math.round(performance.now() - began);
  return result;
}

function pick(o: ResolvedSyncOptions) {
  return { batchSize: o.batchSize, overlapMs: o.overlapMs, tokenMaxAgeMs: o.tokenMaxAgeMs, clock: o.clock, logger: o.logger };
}

/** Runs a step recorded as run `runId`: finished as success with `counts`, or failed/cancelled with the error. */
async function runStep<T>(
  store: Store,
  runId: number,
  step: () => Promise<T>,
  counts?: (value: T) => { deleted?: number; restored?: number },
): Promise<T> {
  try {
    const value = await step();
    await store.finishRun(runId, { status: 'success', ...(counts ? { counts: counts(value) } : {}) });
    return value;
  } catch (err) {
    const status = isAbort(err) ? 'cancelled' : 'failed';
    await store.finishRun(runId, { status, error: errorText(err), requestId: requestIdOf(err) }).catch(() => undefined);
    throw err;
  }
}

/** True when `every` successful responses runs happened since the survey's last successful reconcile. */
export async function reconcileDue(store: Store, surveyId: string, every: number): Promise<boolean> {
  if (every <= 0) return false;
  const runs = await store.listRuns({ surveyId, limit: every * 3 + 10 });
  let since = 0;
  for (const run of runs) {
    if (run.kind === 'reconcile' && run.status === 'success') break;
    if (run.kind === 'responses' && run.status === 'success') since++;
  }
  return since >= every;
}

/** The survey as `surveys` stores it. */
export function surveyInfoOf(survey: Survey, longAnswers: boolean | undefined): SurveyInfo {
  const info: SurveyInfo = {
    id: survey.id,
    name: survey.name,
    active: typeof survey.isActive === 'boolean' ? survey.isActive : null,
    createdAt: isoOrNull(survey.creationDate),
    modifiedAt: isoOrNull(survey.lastModifiedDate),
    responseCounts: survey.responseCounts ?? null,
  };
  if (longAnswers !== undefined) info.longAnswers = longAnswers;
  return info;
}

function isoOrNull(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
