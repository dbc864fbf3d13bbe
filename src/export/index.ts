/**
 * The streaming export pipeline: start an export (or resume polling one), poll adaptively, download with
 * verification and re-download, unzip, and hand back a file or typed records at constant memory.
 */
export { DEFAULT_DOWNLOAD_ATTEMPTS, downloadExportFile, type VerifiedDownload } from './download.ts';
export { ExportDownloadError, ExportStartUnknownError, ExportTimeoutError } from './errors.ts';
export { type ExportRecords, exportRecords } from './export-records.ts';
export { type ExportFileResult, type ExportToFileOptions, exportToFile } from './export-to-file.ts';
export { DEFAULT_EXPORT_TIMEOUT_MS, type PollExportOptions, pollExport } from './poll.ts';
export {
  DEFAULT_POLL_POLICY,
  earliestCompletionMs,
  INITIAL_POLL_STATE,
  nextPollDelay,
  type PollPolicy,
  type PollState,
  type ProgressSample,
  recordSample,
} from './poll-plan.ts';
export { extensionOf, fileFormatOf, runExportJob } from './run-job.ts';
export { startExportJob } from './start.ts';
export { makeExportDir, sweepExportDirs } from './temp-dirs.ts';
export type { CompletedExportJob, ExportJob, ExportProgressEvent, ExportRequest, ExportRunOptions } from './types.ts';
export { type ExtractedFile, extractExport } from './unzip.ts';
