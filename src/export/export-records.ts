import { rm } from 'node:fs/promises';
import { APIUserAbortError, InvalidParameterError, type QualtricsClient } from '../client/index.ts';
import type { ColumnMap, ExportFormat, ExportRecord } from '../formats/index.ts';
import { type OpenedDownload, openDownload } from './open-download.ts';
import { fileFormatOf, runExportJob } from './run-job.ts';
import { makeExportDir } from './temp-dirs.ts';
import type { CompletedExportJob, ExportRequest, ExportRunOptions } from './types.ts';

/** How often (rows) `parsing` progress is reported. */
const ROWS_PER_REPORT = 1000;

/** An export open for reading: downloaded and verified, or (csv/tsv) still downloading and verified as it is read. */
export interface ExportRecords {
  job: CompletedExportJob;
  /** Parser format (`sav` for spss). */
  format: ExportFormat;
  /** Bytes of the file downloaded so far: its size once downloaded (at the latest when `records()` has ended). */
  readonly bytes: number;
  /** Columns: complete for csv/tsv/sav; for json/ndjson they grow as records are read. */
  columns: ColumnMap;
  /**
   * The typed records, streamed from the temporary file at constant memory. One pass only: when it ends (or the
   * loop breaks or throws) the temporary files are removed. A csv/tsv zip is read while it downloads: the pass
   * ends normally only once the download is complete and verified; a download that fails or turns out corrupt makes
   * it throw (`ExportDownloadError`, `ExportFailedError`, `APIUserAbortError`), after some records were handed on.
   */
  records(): AsyncIterable<ExportRecord>;
  /** Removes the temporary files without reading (or after a partial read). Idempotent. */
  close(): Promise<void>;
}

/**
 * Runs a whole export and opens it for reading: start (or resume), poll, download into a private temporary
 * directory, then parse. csv/tsv zips are parsed while they download (see `openDownload`): the header is read
 * before this resolves, the records as the file arrives. Other formats are downloaded and verified (downloaded
 * again when truncated or corrupt) first. The caller must read `records()` to the end or call `close()`: either
 * stops the download and removes the temporary files. Formats: csv, tsv, json, ndjson, spss (xml is file-only:
 * use `exportToFile`).
 */
export async function exportRecords(client: QualtricsClient, request: ExportRequest, options: ExportRunOptions = {}): Promise<ExportRecords> {
  const { params } = request;
  if (params.format === 'xml') {
    throw new InvalidParameterError('format', 'xml exports are file-only: their records are not parsed; use exportToFile (qsync export --format xml)');
  }
  const dir = await makeExportDir(options.tempDir);
  let opened: OpenedDownload | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await opened?.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const job = await runExportJob(client, request, options);
    opened = await openDownload(
      client,
      job,
      dir,
      { format: fileFormatOf(params.format), timeZone: params.timeZone ?? 'UTC', decimalComma: params.formatDecimalAsComma ?? false },
      options,
    );
    const reading = opened;
    return {
      job,
      format: reading.file.format,
      get bytes() {
        return reading.bytes();
      },
      columns: reading.file.columns,
      records: () => readAll(reading, options, close),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

async function* readAll(opened: OpenedDownload, options: ExportRunOptions, close: () => Promise<void>): AsyncGenerator<ExportRecord> {
  let rows = 0;
  try {
    for await (const record of opened.file.records()) {
      if (options.signal?.aborted) throw new APIUserAbortError('reading the export aborted by the caller; temporary files were removed');
      rows++;
      if (rows % ROWS_PER_REPORT === 0) options.onProgress?.({ phase: 'parsing', rows });
      yield record;
    }
    opened.assertComplete();
    options.onProgress?.({ phase: 'parsing', rows });
    options.onProgress?.({ phase: 'done' });
  } catch (err) {
    throw opened.explain(err);
  } finally {
    await close();
  }
}
