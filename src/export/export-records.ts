import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { APIUserAbortError, InvalidParameterError, type QualtricsClient } from '../client/index.ts';
import { type ColumnMap, type ExportFile, type ExportFormat, type ExportRecord, openExport } from '../formats/index.ts';
import { downloadExportFile } from './download.ts';
import { fileFormatOf, runExportJob } from './run-job.ts';
import { makeExportDir } from './temp-dirs.ts';
import type { CompletedExportJob, ExportRequest, ExportRunOptions } from './types.ts';

/** How often (rows) `parsing` progress is reported. */
const ROWS_PER_REPORT = 1000;

/** A downloaded, verified export, open for reading. */
export interface ExportRecords {
  job: CompletedExportJob;
  /** Parser format (`sav` for spss). */
  format: ExportFormat;
  /** Size of the downloaded file (bytes). */
  bytes: number;
  /** Columns: complete for csv/tsv/sav; for json/ndjson they grow as records are read. */
  columns: ColumnMap;
  /**
   * The typed records, streamed from the temporary file at constant memory. One pass only: when it ends (or the
   * loop breaks or throws) the temporary files are removed.
   */
  records(): AsyncIterable<ExportRecord>;
  /** Removes the temporary files without reading (or after a partial read). Idempotent. */
  close(): Promise<void>;
}

/**
 * Runs a whole export and opens it for reading: start (or resume), poll, download with verification and
 * re-download into a private temporary directory, then parse. The caller must read `records()` to the end or call
 * `close()`: either removes the temporary files. Formats: csv, tsv, json, ndjson, spss (xml is file-only:
 * use `exportToFile`).
 */
export async function exportRecords(client: QualtricsClient, request: ExportRequest, options: ExportRunOptions = {}): Promise<ExportRecords> {
  const { params } = request;
  if (params.format === 'xml') {
    throw new InvalidParameterError('format', 'xml exports are file-only: their records are not parsed; use exportToFile (qsync export --format xml)');
  }
  const dir = await makeExportDir(options.tempDir);
  let file: ExportFile | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await file?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const job = await runExportJob(client, request, options);
    const download = await downloadExportFile(client, job, join(dir, 'download.part'), options);
    file = await openExport(download.path, {
      format: fileFormatOf(params.format),
      timeZone: params.timeZone ?? 'UTC',
      decimalComma: params.formatDecimalAsComma ?? false,
    });
    const opened = file;
    return {
      job,
      format: opened.format,
      bytes: download.bytes,
      columns: opened.columns,
      records: () => readAll(opened, options, close),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function* readAll(file: ExportFile, options: ExportRunOptions, close: () => Promise<void>): AsyncGenerator<ExportRecord> {
  let rows = 0;
  try {
    for await (const record of file.records()) {
      if (options.signal?.aborted) throw new APIUserAbortError('reading the export aborted by the caller; temporary files were removed');
      rows++;
      if (rows % ROWS_PER_REPORT === 0) options.onProgress?.({ phase: 'parsing', rows });
      yield record;
    }
    options.onProgress?.({ phase: 'parsing', rows });
    options.onProgress?.({ phase: 'done' });
  } finally {
    await close();
  }
}
