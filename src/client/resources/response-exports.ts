import type { Writable } from 'node:stream';
import { type DownloadResult, writeDownload } from '../internal/download.ts';
import { assertPathSegment, assertSurveyId } from '../internal/ids.ts';
import { APIResource, type RequestOptions, withOptions } from '../internal/resource.ts';
import { buildExportBody, type ResponseExportStartParams } from './response-export-params.ts';

export type { DownloadResult } from '../internal/download.ts';

/** Status of an export job. `percentComplete` is cosmetic: download only after "complete". */
export type ExportStatus = 'inProgress' | 'complete' | 'failed';

/** Result of `POST /surveys/{surveyId}/export-responses` (FACTS.md §5.1). */
export interface ResponseExportStartResult {
  /** Id to poll with `progress` (e.g. "ES_0d2n60qVHB9jSLz"). Store it to resume polling after a restart. */
  progressId: string;
  percentComplete: number;
  status: ExportStatus;
  continuationToken?: string;
}

/** Result of `GET /surveys/{surveyId}/export-responses/{progressId}` (FACTS.md §5.2). */
export interface ResponseExportProgress {
  percentComplete: number;
  status: ExportStatus;
  /** File id (`<uuid>-def`) once complete; null or absent before, and on failure. */
  fileId?: string | null;
  /** Token for the next incremental export, when `allowContinuation` (or a token) was sent. */
  continuationToken?: string;
}

/** Options of `responseExports.download`. */
export interface ResponseExportDownloadOptions {
  /**
   * Where the file goes: a path (written via a temporary `.part` file, renamed when complete) or a Writable (ended
   * on success, destroyed on failure).
   */
  to: string | Writable;
  signal?: AbortSignal;
  /** Longest wait for the first byte and between chunks (ms); default the client's `timeoutMs`. */
  idleTimeoutMs?: number;
}

/** Response exports: start a job, poll it, stream its file (FACTS.md §5). */
export class ResponseExports extends APIResource {
  /**
   * `POST /surveys/{surveyId}/export-responses`. Parameters are validated locally first (`InvalidParameterError`).
   * Not idempotent: retried only when the request provably never reached Qualtrics (or was throttled with 429);
   * after an ambiguous failure look for the job before starting another.
   */
  async start(surveyId: string, params: ResponseExportStartParams, opts: RequestOptions = {}): Promise<ResponseExportStartResult> {
    assertSurveyId(surveyId);
    const body = buildExportBody(params);
    return this.result<ResponseExportStartResult>({ method: 'POST', path: `/surveys/${surveyId}/export-responses`, body }, opts);
  }

  /** `GET /surveys/{surveyId}/export-responses/{progressId}`. */
  async progress(surveyId: string, progressId: string, opts: RequestOptions = {}): Promise<ResponseExportProgress> {
    assertSurveyId(surveyId);
    assertPathSegment(progressId, 'progressId');
    return this.result<ResponseExportProgress>({ method: 'GET', path: `/surveys/${surveyId}/export-responses/${progressId}` }, opts);
  }

  /**
   * `GET /surveys/{surveyId}/export-responses/{fileId}/file`, streamed to `to` without holding it in memory.
   * Verifies `Content-Length` when present: a short body throws `IncompleteDownloadError`, a stall
   * `APIConnectionTimeoutError`; both can be retried by calling `download` again.
   */
  async download(surveyId: string, fileId: string, options: ResponseExportDownloadOptions): Promise<DownloadResult> {
    assertSurveyId(surveyId);
    assertPathSegment(fileId, 'fileId');
    const idleTimeoutMs = options.idleTimeoutMs ?? this.ctx.timeoutMs;
    const handle = await this.ctx.pipeline.stream(
      withOptions(
        { method: 'GET', path: `/surveys/${surveyId}/export-responses/${fileId}/file` },
        { ...(options.signal ? { signal: options.signal } : {}), timeoutMs: idleTimeoutMs },
      ),
    );
    const result = await writeDownload(handle, options.to, { idleTimeoutMs, signal: options.signal });
    this.ctx.logger.info({ path: handle.template, bytes: result.bytes, contentType: result.contentType }, 'export file downloaded');
    return result;
  }
}
