/**
 * Before anything is written: which surveys a run covers, each checked against Qualtrics (`GET /surveys/{id}`).
 * An unknown or forbidden survey becomes a failed result of its own; a failure that would hit every survey (wrong
 * credentials, no connection) is thrown once instead.
 */
import {
  InvalidParameterError,
  NotFoundError,
  PermissionDeniedError,
  type QualtricsClient,
  type Survey,
} from '../client/index.ts';
import { errorText, requestIdOf } from './errors.ts';
import type { SurveySyncResult, SurveyTarget } from './types.ts';

/** Which surveys to sync. */
export interface SurveySelection {
  /** `all`: every survey the user can see (with `defaults`), or an explicit list. */
  surveys: 'all' | readonly SurveyTarget[];
  /** Options of surveys found through `all` or named only in `only`. */
  defaults?: Omit<SurveyTarget, 'surveyId' | 'survey'>;
  /** Restrict the run to these ids (`--survey`); ids absent from the list are synced with `defaults`. */
  only?: readonly string[];
}

/** Surveys ready to sync (their definitions fetched) and those that cannot be synced. */
export interface ResolvedSurveys {
  targets: SurveyTarget[];
  failed: SurveySyncResult[];
}

/** Resolves the selection against Qualtrics, `concurrency` lookups at a time (default 4). */
export async function resolveSurveys(
  client: QualtricsClient,
  selection: SurveySelection,
  options: { signal?: AbortSignal; concurrency?: number } = {},
): Promise<ResolvedSurveys> {
  const opts = options.signal ? { signal: options.signal } : {};
  let wanted: SurveyTarget[];
  if (selection.surveys === 'all') {
    const ids: string[] = [];
    for await (const s of client.surveys.list({}, opts)) ids.push(s.id);
    const only = selection.only ? new Set(selection.only) : null;
    const picked = only ? [...new Set([...ids.filter((id) => only.has(id)), ...(selection.only ?? [])])] : ids;
    wanted = picked.map((surveyId) => ({ ...selection.defaults, surveyId }));
  } else {
    const listed = new Map(selection.surveys.map((t) => [t.surveyId, t]));
    const ids = selection.only ? [...new Set(selection.only)] : [...listed.keys()];
    wanted = ids.map((surveyId) => listed.get(surveyId) ?? { ...selection.defaults, surveyId });
  }
  const targets: Array<SurveyTarget | null> = new Array(wanted.length).fill(null);
  const failed: SurveySyncResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const index = next++;
      const target = wanted[index]!;
      try {
        const survey: Survey = target.survey ?? (await client.surveys.get(target.surveyId, opts));
        targets[index] = { ...target, survey };
      } catch (err) {
        if (!(err instanceof NotFoundError || err instanceof PermissionDeniedError || err instanceof InvalidParameterError)) throw err;
        failed.push(failedResult(target.surveyId, err));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, options.concurrency ?? 4), wanted.length) }, worker));
  return { targets: targets.filter((t): t is SurveyTarget => t !== null), failed };
}

/** A result for a survey that failed before its run started. */
export function failedResult(surveyId: string, err: unknown): SurveySyncResult {
  const text = errorText(err);
  return {
    surveyId,
    name: null,
    status: 'failed',
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
    error: text.includes(surveyId) ? text : `${surveyId}: ${text}`,
    requestId: requestIdOf(err),
    runId: null,
  };
}
