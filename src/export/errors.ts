/**
 * Errors of the export pipeline beyond the client's tree. All extend `QualtricsError`, so a caller that catches the
 * client's errors catches these too; each message is one line and names the survey and the job.
 */
import { ExportFailedError, QualtricsError } from '../client/index.ts';

/**
 * The export-start request failed in a way that leaves its outcome unknown (connection dropped after sending, timeout,
 * 5xx): Qualtrics may have started a job. Export start is not idempotent, so it is never repeated blindly.
 */
export class ExportStartUnknownError extends ExportFailedError {
  override name = 'ExportStartUnknownError';
}

/** The job did not complete within the polling timeout. It may still complete: resume polling its progress id. */
export class ExportTimeoutError extends ExportFailedError {
  override name = 'ExportTimeoutError';
  /** The timeout that ran out (ms). */
  readonly timeoutMs: number;
  constructor(message: string, opts: { surveyId: string; progressId: string; timeoutMs: number }) {
    super(message, { surveyId: opts.surveyId, progressId: opts.progressId });
    this.timeoutMs = opts.timeoutMs;
  }
}

/** The export file could not be downloaded intact within the allowed attempts (or is not a usable export). */
export class ExportDownloadError extends QualtricsError {
  override name = 'ExportDownloadError';
  readonly surveyId: string;
  readonly fileId: string;
  /** Downloads tried. */
  readonly attempts: number;
  constructor(message: string, opts: { surveyId: string; fileId: string; attempts: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.surveyId = opts.surveyId;
    this.fileId = opts.fileId;
    this.attempts = opts.attempts;
  }
}
