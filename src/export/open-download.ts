import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { QualtricsClient } from '../client/index.ts';
import {
  type ExportFile,
  ExportFileError,
  type ExportFormat,
  type OpenExportOptions,
  onePassSource,
  openExport,
  openExportSource,
} from '../formats/index.ts';
import { DEFAULT_DOWNLOAD_ATTEMPTS, downloadExportFile, exhaustedDownloadError, finalDownloadError, verifyDownloaded } from './download.ts';
import { ExportDownloadError } from './errors.ts';
import { type FollowedEntry, followZipEntry } from './internal/follow-zip.ts';
import { type StreamedDownload, startStreamedDownload } from './internal/streamed-download.ts';
import type { CompletedExportJob, ExportRunOptions } from './types.ts';

/** An export file open for reading, perhaps while it is still downloading. */
export interface OpenedDownload {
  file: ExportFile;
  /** Bytes downloaded so far (the file's size once it is complete). */
  bytes(): number;
  /**
   * Called once the records ended: throws unless everything read was verified (the download complete, the
   * entry's CRC-32 and sizes matching its data descriptor and the zip directory). Free for a file read whole.
   */
  assertComplete(): void;
  /** The error to report for `err`, met while reading: the download's own or the verification's (the parsers wrap them). */
  explain(err: unknown): unknown;
  /** Stops the download and every read. Idempotent; the caller removes `dir`. */
  close(): Promise<void>;
}

type Options = Pick<ExportRunOptions, 'signal' | 'onProgress' | 'downloadAttempts'>;

/** Formats whose records can be read while the file downloads: one forward pass, no look at the end of the file. */
const FOLLOWED_FORMATS: ReadonlySet<ExportFormat> = new Set(['csv', 'tsv']);

/**
 * Downloads the job's file into `dir` and opens it for reading. A csv/tsv export that arrives as a zip whose one
 * entry is deflated (as Qualtrics serves them) is read as it downloads: its header is read here, and its records
 * flow while the download runs at the network's speed, inflated once; the records end only once the download is
 * complete and the entry verified (see `FollowedEntry.chunks`). A download cut short is downloaded again (up to
 * `downloadAttempts`) and read on from where reading stopped; a corrupt one fails the pass with
 * `ExportDownloadError`, since records were already handed on: the caller commits nothing as complete and starts
 * over (the sync engine's next run downloads the file again). Anything else (json, ndjson, spss, an unzipped file,
 * an unusual zip) is downloaded and verified first, then read, as `downloadExportFile` and `openExport` do.
 */
export async function openDownload(
  client: QualtricsClient,
  job: CompletedExportJob,
  dir: string,
  openOptions: OpenExportOptions & { format: ExportFormat },
  options: Options = {},
): Promise<OpenedDownload> {
  if (!FOLLOWED_FORMATS.has(openOptions.format)) {
    const download = await downloadExportFile(client, job, join(dir, 'download.part'), options);
    return wholeFile(await openExport(download.path, openOptions), download.bytes);
  }
  const download = startStreamedDownload(client, job, dir, options);
  let followed: FollowedEntry | null;
  try {
    followed = await followZipEntry(download.file);
  } catch (err) {
    await download.cancel();
    throw err;
  }
  if (!followed) return openWhenDownloaded(client, job, dir, download, openOptions, options);
  const entry = followed;
  const source = onePassSource({ path: download.file.path ?? dir, entryName: entry.entry.name, label: entry.label }, entry.chunks);
  const explain = (err: unknown): unknown => {
    if (download.file.state === 'failed') return download.file.error;
    if (entry.failure instanceof ExportFileError) return corruptError(job, download, entry.failure);
    return err;
  };
  let file: ExportFile | undefined;
  // The reader first: a parse waiting for bytes wakes and fails, so that stopping the passes cannot wait on it.
  const close = async () => {
    await entry.close();
    await download.cancel();
    await file?.close().catch(() => undefined);
  };
  try {
    file = await openExportSource(source, null, openOptions);
    return {
      file,
      bytes: () => download.file.written,
      assertComplete() {
        if (!entry.verified) {
          throw new ExportDownloadError(`export file ${job.fileId} of ${job.surveyId}: its records ended before the download was verified`, {
            surveyId: job.surveyId,
            fileId: job.fileId,
            attempts: download.file.attempt,
          });
        }
      },
      explain,
      close,
    };
  } catch (err) {
    await close();
    throw explain(err);
  }
}

/** The zip failed verification after its records were handed on. */
function corruptError(job: CompletedExportJob, download: StreamedDownload, cause: ExportFileError): ExportDownloadError {
  return new ExportDownloadError(
    `export file ${job.fileId} of ${job.surveyId} is corrupt (${cause.problem}); the records read from it are incomplete: download it again`,
    { surveyId: job.surveyId, fileId: job.fileId, attempts: download.file.attempt, cause },
  );
}

/** Today's path for a download not read as it arrives: wait for it, verify it (or download again), then open it. */
async function openWhenDownloaded(
  client: QualtricsClient,
  job: CompletedExportJob,
  dir: string,
  download: StreamedDownload,
  openOptions: OpenExportOptions,
  options: Options,
): Promise<OpenedDownload> {
  const done = await download.finished;
  let verified: { path: string; bytes: number };
  try {
    verified = await verifyDownloaded(done.path, done.bytes, options);
  } catch (err) {
    await unlink(done.path).catch(() => undefined);
    const final = finalDownloadError(err, job, options.signal);
    if (final) throw final;
    const attempts = Math.max(1, options.downloadAttempts ?? DEFAULT_DOWNLOAD_ATTEMPTS);
    if (done.attempts >= attempts) throw exhaustedDownloadError(job, done.attempts, err);
    verified = await downloadExportFile(client, job, join(dir, 'download.part'), { ...options, downloadAttempts: attempts - done.attempts });
  }
  return wholeFile(await openExport(verified.path, openOptions), verified.bytes);
}

function wholeFile(file: ExportFile, bytes: number): OpenedDownload {
  return {
    file,
    bytes: () => bytes,
    assertComplete: () => undefined,
    explain: (err) => err,
    close: () => file.close(),
  };
}
