import {
  APIConnectionTimeoutError,
  APIUserAbortError,
  ExportFailedError,
  IncompleteDownloadError,
  NotFoundError,
  type QualtricsClient,
} from '../client/index.ts';
import { ExportFileError, openSource } from '../formats/index.ts';
import { ExportDownloadError } from './errors.ts';
import { FileSink } from './internal/file-sink.ts';
import { verifyZip } from './internal/verify-zip.ts';
import type { CompletedExportJob, ExportRunOptions } from './types.ts';

/** Default number of downloads tried for one file. */
export const DEFAULT_DOWNLOAD_ATTEMPTS = 3;

/** A downloaded export file that passed verification. */
export interface VerifiedDownload {
  path: string;
  /** Size on disk (bytes). */
  bytes: number;
  /** True when the file is a zip (Qualtrics may zip even when `compress: false` was asked for). */
  zipped: boolean;
  /** Name of the zip's data entry (`Survey Name.csv`), or null for a plain file. */
  entryName: string | null;
  /** Downloads it took. */
  attempts: number;
}

/**
 * Streams the job's file to `path` (a new file) and verifies it: the client checks `Content-Length` while
 * streaming, then the zip must open with exactly one non-empty data entry whose CRC-32 and size match the zip
 * directory (one decompression pass); a plain file must be non-empty.
 * A truncated, stalled or corrupt download is removed and downloaded again, up to `attempts` times in all;
 * then `ExportDownloadError`. A 404 (file expired or unknown) is an `ExportFailedError`. On any failure or abort
 * nothing is left at `path`.
 */
export async function downloadExportFile(
  client: QualtricsClient,
  job: CompletedExportJob,
  path: string,
  options: Pick<ExportRunOptions, 'signal' | 'onProgress' | 'downloadAttempts'> = {},
): Promise<VerifiedDownload> {
  const { surveyId, fileId } = job;
  const attempts = Math.max(1, options.downloadAttempts ?? DEFAULT_DOWNLOAD_ATTEMPTS);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const sink = new FileSink(path, (bytes) => options.onProgress?.({ phase: 'downloading', surveyId, fileId, bytes, attempt }));
    try {
      await client.responseExports.download(surveyId, fileId, { to: sink, ...(options.signal ? { signal: options.signal } : {}) });
      return { ...(await verifyDownloaded(path, sink.bytes, options)), attempts: attempt };
    } catch (err) {
      await sink.discard();
      const final = finalDownloadError(err, job, options.signal);
      if (final) throw final;
      lastError = err;
    }
  }
  throw exhaustedDownloadError(job, attempts, lastError);
}

/**
 * Verifies a file downloaded in full (`bytes` long): a zip must open with exactly one non-empty data entry whose
 * CRC-32 and size match the zip directory (one decompression pass, reported as `verifying`); a plain file must be
 * non-empty. Throws `ExportFileError` when it is not usable.
 */
export async function verifyDownloaded(
  path: string,
  bytes: number,
  options: Pick<ExportRunOptions, 'signal' | 'onProgress'> = {},
): Promise<Omit<VerifiedDownload, 'attempts'>> {
  const { source } = await openSource(path);
  if (source.entryName !== null) {
    options.onProgress?.({ phase: 'verifying', bytes });
    await verifyZip(path, options.signal);
    options.signal?.throwIfAborted();
  }
  return { path, bytes, zipped: source.entryName !== null, entryName: source.entryName };
}

function describeFile(job: CompletedExportJob): string {
  return `export file ${job.fileId} of ${job.surveyId}`;
}

/**
 * What a failed download attempt means: the error to end the download with (abort, a 404 as `ExportFailedError`,
 * anything a new download cannot cure), or null when downloading the file again may help.
 */
export function finalDownloadError(err: unknown, job: CompletedExportJob, signal?: AbortSignal): unknown {
  const where = describeFile(job);
  if (err instanceof APIUserAbortError || signal?.aborted) {
    return new APIUserAbortError(`download of ${where} aborted by the caller; the partial file was removed`);
  }
  if (err instanceof NotFoundError) {
    return new ExportFailedError(`${where} is gone (404: files expire one week after the export completed); start a new export`, {
      surveyId: job.surveyId,
      progressId: job.progressId,
      cause: err,
    });
  }
  return isRedownloadable(err) ? null : err;
}

/** The error of a download that failed `attempts` times; `lastError` was the last problem. */
export function exhaustedDownloadError(job: CompletedExportJob, attempts: number, lastError: unknown): ExportDownloadError {
  const detail = lastError instanceof Error ? lastError.message : String(lastError);
  return new ExportDownloadError(`${describeFile(job)} could not be downloaded intact in ${attempts} attempts; last problem: ${detail}`, {
    surveyId: job.surveyId,
    fileId: job.fileId,
    attempts,
    cause: lastError,
  });
}

/** Failures a fresh download can cure: a body cut short, a stall, a corrupt or truncated zip. */
function isRedownloadable(err: unknown): boolean {
  return err instanceof IncompleteDownloadError || err instanceof APIConnectionTimeoutError || err instanceof ExportFileError;
}
