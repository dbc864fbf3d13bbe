import { stat, rename, unlink } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { InvalidParameterError, type QualtricsClient } from '../client/index.ts';
import { safeFileName } from '../formats/index.ts';
import { downloadExportFile } from './download.ts';
import { extensionOf, runExportJob } from './run-job.ts';
import type { ExportRequest, ExportRunOptions } from './types.ts';
import { extractExport, partPathFor } from './unzip.ts';

/** Options of `exportToFile`. */
export interface ExportToFileOptions extends ExportRunOptions {
  /**
   * A directory (the file is named after the survey: `safeFileName(name).<ext>`) or a file path (its directory must
   * exist; an existing file is replaced atomically). Default: the current directory.
   */
  out?: string;
  /** Keep the zip as downloaded (`.zip`) instead of unzipping it. Default false. */
  keepZip?: boolean;
  /** Base name to use in a directory instead of the survey name (passed through `safeFileName` too). */
  name?: string;
}

/** What `exportToFile` wrote. */
export interface ExportFileResult {
  surveyId: string;
  format: ExportRequest['params']['format'];
  /** Absolute path of the file written. */
  path: string;
  /** Its size (bytes). */
  bytes: number;
  /** True when the file is the zip as downloaded. */
  zipped: boolean;
  /** Number of responses, when known without parsing (ndjson). */
  rows?: number;
  progressId: string;
  fileId: string;
  continuationToken?: string;
  /** Progress requests made. */
  polls: number;
  /** Downloads it took (more than 1 after a truncated or corrupt file). */
  downloadAttempts: number;
  /** Wall time from start to the file in place (ms). */
  durationMs: number;
}

/** Where the file goes: a directory, and a file path when `out` names one. */
async function resolveOut(out: string): Promise<{ dir: string; file?: string }> {
  const path = resolve(out);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return { dir: path };
  if (out.endsWith('/') || out.endsWith(sep)) throw new InvalidParameterError('out', `output directory ${out} does not exist`);
  const parent = resolve(path, '..');
  const parentInfo = await stat(parent).catch(() => undefined);
  if (!parentInfo?.isDirectory()) throw new InvalidParameterError('out', `cannot write ${out}: directory ${parent} does not exist`);
  return { dir: parent, file: path };
}

/**
 * Runs a whole export into a file: start (or resume), poll, download with verification and re-download, then
 * unzip (unless `keepZip`) into place atomically. Constant memory; every temporary file lives beside the target as
 * a hidden `.part` file and is removed on success, failure and abort. The output location is checked before the
 * export starts.
 */
export async function exportToFile(client: QualtricsClient, request: ExportRequest, options: ExportToFileOptions = {}): Promise<ExportFileResult> {
  const began = Date.now();
  const target = await resolveOut(options.out ?? '.');
  const job = await runExportJob(client, request, options);
  const download = partPathFor(join(target.dir, 'qsync-download'));
  try {
    const file = await downloadExportFile(client, job, download, options);
    const ext = file.zipped && options.keepZip ? 'zip' : extensionOf(request.params.format);
    let path = target.file;
    if (!path) {
      const base = options.name ?? (file.entryName ? file.entryName.replace(/\.[^.]*$/, '') : (await client.surveys.get(request.surveyId, signalOf(options))).name);
      path = join(target.dir, `${safeFileName(base, { fallback: request.surveyId })}.${ext}`);
    }
    let bytes = file.bytes;
    let rows: number | undefined;
    if (file.zipped && !options.keepZip) {
      const extracted = await extractExport(download, path, options);
      bytes = extracted.bytes;
      if (request.params.format === 'ndjson') rows = extracted.newlines;
    } else {
      await rename(download, path);
    }
    options.onProgress?.({ phase: 'done' });
    const result: ExportFileResult = {
      surveyId: request.surveyId,
      format: request.params.format,
      path,
      bytes,
      zipped: file.zipped && options.keepZip === true,
      progressId: job.progressId,
      fileId: job.fileId,
      polls: job.polls,
      downloadAttempts: file.attempts,
      durationMs: Date.now() - began,
    };
    if (rows !== undefined) result.rows = rows;
    if (job.continuationToken) result.continuationToken = job.continuationToken;
    return result;
  } finally {
    await unlink(download).catch(() => undefined);
  }
}

function signalOf(options: ExportRunOptions): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
