/**
 * Shapes of the export pipeline: the request, the job as it moves through its phases, progress events, hooks and
 * the options every entry point shares.
 */
import type { ResponseExportStartParams } from '../client/index.ts';
import type { PollPolicy } from './poll-plan.ts';

/** What to export: a survey and the options of `POST /surveys/{surveyId}/export-responses` (FACTS.md §5.1). */
export interface ExportRequest {
  /** Survey id (`SV_…`). */
  surveyId: string;
  /** Export options; validated by the client before anything is sent. */
  params: ResponseExportStartParams;
}

/** A started export job: persist `progressId` to resume polling after a restart. */
export interface ExportJob {
  surveyId: string;
  /** Progress id (`ES_…`). */
  progressId: string;
}

/** A completed job: its file is ready to download (for a week). */
export interface CompletedExportJob extends ExportJob {
  /** File id (`<uuid>-def`). */
  fileId: string;
  /** Token for the next incremental export, when continuation was asked for. */
  continuationToken?: string;
  /** Progress requests made while polling. */
  polls: number;
}

/**
 * One progress report. Byte counts are bytes. A csv/tsv zip read while it downloads (`exportRecords`) reports
 * `downloading` and `parsing` interleaved and no `verifying`: its check runs as the data is read.
 */
export type ExportProgressEvent =
  | { phase: 'starting'; surveyId: string }
  | { phase: 'polling'; surveyId: string; progressId: string; percentComplete: number; polls: number }
  | { phase: 'downloading'; surveyId: string; fileId: string; bytes: number; attempt: number }
  | { phase: 'verifying'; bytes: number }
  | { phase: 'unzipping'; bytes: number }
  | { phase: 'parsing'; rows: number }
  | { phase: 'done' };

/** Options every export entry point takes. */
export interface ExportRunOptions {
  /** Aborts every step (start, polling, download, unzip, parsing); temporary files are removed. */
  signal?: AbortSignal;
  /** Progress callback; called synchronously, keep it cheap. */
  onProgress?: (event: ExportProgressEvent) => void;
  /**
   * Called (and awaited) once the job exists and before the first poll, so the caller can persist the progress id
   * and resume later with `resume`. If it throws, the export stops with that error.
   */
  onStarted?: (job: ExportJob) => void | Promise<void>;
  /** Called (and awaited) when the job is complete, before the download: persist the continuation token here. */
  onCompleted?: (job: CompletedExportJob) => void | Promise<void>;
  /**
   * Resume a job started earlier instead of starting one (its `params` must describe the same export): polling
   * resumes at `progressId`; when `fileId` is given too, the job is known to be complete and polling is skipped
   * (neither hook runs then).
   */
  resume?: { progressId: string; fileId?: string; continuationToken?: string };
  /** Longest time to wait for the job to complete, from the first poll (ms). Default 1,800,000 (30 min). */
  timeoutMs?: number;
  /** How polling paces itself (see `PollPolicy`). */
  poll?: Partial<PollPolicy>;
  /** Downloads tried before giving up on a truncated or corrupt file. Default 3. */
  downloadAttempts?: number;
  /** Directory for temporary files of `exportRecords` (default the OS temp dir). */
  tempDir?: string;
  /** Millisecond clock for polling (default `Date.now`). */
  now?: () => number;
  /** Abortable sleep for polling (tests inject a fake). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}
