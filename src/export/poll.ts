import { APIUserAbortError, ExportFailedError, NotFoundError, type QualtricsClient } from '../client/index.ts';
import { ExportTimeoutError } from './errors.ts';
import { realSleep } from './internal/sleep.ts';
import { DEFAULT_POLL_POLICY, INITIAL_POLL_STATE, nextPollDelay, type PollState, type ProgressSample, recordSample } from './poll-plan.ts';
import type { CompletedExportJob, ExportJob, ExportRunOptions } from './types.ts';

/** Default polling timeout: 30 minutes. */
export const DEFAULT_EXPORT_TIMEOUT_MS = 30 * 60_000;

/** Options of `pollExport`. */
export interface PollExportOptions extends Pick<ExportRunOptions, 'signal' | 'onProgress' | 'timeoutMs' | 'poll' | 'now' | 'sleep'> {
  /** The start answer's `percentComplete` and when it arrived (ms), when this process started the job. */
  startedSample?: ProgressSample;
}

/**
 * Polls `GET /surveys/{surveyId}/export-responses/{progressId}` until the job completes, pacing itself with
 * `nextPollDelay` (fast at first, then near the predicted completion). Works as well for a job started by an
 * earlier run (resume). Throws `ExportFailedError` when the job fails or its progress id is unknown (404),
 * `ExportTimeoutError` after `timeoutMs`, `APIUserAbortError` on abort; other client errors pass through.
 */
export async function pollExport(client: QualtricsClient, job: ExportJob, options: PollExportOptions = {}): Promise<CompletedExportJob> {
  const { surveyId, progressId } = job;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const policy = { ...DEFAULT_POLL_POLICY, ...options.poll };
  const timeoutMs = options.timeoutMs ?? DEFAULT_EXPORT_TIMEOUT_MS;
  const deadline = now() + timeoutMs;
  let state: PollState = options.startedSample ? recordSample(INITIAL_POLL_STATE, options.startedSample, undefined) : INITIAL_POLL_STATE;
  const where = `export ${progressId} of ${surveyId}`;
  for (;;) {
    const planned = nextPollDelay(state, policy, now());
    state = planned.state;
    const left = deadline - now();
    if (left <= 0) {
      throw new ExportTimeoutError(
        `${where} did not complete within ${Math.round(timeoutMs / 1000)} s (${state.polls} progress checks, last at ${state.last?.percent ?? 0}%); it may still complete: resume polling progress id ${progressId}`,
        { surveyId, progressId, timeoutMs },
      );
    }
    const delayMs = Math.min(planned.delayMs, left);
    try {
      await sleep(delayMs, options.signal);
    } catch (err) {
      if (err instanceof APIUserAbortError) throw aborted(where);
      throw err;
    }
    const sent = now();
    let progress: Awaited<ReturnType<QualtricsClient['responseExports']['progress']>>;
    try {
      progress = await client.responseExports.progress(surveyId, progressId, options.signal ? { signal: options.signal } : {});
    } catch (err) {
      if (err instanceof APIUserAbortError) throw aborted(where);
      if (err instanceof NotFoundError) {
        throw new ExportFailedError(`${where} is unknown to Qualtrics (404: wrong survey or progress id, or the job expired); start a new export`, {
          surveyId,
          progressId,
          cause: err,
        });
      }
      throw err;
    }
    const percent = Number.isFinite(progress.percentComplete) ? progress.percentComplete : 0;
    state = recordSample(state, { atMs: (sent + now()) / 2, percent }, delayMs);
    options.onProgress?.({ phase: 'polling', surveyId, progressId, percentComplete: percent, polls: state.polls });
    if (progress.status === 'failed') {
      throw new ExportFailedError(`${where} failed (Qualtrics reported status "failed" at ${percent}%); start a new export`, { surveyId, progressId });
    }
    if (progress.status === 'complete') {
      if (!progress.fileId) {
        throw new ExportFailedError(`${where} is complete but Qualtrics gave no fileId; start a new export`, { surveyId, progressId });
      }
      const done: CompletedExportJob = { surveyId, progressId, fileId: progress.fileId, polls: state.polls };
      if (progress.continuationToken) done.continuationToken = progress.continuationToken;
      return done;
    }
  }
}

function aborted(where: string): APIUserAbortError {
  return new APIUserAbortError(`${where} aborted by the caller while polling; the job may still complete on Qualtrics`);
}
