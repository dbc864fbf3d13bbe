/**
 * Which CSV/TSV dialect a file is, from its first rows, and the reading of its ImportId header row.
 */

import type { Dialect } from './types.ts';

/** The third header row of current and Insights exports, one object per column. */
export interface ImportIdCell {
  ImportId: string;
  choiceId?: string;
  timeZone?: string;
  IsLabelsColumn?: boolean;
  [other: string]: unknown;
}

/** Most header rows any dialect needs before the first data row. */
export const MAX_HEADER_ROWS = 3;

const IMPORT_ID_TAGS = new Set(['startDate', 'endDate', 'recordedDate', '_recordId', 'responseId', 'status']);
const QUESTION_IMPORT_ID = /^(?:\d+_)?QID\d+(?:[_#-]|$)/;
const RESPONSE_ID = /^(?:R|FS)_[A-Za-z0-9]+$/;

function firstCell(row: readonly string[] | undefined): string {
  return (row?.[0] ?? '').trim();
}

/**
 * The dialect of a CSV/TSV export from its first (up to three) rows; see {@link Dialect}. `rows` holds fewer
 * than three rows only when the file does.
 */
export function detectDialect(rows: readonly (readonly string[])[]): Dialect {
  const [row1, row2, row3] = rows;
  const third = firstCell(row3);
  if (third.startsWith('{"ImportId"') || third.startsWith('{ "ImportId"')) return 'current';
  if (/^\{\s*'ImportId'/.test(third)) return 'insights';
  // Same JSON row with its keys in another order (`{"choiceId":"1","ImportId":"QID3"}`).
  if (third.startsWith('{') && row3?.every((c) => c.trim().startsWith('{') && c.includes('"ImportId"'))) return 'current';
  if (!row1) return 'single-header';
  if (row1[0] === 'V1' && row1.includes('V10')) return 'legacy';
  if (row1.some((c) => IMPORT_ID_TAGS.has(c)) || row1.some((c) => QUESTION_IMPORT_ID.test(c))) {
    // Row 1 holds ImportIds; a second header row of labels follows unless row 2 is already a response.
    return row2 && !looksLikeDataRow(row1, row2) ? 'importid-tags' : 'single-header';
  }
  return 'single-header';
}

/** True when `row` holds a response id under a column that row 1 calls ResponseID/ResponseId/_recordId. */
function looksLikeDataRow(row1: readonly string[], row: readonly string[]): boolean {
  const at = row1.findIndex((c) => /^(ResponseI[dD]|_recordId|responseId)$/.test(c));
  if (at >= 0) return RESPONSE_ID.test(row[at] ?? '');
  return row.some((c) => RESPONSE_ID.test(c));
}

/** Number of header rows of a dialect. */
export function headerRowCount(dialect: Dialect): number {
  switch (dialect) {
    case 'current':
    case 'insights':
      return 3;
    case 'legacy':
    case 'importid-tags':
      return 2;
    case 'single-header':
      return 1;
    default:
      return 0;
  }
}

/** Reads a current-dialect ImportId cell (`{"ImportId":"QID1","choiceId":"2"}`); throws a message on bad input. */
export function parseJsonImportId(cell: string): ImportIdCell {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch (err) {
    throw new Error(`is not valid JSON (${(err as Error).message}): ${truncate(cell)}`);
  }
  return checkImportId(parsed, cell);
}

/**
 * Reads an Insights-dialect ImportId cell, a Python dict literal such as `{'ImportId': 'QID4-TEXT'}`: single- or
 * double-quoted strings, backslash escapes, numbers, True/False/None. Throws a message on anything else.
 */
export function parsePythonImportId(cell: string): ImportIdCell {
  const text = cell.trim();
  const token = /\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(True|False|None))\s*/y;
  const readValue = (at: number): [unknown, number] | null => {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) return null;
    const str = m[1] ?? m[2];
    if (str !== undefined) return [str.replace(/\\(.)/g, '$1'), token.lastIndex];
    if (m[3] !== undefined) return [Number(m[3]), token.lastIndex];
    return [m[4] === 'True' ? true : m[4] === 'False' ? false : null, token.lastIndex];
  };
  const out: Record<string, unknown> = {};
  let at = 1;
  if (!text.startsWith('{') || !text.endsWith('}')) throw new Error(`is not a {'ImportId': …} literal: ${truncate(cell)}`);
  while (at < text.length - 1) {
    const key = readValue(at);
    if (!key || typeof key[0] !== 'string' || text[key[1]] !== ':') {
      throw new Error(`is not a {'ImportId': …} literal: ${truncate(cell)}`);
    }
    const value = readValue(key[1] + 1);
    if (!value) throw new Error(`is not a {'ImportId': …} literal: ${truncate(cell)}`);
    out[key[0]] = value[0];
    at = value[1];
    if (text[at] === ',') at++;
    else if (at !== text.length - 1) throw new Error(`is not a {'ImportId': …} literal: ${truncate(cell)}`);
  }
  return checkImportId(out, cell);
}

function checkImportId(parsed: unknown, cell: string): ImportIdCell {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`is not an object: ${truncate(cell)}`);
  }
  const obj = parsed as Record<string, unknown>;
  if (typeof obj.ImportId !== 'string' || obj.ImportId === '') throw new Error(`has no ImportId: ${truncate(cell)}`);
  const result: ImportIdCell = { ...obj, ImportId: obj.ImportId };
  if (obj.choiceId !== undefined) result.choiceId = String(obj.choiceId);
  if (typeof obj.timeZone === 'string') result.timeZone = obj.timeZone;
  result.IsLabelsColumn = obj.IsLabelsColumn === true || obj.IsLabelsColumn === 'true';
  return result;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
