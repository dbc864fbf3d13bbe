/**
 * Export format detection from a file (or zip entry) name and its first bytes. Pure.
 */

import type { ExportFormat } from './types.ts';

const EXTENSIONS: Readonly<Record<string, ExportFormat>> = {
  csv: 'csv',
  tsv: 'tsv',
  json: 'json',
  ndjson: 'ndjson',
  jsonl: 'ndjson',
  sav: 'sav',
  spss: 'sav',
  xml: 'xml',
};

/** Format named by the extension of `name` (`Survey.csv` → csv, `x.spss` → sav), else null. */
export function formatFromName(name: string): ExportFormat | null {
  const m = /\.([A-Za-z0-9]+)$/.exec(name);
  return m ? (EXTENSIONS[m[1]!.toLowerCase()] ?? null) : null;
}

/**
 * Detects the format of an export from its first bytes (a few KB) and, when the content does not decide, its
 * name. Content signatures win: UTF-16 BOM → tsv (Qualtrics writes TSV as UTF-16), `$FL2`/`$FL3` → sav,
 * `<` → xml, `{"responses"` → json, a first line that is a whole `{…}` object → ndjson. Then the extension; then
 * tabs vs commas in the first line. Returns null for an empty head or binary content that is not SPSS.
 */
export function detectFormat(name: string | null, head: Uint8Array): ExportFormat | null {
  if (head.length === 0) return null;
  const byName = name ? formatFromName(name) : null;
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) {
    return byName === 'csv' ? 'csv' : 'tsv';
  }
  const ascii = Buffer.from(head.subarray(0, 4)).toString('latin1');
  if (ascii === '$FL2' || ascii === '$FL3') return 'sav';
  // NUL bytes without a UTF-16 BOM: binary content that no text export holds.
  if (head.subarray(0, 4096).includes(0)) return null;
  const text = Buffer.from(head).toString('utf8').replace(/^\uFEFF/, '');
  const start = text.trimStart();
  if (start.startsWith('<')) return 'xml';
  if (start.startsWith('{')) {
    if (/^\{\s*"responses"\s*:/.test(start)) return 'json';
    const newline = start.indexOf('\n');
    if (newline >= 0) return start.slice(0, newline).trimEnd().endsWith('}') ? 'ndjson' : 'json';
    return byName === 'ndjson' ? 'ndjson' : 'json';
  }
  if (byName) return byName;
  const firstLine = text.slice(0, text.indexOf('\n') >= 0 ? text.indexOf('\n') : undefined);
  const tabs = firstLine.split('\t').length;
  const commas = firstLine.split(',').length;
  return tabs > commas ? 'tsv' : 'csv';
}
