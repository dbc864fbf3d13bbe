import type { ExportOptions, SimResponse } from '../contract.ts';
import { CellRenderer } from './cells.ts';
import type { Column } from './column-types.ts';
import { ChunkWriter, utf8AsLatin1 } from './encode.ts';

/**
 * The csv and tsv writers. Both write three header rows (export tags, labels, ImportId JSON), CRLF between records
 * and RFC 4180 quoting; line breaks inside an answer stay as they are (bare LF or CRLF, inside quotes) unless
 * newlineReplacement says otherwise. The tsv export is UTF-16LE and, like the real `raven.tsv`, every record starts
 * with a byte-order mark.
 */

export interface Dialect {
  separator: ',' | '\t';
  /** Text put before every record (the tsv's BOM). */
  recordPrefix: string;
  encoding: 'utf8' | 'utf16le';
}

export const CSV_DIALECT: Dialect = { separator: ',', recordPrefix: '', encoding: 'utf8' };
export const TSV_DIALECT: Dialect = { separator: '\t', recordPrefix: '\uFEFF', encoding: 'utf16le' };

/** Quotes a field when it holds the separator, a quote, a line break, or leading/trailing white space. */
export function quoter(separator: string): (field: string) => string {
  const needs = separator === ',' ? /[",\r\n]|^\s|\s$/ : /["\t\r\n]|^\s|\s$/;
  return (field) => (needs.test(field) ? '"' + field.replaceAll('"', '""') + '"' : field);
}

/** The file's bytes in chunks of `CHUNK_BYTES`, generated record by record. */
export function* delimitedChunks(
  columns: readonly Column[],
  responses: Iterable<SimResponse>,
  o: ExportOptions,
  dialect: Dialect,
): Generator<Buffer> {
  // UTF-8 records are put together from texts already in UTF-8 (as one byte per character; each distinct cell
  // text is converted once, as the cells keep their texts): see `utf8AsLatin1`.
  const bytes = dialect.encoding === 'utf8';
  const out = new ChunkWriter(bytes ? 'latin1' : dialect.encoding);
  const quoteText = quoter(dialect.separator);
  const quote = bytes ? (field: string) => utf8AsLatin1(quoteText(field)) : quoteText;
  const sep = dialect.separator;
  const prefix = dialect.recordPrefix;
  const record = (fields: string[]) => out.write(prefix + fields.map(quote).join(sep) + '\r\n');
  record(columns.map((c) => c.header));
  record(columns.map((c) => c.label));
  record(columns.map((c) => JSON.stringify(c.importId)));
  const renderer = new CellRenderer(o, true);
  const cells = columns.map((col, i) => renderer.cellText(col, quote, i === 0 ? '' : sep));
  for (const r of responses) {
    let line = prefix;
    for (const cell of cells) line += cell(r);
    out.write(line + '\r\n');
    if (out.ready) yield* out.take();
  }
  out.flush();
  yield* out.take();
}
