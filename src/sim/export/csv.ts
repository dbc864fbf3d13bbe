import type { ExportOptions, SimResponse } from '../contract.ts';
import { CellRenderer } from './cells.ts';
import type { Column } from './column-types.ts';

/**
 * The csv and tsv writers. Both write three header rows (export tags, labels, ImportId JSON), CRLF between records
 * and RFC 4180 quoting; line breaks inside an answer stay as they are (bare LF or CRLF, inside quotes) unless
 * newlineReplacement says otherwise. The tsv export is UTF-16LE and, like the real `raven.tsv`, every record starts
 * with a byte-order mark; the caller encodes.
 */

export interface Dialect {
  separator: ',' | '\t';
  /** Text put before every record (the tsv's BOM). */
  recordPrefix: string;
}

export const CSV_DIALECT: Dialect = { separator: ',', recordPrefix: '' };
export const TSV_DIALECT: Dialect = { separator: '\t', recordPrefix: '\uFEFF' };

/** Quotes a field when it holds the separator, a quote, a line break, or leading/trailing white space. */
export function quoter(separator: string): (field: string) => string {
  const needs = separator === ',' ? /[",\r\n]|^\s|\s$/ : /["\t\r\n]|^\s|\s$/;
  return (field) => (needs.test(field) ? '"' + field.replaceAll('"', '""') + '"' : field);
}

/** The file as a sequence of text pieces (one per record), generated row by row. */
export function* delimitedPieces(
  columns: readonly Column[],
  responses: Iterable<SimResponse>,
  o: ExportOptions,
  dialect: Dialect,
): Generator<string> {
  const quote = quoter(dialect.separator);
  const sep = dialect.separator;
  const prefix = dialect.recordPrefix;
  const record = (fields: string[]) => prefix + fields.map(quote).join(sep) + '\r\n';
  yield record(columns.map((c) => c.header));
  yield record(columns.map((c) => c.label));
  yield record(columns.map((c) => JSON.stringify(c.importId)));
  const renderer = new CellRenderer(o, true);
  const cells = columns.map((col, i) => renderer.cellText(col, quote, i === 0 ? '' : sep));
  for (const r of responses) {
    let line = prefix;
    for (const cell of cells) line += cell(r);
    yield line + '\r\n';
  }
}
