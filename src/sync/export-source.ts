/**
 * The engine's view of an export: start one (or resume one left pending), hear about it before polling and on
 * completion, then stream its records once. `pipelineExportSource` adapts the export pipeline (src/export); tests
 * may pass another implementation.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { QualtricsClient, ResponseExportStartParams } from '../client/index.ts';
import { downloadExportFile, type ExportProgressEvent, exportRecords, fileFormatOf, makeExportDir } from '../export/index.ts';
import { type ColumnMap, type ExportRecord, openExport } from '../formats/index.ts';

/** A job to resume: its progress id and, once it completed, its file id and token. */
export interface ResumePoint {
  progressId: string;
  fileId?: string | null;
  continuationToken?: string | null;
}

/** Callbacks and controls of one export. */
export interface ExportHooks {
  /** Resume this job instead of starting one. */
  resume?: ResumePoint;
  /** Awaited before the first poll: persist the progress id. */
  onStarted?: (progressId: string) => Promise<void>;
  /** Awaited when the job is complete, before the download: persist the file id. */
  onCompleted?: (done: { progressId: string; fileId: string; continuationToken: string | null }) => Promise<void>;
  onProgress?: (event: { phase: 'exporting' | 'downloading'; percent?: number; bytes?: number }) => void;
  signal?: AbortSignal;
  /** Directory for the download (default the OS temp directory). */
  tmpDir?: string;
}

/** An export ready to read. */
export interface OpenedExport {
  progressId: string;
  fileId: string;
  /** Token for the next incremental export; null when continuation was not asked for. */
  continuationToken: string | null;
  /** Columns (complete for csv). */
  columns: ColumnMap;
  /** One pass over the records; temporary files are removed when it ends, breaks or throws. */
  records(): AsyncIterable<ExportRecord>;
  /** Removes the temporary files without (or after partly) reading. Idempotent. */
  close(): Promise<void>;
}

/** Where exports come from. */
export interface ExportSource {
  open(surveyId: string, params: ResponseExportStartParams, hooks?: ExportHooks): Promise<OpenedExport>;
}

/** The export pipeline of src/export over `client` (one rate budget for everything). */
export function pipelineExportSource(client: QualtricsClient): ExportSource {
  return {
    async open(surveyId, params, hooks = {}) {
      const { resume } = hooks;
      if (resume?.fileId) return openKnownFile(client, surveyId, params, { ...resume, fileId: resume.fileId }, hooks);
      const onProgress = (event: ExportProgressEvent) => {
        if (event.phase === 'polling') hooks.onProgress?.({ phase: 'exporting', percent: event.percentComplete });
        else if (event.phase === 'downloading') hooks.onProgress?.({ phase: 'downloading', bytes: event.bytes });
      };
      const opened = await exportRecords(
        client,
        { surveyId, params },
        {
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          ...(hooks.tmpDir ? { tempDir: hooks.tmpDir } : {}),
          ...(resume ? { resume: { progressId: resume.progressId } } : {}),
          onProgress,
          onStarted: async (job) => hooks.onStarted?.(job.progressId),
          onCompleted: async (job) =>
            hooks.onCompleted?.({ progressId: job.progressId, fileId: job.fileId, continuationToken: job.continuationToken ?? null }),
        },
      );
      return {
        progressId: opened.job.progressId,
        fileId: opened.job.fileId,
        continuationToken: opened.job.continuationToken ?? null,
        columns: opened.columns,
        records: () => opened.records(),
        close: () => opened.close(),
      };
    },
  };
}

/** A job known to be complete (its file id was stored): download its file again without polling. */
async function openKnownFile(
  client: QualtricsClient,
  surveyId: string,
  params: ResponseExportStartParams,
  resume: ResumePoint & { fileId: string },
  hooks: ExportHooks,
): Promise<OpenedExport> {
  const dir = await makeExportDir(hooks.tmpDir);
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    const job = { surveyId, progressId: resume.progressId, fileId: resume.fileId, polls: 0 };
    const download = await downloadExportFile(client, job, join(dir, 'download.part'), {
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      onProgress: (event) => {
        if (event.phase === 'downloading') hooks.onProgress?.({ phase: 'downloading', bytes: event.bytes });
      },
    });
    const file = await openExport(download.path, { format: fileFormatOf(params.format), timeZone: params.timeZone ?? 'UTC' });
    async function* records(): AsyncGenerator<ExportRecord> {
      try {
        yield* file.records();
      } finally {
        await file.close().catch(() => undefined);
        await close();
      }
    }
    return {
      progressId: resume.progressId,
      fileId: resume.fileId,
      continuationToken: resume.continuationToken ?? null,
      columns: file.columns,
      records,
      close: async () => {
        await file.close().catch(() => undefined);
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
