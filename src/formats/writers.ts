/**
 * Record writers for `qsync convert`: typed records → NDJSON objects keyed by column name, or CSV with a single
 * header row (RFC 4180). Streamed with backpressure.
 */

import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExportFile } from './open-export.ts';
import type { ColumnInfo, ExportRecord, TypedValue } from './types.ts';

/** Output formats of {@link writeRecords}. */
export type OutputFormat = 'ndjson' | 'csv';

/**
 * A record as a plain object keyed by {@link ColumnInfo.name} (the export tag, de-duplicated: `Q1`, `Q1_2`…), in
 * column order, with typed values. Keys of the record that the column list does not know keep their key.
 */
export function recordToNamedObject(record: ExportRecord, columns: readonly ColumnInfo[]): Record<string, TypedValue> {
  const out: Record<string, TypedValue> = {};
  const seen = new Set<string>();
  for (const column of columns) {
    if (!(column.key in record.values)) continue;
    out[column.name] = record.values[column.key] ?? null;
    seen.add(column.key);
  }
  for (const [key, value] of Object.entries(record.values)) {
    if (!seen.has(key) && !(key in out)) out[key] = value;
  }
  return out;
}

/** A typed value as CSV text: null → empty, booleans → `true`/`false`, arrays and objects → JSON. */
export function valueToText(value: TypedValue): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** One CSV field, quoted (RFC 4180) when it holds a comma, quote, CR or LF, or starts or ends with a space. */
export function csvField(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (fields joined by commas, CRLF-terminated as RFC 4180 says). */
export function csvLine(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

/** The single header line of converted CSV: the column names. */
export function csvHeaderLine(columns: readonly ColumnInfo[]): string {
  return csvLine(columns.map((c) => c.name));
}

/** One record as a CSV line in the order of `columns`. */
export function recordToCsvLine(record: ExportRecord, columns: readonly ColumnInfo[]): string {
  return csvLine(columns.map((c) => valueToText(record.values[c.key] ?? null)));
}

/** One record as an NDJSON line (`{…}\n`). */
export function recordToNdjsonLine(record: ExportRecord, columns: readonly ColumnInfo[]): string {
  return `${JSON.stringify(recordToNamedObject(record, columns))}\n`;
}

/** Flush threshold of the output buffer, in characters. */
const BATCH_CHARS = 64 * 1024;

/**
 * Writes every record of `file` to `out` as NDJSON or CSV, waiting for `drain` when `out` is full, and returns the
 * number of records written. CSV needs its header first: for json/ndjson inputs the columns are scanned in a
 * first pass. Does not end `out`.
 */
export async function writeRecords(
  file: ExportFile,
  out: Writable,
  format: OutputFormat,
  signal?: AbortSignal,
): Promise<{ records: number }> {
  const columns = format === 'csv' ? (await file.scanColumns()).columns : file.columns.columns;
  let buffer = format === 'csv' ? csvHeaderLine(columns) : '';
  let records = 0;
  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    const ok = out.write(buffer);
    buffer = '';
    if (!ok) await once(out, 'drain', { signal });
  };
  for await (const record of file.records()) {
    signal?.throwIfAborted();
    // json/ndjson columns grow while reading; NDJSON just names each key as it comes.
    buffer += format === 'csv' ? recordToCsvLine(record, columns) : recordToNdjsonLine(record, file.columns.columns);
    records++;
    if (buffer.length >= BATCH_CHARS) await flush();
  }
  await flush();
  return { records };
}
