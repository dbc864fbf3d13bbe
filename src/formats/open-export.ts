/**
 * The entry point of the export parsers: open a downloaded export (zip or plain file) of any format and read
 * its column map and typed records at constant memory.
 */

import { delimitedRecords, readDelimitedHeader } from './csv-records.ts';
import { ExportFileError } from './errors.ts';
import { jsonRecords, ndjsonRecords } from './json-records.ts';
import { readSavHeader, savRecords } from './sav-records.ts';
import { detectFormat } from './sniff.ts';
import { type ExportSource, openSource } from './source.ts';
import { isValidTimeZone, ZoneOffsets } from './time-zone.ts';
import type { TypingOptions } from './typing.ts';
import type { ColumnMap, ExportFormat, ExportRecord, OpenExportOptions } from './types.ts';

/** An opened export file. */
export interface ExportFile {
  /** The path as given. */
  path: string;
  /** Name of the data entry when the file is a zip (`Survey Name.csv`), else null. */
  entryName: string | null;
  format: ExportFormat;
  /**
   * The columns. Complete on open for csv/tsv/sav; for json/ndjson it starts empty and grows as records are read
   * (call {@link ExportFile.scanColumns} first to know them all). Empty for xml.
   */
  columns: ColumnMap;
  /**
   * The typed records, streamed from disk. Each call starts a new pass over the file. Throws
   * {@link ExportFileError} (naming the file) on malformed content, and for xml, which is a file-only format.
   */
  records(): AsyncIterable<ExportRecord>;
  /** Makes {@link ExportFile.columns} complete (one full pass for json/ndjson, free otherwise) and returns it. */
  scanColumns(): Promise<ColumnMap>;
  /** Stops every pass still running. Idempotent. */
  close(): Promise<void>;
}

function delimiterOf(format: ExportFormat): ',' | '\t' {
  return format === 'tsv' ? '\t' : ',';
}

async function readColumns(source: ExportSource, format: ExportFormat): Promise<ColumnMap> {
  switch (format) {
    case 'csv':
    case 'tsv':
      return readDelimitedHeader(source, delimiterOf(format));
    case 'sav':
      return readSavHeader(source);
    case 'json':
    case 'ndjson':
      return { dialect: format, headerRows: 0, columns: [] };
    default:
      return { dialect: 'none', headerRows: 0, columns: [] };
  }
}

/**
 * Opens an export download and reads its header (not its records).
 *
 * @param path a zip as served by `GET …/export-responses/{fileId}/file` (one data entry), or a plain export file.
 * @param options `format` (default: detected from the entry name and content), `timeZone` (default `UTC`; used
 *   for date columns whose ImportId row names no zone), `decimalComma` (default false), `keepRaw` (default false).
 * @throws {ExportFileError} one line naming the file: missing, empty, not a zip / truncated zip, several entries,
 *   undetectable format, broken ImportId header row, unknown time zone.
 */
export async function openExport(path: string, options: OpenExportOptions = {}): Promise<ExportFile> {
  const timeZone = options.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new ExportFileError(path, `unknown time zone "${timeZone}" in options`);
  const { source, head } = await openSource(path);
  return openExportSource(source, head, options);
}

/**
 * Opens an export from a source already at hand, such as `onePassSource` over an entry inflated while it
 * downloads, and reads its header (not its records). Like {@link openExport}, with `head` (the first bytes, for
 * format detection) optional when `options.format` is given.
 *
 * @throws {ExportFileError} one line naming the source: undetectable format, broken header, unknown time zone.
 */
export async function openExportSource(source: ExportSource, head: Buffer | null, options: OpenExportOptions = {}): Promise<ExportFile> {
  const timeZone = options.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new ExportFileError(source.label, `unknown time zone "${timeZone}" in options`);
  const path = source.path;
  const format = options.format ?? (head ? detectFormat(source.entryName ?? source.path, head) : null);
  if (!format) throw new ExportFileError(source.label, 'is not a known export format (binary content)');
  const columns = await readColumns(source, format);
  const typing: TypingOptions = { timeZone, decimalComma: options.decimalComma ?? false, offsets: new ZoneOffsets() };
  const running = new Set<AsyncGenerator<ExportRecord>>();
  let closed = false;

  const start = (): AsyncGenerator<ExportRecord> => {
    if (closed) throw new ExportFileError(source.label, 'export file is closed');
    switch (format) {
      case 'csv':
      case 'tsv':
        return delimitedRecords(source, delimiterOf(format), columns, typing, options.keepRaw ?? false);
      case 'json':
        return jsonRecords(source, columns, typing);
      case 'ndjson':
        return ndjsonRecords(source, columns, typing);
      case 'sav':
        return savRecords(source, columns, typing);
      default:
        throw new ExportFileError(source.label, `${format} exports are file-only: their records are not parsed`);
    }
  };

  const file: ExportFile = {
    path,
    entryName: source.entryName,
    format,
    columns,
    records() {
      return {
        [Symbol.asyncIterator]: () => {
          const pass = start();
          running.add(pass);
          return {
            next: async () => {
              try {
                const step = await pass.next();
                if (step.done) running.delete(pass);
                return step;
              } catch (err) {
                running.delete(pass);
                throw err;
              }
            },
            return: async () => {
              running.delete(pass);
              return pass.return(undefined);
            },
          };
        },
      };
    },
    async scanColumns() {
      if (format === 'json' || format === 'ndjson') {
        for await (const _ of file.records()) {
          // Reading the records adds every key to the column map.
        }
      }
      return columns;
    },
    async close() {
      closed = true;
      await Promise.all([...running].map((pass) => pass.return(undefined)));
      running.clear();
    },
  };
  return file;
}
