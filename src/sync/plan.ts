/**
 * Pure planning of a survey's exports: which export a run asks for (full, continuation, last-modified window,
 * filtered), whether a pending export of an earlier run can be resumed, and the ids-only and in-progress exports.
 */
import type { ResponseExportStartParams } from '../client/index.ts';
import type { SyncState } from '../store/index.ts';
import type { ResumePoint } from './export-source.ts';
import type { SurveyExportOptions, SyncMode } from './types.ts';

/** The responses export a run makes. */
export interface ExportPlan {
  mode: SyncMode;
  params: ResponseExportStartParams;
  /** Set when an earlier run's export is resumed instead of starting one. */
  resume: ResumePoint | null;
  /** One line for the log: why this export. */
  reason: string;
}

/** What `sync_state.pending_params` holds while an export is pending. */
export interface PendingExport {
  mode: SyncMode;
  /** The request as sent (dates as ISO text). */
  params: ResponseExportStartParams;
  /** Known once the job completed. */
  fileId?: string | null;
  continuationToken?: string | null;
}

/** Inputs of `planResponsesExport`. */
export interface PlanInput {
  state: SyncState | null;
  options: SurveyExportOptions;
  fullRefresh: boolean;
  now: Date;
  /** ms */
  overlapMs: number;
  /** ms */
  tokenMaxAgeMs: number;
}

/** The survey's own export options as a CSV export body: the part every export of a run shares. */
export function baseParams(options: SurveyExportOptions): ResponseExportStartParams {
  const params: ResponseExportStartParams = { format: 'csv', compress: true };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (params as unknown as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
  }
  return params;
}

/** Chooses the responses export of a run (see `SyncMode`). */
export function planResponsesExport(input: PlanInput): ExportPlan {
  const { state, options } = input;
  const base = baseParams(options);
  const pending = decodePending(state?.pendingParams ?? null);
  if (state?.pendingProgressId && pending && !input.fullRefresh && sameBase(pending.params, base)) {
    return {
      mode: pending.mode,
      params: pending.params,
      resume: {
        progressId: state.pendingProgressId,
        ...(pending.fileId ? { fileId: pending.fileId } : {}),
        ...(pending.continuationToken ? { continuationToken: pending.continuationToken } : {}),
      },
      reason: `resuming export ${state.pendingProgressId} left pending by an earlier run`,
    };
  }
  if (options.filterId !== undefined) {
    return { mode: 'filtered', params: base, resume: null, reason: 'saved filter: Qualtrics refuses continuation with filterId' };
  }
  if (input.fullRefresh || !state) return fullPlan(base, input.fullRefresh ? 'full refresh requested' : 'first run');
  const tokenAge = state.continuationTokenAt ? input.now.getTime() - Date.parse(state.continuationTokenAt) : Number.NaN;
  if (state.continuationToken && !(tokenAge > input.tokenMaxAgeMs)) {
    return {
      mode: 'continuation',
      params: { ...base, continuationToken: state.continuationToken, sortByLastModifiedDate: true },
      resume: null,
      reason: 'changes since the stored continuation token',
    };
  }
  const why = state.continuationToken ? 'the continuation token is too old' : 'no continuation token';
  return windowPlan(base, state.highWaterMark, input.overlapMs, why);
}

/** The fallback: responses modified since the high-water mark minus the overlap, or everything without one. */
export function windowPlan(base: ResponseExportStartParams, highWaterMark: string | null, overlapMs: number, why: string): ExportPlan {
  const mark = highWaterMark ? Date.parse(highWaterMark) : Number.NaN;
  if (Number.isNaN(mark)) return fullPlan(base, `${why} and no high-water mark`);
  const startDate = new Date(mark - overlapMs).toISOString().replace(/\.000Z$/, 'Z');
  return {
    mode: 'window',
    params: { ...base, allowContinuation: true, sortByLastModifiedDate: true, startDate },
    resume: null,
    reason: `${why}: responses modified since ${startDate} (high-water mark minus the overlap)`,
  };
}

function fullPlan(base: ResponseExportStartParams, reason: string): ExportPlan {
  return { mode: 'full', params: { ...base, allowContinuation: true, sortByLastModifiedDate: true }, resume: null, reason };
}

/** The cheap export of response ids only, for reconciling deletions. */
export function idsParams(options: SurveyExportOptions): ResponseExportStartParams {
  const params: ResponseExportStartParams = {
    format: 'csv',
    compress: true,
    surveyMetadataIds: ['_recordId'],
    questionIds: [],
    embeddedDataIds: [],
  };
  if (options.filterId !== undefined) params.filterId = options.filterId;
  return params;
}

/** The export of in-progress responses (a snapshot: Qualtrics ignores last-modified sorting for them). */
export function inProgressParams(options: SurveyExportOptions): ResponseExportStartParams {
  const { filterId: _filterId, ...rest } = options;
  return { ...baseParams(rest), exportResponsesInProgress: true };
}

/** JSON for `sync_state.pending_params`. */
export function encodePending(pending: PendingExport): Record<string, unknown> {
  const out: Record<string, unknown> = { mode: pending.mode, params: pending.params };
  if (pending.fileId) out['fileId'] = pending.fileId;
  if (pending.continuationToken) out['continuationToken'] = pending.continuationToken;
  return out;
}

const MODES: readonly SyncMode[] = ['full', 'continuation', 'window', 'filtered'];

/** Reads `sync_state.pending_params`; null when absent or not something this version wrote. */
export function decodePending(value: Record<string, unknown> | null): PendingExport | null {
  if (!value) return null;
  const { mode, params, fileId, continuationToken } = value;
  if (typeof mode !== 'string' || !MODES.includes(mode as SyncMode)) return null;
  if (typeof params !== 'object' || params === null || (params as { format?: unknown }).format === undefined) return null;
  return {
    mode: mode as SyncMode,
    params: params as ResponseExportStartParams,
    fileId: typeof fileId === 'string' ? fileId : null,
    continuationToken: typeof continuationToken === 'string' ? continuationToken : null,
  };
}

/** Keys that vary between a survey's exports; the rest must match for a pending export to be resumed. */
const CURSOR_KEYS = new Set(['allowContinuation', 'continuationToken', 'sortByLastModifiedDate', 'startDate']);

/** True when `sent` asked for the same data as `base` (the survey's options did not change since). */
export function sameBase(sent: ResponseExportStartParams, base: ResponseExportStartParams): boolean {
  const strip = (p: ResponseExportStartParams) =>
    Object.fromEntries(
      Object.entries(p)
        .filter(([k]) => !CURSOR_KEYS.has(k))
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return JSON.stringify(strip(sent)) === JSON.stringify(strip(base));
}
