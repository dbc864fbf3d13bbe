/**
 * The engine's view of an export: start one (or resume one left pending), hear about it before polling and on
 * completion, then stream its records once. `pipelineExportSource` adapts the export pipeline (src/export); tests
 * may pass another implementation.
 */
import type { QualtricsClient, ResponseExportStartParams } from '../client/index.ts';
import { type ExportProgressEvent, exportRecords } from '../export/index.ts';
import type { ColumnMap, ExportRecord } from '../formats/index.ts';

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

/**
 * The export pipeline of src/export over `client` (one rate budget for everything). A job known to be complete
 * (its file id was stored) is downloaded again without polling. A csv/tsv zip is read while it downloads: its
 * records pass ends only once the file is complete and verified, and throws otherwise (see `exportRecords`).
 */
export function pipelineExportSource(client: QualtricsClient): ExportSource {
  return {
    async open(surveyId, params, hooks = {}) {
      const { resume } = hooks;
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
          ...(resume ? { resume: resumeOf(resume) } : {}),
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

/** The pipeline's resume point: with a file id, the job is complete and neither hook runs (as before a restart). */
function resumeOf(resume: ResumePoint): { progressId: string; fileId?: string; continuationToken?: string } {
  return {
    progressId: resume.progressId,
    ...(resume.fileId ? { fileId: resume.fileId } : {}),
    ...(resume.fileId && resume.continuationToken ? { continuationToken: resume.continuationToken } : {}),
  };
}
