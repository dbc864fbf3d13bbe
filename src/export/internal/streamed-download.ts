import { join } from 'node:path';
import type { QualtricsClient } from '../../client/index.ts';
import { DEFAULT_DOWNLOAD_ATTEMPTS, exhaustedDownloadError, finalDownloadError } from '../download.ts';
import type { CompletedExportJob, ExportRunOptions } from '../types.ts';
import { FileSink } from './file-sink.ts';
import { GrowingFile } from './growing-file.ts';

/** A finished background download. */
export interface StreamedFile {
  /** The complete file (the last attempt's). */
  path: string;
  /** Its size (bytes). */
  bytes: number;
  /** Downloads it took. */
  attempts: number;
}

/** A download running in the background while its file is read. */
export interface StreamedDownload {
  /** What readers follow. */
  file: GrowingFile;
  /**
   * Settles when the download ended: the complete file, or the error `downloadExportFile` would end with
   * (`APIUserAbortError`, `ExportFailedError` for a 404, `ExportDownloadError` once the attempts ran out, or the
   * client's own error). Never an unhandled rejection.
   */
  finished: Promise<StreamedFile>;
  /** Stops the download if it still runs and waits until it settled. Idempotent. */
  cancel(): Promise<void>;
}

/**
 * Starts downloading the job's file into `dir` (`download-<attempt>.part`) at the speed of the network: nothing
 * that reads the file slows it, so a download link is never held open longer than the transfer takes. A body cut
 * short or stalled is downloaded again into a new file, up to `downloadAttempts` (default 3) downloads in all;
 * readers of `file` follow the new attempt from the offset they had reached. A failed attempt's file is removed;
 * the complete one is left for the caller, who owns `dir`. `downloading` progress is reported per chunk on disk.
 */
export function startStreamedDownload(
  client: QualtricsClient,
  job: CompletedExportJob,
  dir: string,
  options: Pick<ExportRunOptions, 'signal' | 'onProgress' | 'downloadAttempts'> = {},
): StreamedDownload {
  const { surveyId, fileId } = job;
  const file = new GrowingFile();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const attempts = Math.max(1, options.downloadAttempts ?? DEFAULT_DOWNLOAD_ATTEMPTS);

  const run = async (): Promise<StreamedFile> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const path = join(dir, `download-${attempt}.part`);
      file.restart(path);
      // A write of a failed attempt may still land after the next attempt began: it is not news then.
      const sink = new FileSink(path, (bytes) => {
        if (file.attempt !== attempt) return;
        file.grew(bytes);
        options.onProgress?.({ phase: 'downloading', surveyId, fileId, bytes, attempt });
      });
      try {
        await client.responseExports.download(surveyId, fileId, { to: sink, signal: controller.signal });
        file.complete();
        return { path, bytes: sink.bytes, attempts: attempt };
      } catch (err) {
        // A reader may still hold the file open: it reads on from there until it moves to the next attempt.
        await sink.discard();
        const final = finalDownloadError(err, job, controller.signal);
        if (final) throw final;
        lastError = err;
      }
    }
    throw exhaustedDownloadError(job, attempts, lastError);
  };

  const finished = run().then(
    (done) => done,
    (err: unknown) => {
      file.fail(err);
      throw err;
    },
  );
  finished
    .catch(() => undefined)
    .finally(() => options.signal?.removeEventListener('abort', onAbort));
  return {
    file,
    finished,
    async cancel() {
      controller.abort();
      await finished.catch(() => undefined);
    },
  };
}
