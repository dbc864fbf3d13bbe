import type { ExportOptions, SimResponse } from '../contract.ts';
import { CellRenderer } from './cells.ts';
import type { Column } from './column-types.ts';

/**
 * The xml export, shaped like a real Qualtrics XML export (a `<Responses>` root, one `<Response>` per response,
 * one element per column named by its ImportId — `startDate`, `_recordId`, `QID4_1` for a multi-answer breakout —
 * tab-indented, LF line ends, empty elements written as an open/close pair). Element names that are not valid XML
 * (loop-and-merge `1_QID4`, side-by-side `QID3#1_1`) get `_` for each invalid character and a leading `_` when
 * they start with a digit: our choice, as no real sample of those was found. Label columns
 * (includeLabelColumns) are not written: the xml export carries the values only.
 */

const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Escapes text content; CR becomes `&#13;` so that XML parsers do not normalise CRLF answers to LF. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML_CHARS, '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('\r', '&#13;');
}

/** The element name of a column: its ImportId (with `_<choiceId>` for breakout columns), made a valid XML name. */
export function elementName(col: Column): string {
  const id = String(col.importId.ImportId);
  const raw = col.importId.choiceId !== undefined ? `${id}_${col.importId.choiceId}` : id;
  const safe = raw.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(safe) ? safe : `_${safe}`;
}

export function* xmlPieces(columns: readonly Column[], responses: Iterable<SimResponse>, o: ExportOptions): Generator<string> {
  const cols = columns.filter((c) => c.importId.IsLabelsColumn !== true);
  const names = cols.map(elementName);
  const cells = new CellRenderer(o, false);
  yield '<?xml version="1.0" ?>\n<Responses>\n';
  for (const r of responses) {
    let s = '\t<Response>\n';
    for (let i = 0; i < cols.length; i++) {
      const col = cols[i]!;
      const name = names[i]!;
      s += `\t\t<${name}>${escapeXml(cells.render(col, col.get(r)))}</${name}>\n`;
    }
    yield s + '\t</Response>\n';
  }
  yield '</Responses>\n';
}
