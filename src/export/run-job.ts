import type { ExportFormat as ApiFormat, QualtricsClient } from '../client/index.ts';
import type { ExportFormat as FileFormat } from '../formats/index.ts';
import { pollExport } from './poll.ts';
import { startExportJob } from './start.ts';
import type { CompletedExportJob, ExportJob, ExportRequest, ExportRunOptions } from './types.ts';

/** File extension of an export format (`spss` files are `.sav`). */
export function extensionOf(format: ApiFormat): string {
  return format === 'spss' ? 'sav' : format;
}

/** The parsers' name of an export format. */
export function fileFormatOf(format: ApiFormat): FileFormat {
  return format === 'spss' ? 'sav' : format;
}

/**
 * Starts the job (or takes the one to resume), reports it through `onStarted` before the first poll, polls it to
 * completion and reports that through `onCompleted`. A resumed job with a known `fileId` is returned as complete.
 */
export async function runExportJob(client: QualtricsClient, request: ExportRequest, options: ExportRunOptions = {}): Promise<CompletedExportJob> {
  const now = options.now ?? Date.now;
  const { surveyId } = request;
  let job: ExportJob;
  let startedSample: { atMs: number; percent: number } | undefined;
  if (options.resume?.fileId) {
    const { progressId, fileId, continuationToken } = options.resume;
    return { surveyId, progressId, fileId, polls: 0, ...(continuationToken ? { continuationToken } : {}) };
  }
  if (options.resume) {
    job = { surveyId, progressId: options.resume.progressId };
  } else {
    options.onProgress?.({ phase: 'starting', surveyId });
    const sent = now();
    const started = await startExportJob(client, request, options.signal);
    job = { surveyId, progressId: started.progressId };
    const percent = Number.isFinite(started.percentComplete) ? started.percentComplete : 0;
    startedSample = { atMs: (sent + now()) / 2, percent };
  }
  await options.onStarted?.(job);
  const done = await pollExport(client, job, { ...options, ...(startedSample ? { startedSample } : {}) });
  await options.onCompleted?.(done);
  return done;
}
