/**
 * Pure typing of export cells: one cell string (or JSON value) + its column → a {@link TypedValue}.
 */

import { localDateToIso, type ZoneOffsets } from './time-zone.ts';
import type { ColumnInfo, MetadataField, TypedValue } from './types.ts';

/**
 * Qualtrics response types ("Response Type" / `status`), label → code. Labels as shown by Qualtrics' "Response
 * Type" help page; codes beyond 0 are not confirmed by a recording (FACTS.md §5.5).
 */
export const STATUS_CODES: Readonly<Record<string, number>> = {
  'IP Address': 0,
  'Survey Preview': 1,
  'Survey Test': 2,
  Imported: 4,
  Spam: 8,
  'Preview Spam': 9,
  'Imported Spam': 12,
  Offline: 16,
  'Offline Preview': 17,
};

/** How cells are typed beyond what the column says. */
export interface TypingOptions {
  /** IANA zone for date columns whose header names none. Default `UTC`. */
  timeZone: string;
  /** Read `3,5` as 3.5 (exports made with `formatDecimalAsComma`). */
  decimalComma: boolean;
  /** Memo of zone offsets (one per parser). */
  offsets: ZoneOffsets;
}

const DATE_FIELDS = new Set<MetadataField>(['startDate', 'endDate', 'recordedDate', 'lastModifiedDate']);
const DIGITS = /^\d+$/;
const PLAIN_NUMBER = /^-?(?:\d+|\d*\.\d+)$/;

/**
 * `text` as a number when it is a plain decimal that reads back identically (`42`, `-1.5`); otherwise null.
 * `007`, `1.50`, `1e5` and 17-digit coordinates stay text: converting them would lose what was written.
 * With `decimalComma`, `3,5` is accepted as 3.5 (and `3.5` is not).
 */
export function parseLosslessNumber(text: string, decimalComma = false): number | null {
  const quick = quickNumber(text, decimalComma);
  if (quick !== undefined) return quick;
  let candidate = text;
  if (decimalComma) {
    if (text.includes('.')) return null;
    candidate = text.replace(',', '.');
  }
  if (!PLAIN_NUMBER.test(candidate)) return null;
  const n = Number(candidate);
  if (!Number.isFinite(n)) return null;
  const canonical = candidate.startsWith('.') ? `0${candidate}` : candidate.replace(/^-\./, '-0.');
  return String(n) === canonical ? n : null;
}

/**
 * The answer of {@link parseLosslessNumber} for the commonest cells, found without a regex (this runs for most
 * cells of an export): text that cannot start a number is null; an optional `-` and 1–15 digits (exact in a
 * double) give the number, or null when a leading zero (`007`, `-0`) would not read back; `12.5` (without
 * `decimalComma`) is the number when it reads back. Undefined for anything else, which takes the general path.
 */
function quickNumber(text: string, decimalComma: boolean): number | null | undefined {
  const length = text.length;
  const first = text.charCodeAt(0);
  // Only `-`, `.`, `,` (a decimal comma) or a digit can start a number.
  if (!(first === 45 || first === 46 || first === 44 || (first >= 48 && first <= 57))) return length === 0 ? undefined : null;
  const start = first === 45 ? 1 : 0;
  let n = 0;
  let i = start;
  for (; i < length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  const digits = i - start;
  if (i === length) {
    if (digits < 1 || digits > 15) return undefined;
    // `0` alone reads back; `-0`, `007` and `-07` do not (String(-0) is `0`).
    if (text.charCodeAt(start) === 48 && (digits > 1 || start === 1)) return null;
    return start === 1 ? -n : n;
  }
  if (decimalComma || digits < 1 || text.charCodeAt(i) !== 46 || i === length - 1) return undefined;
  for (let j = i + 1; j < length; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
  }
  // `-?\d+\.\d+`: it reads back when the number's shortest spelling is the text itself.
  const value = Number(text);
  return String(value) === text ? value : null;
}

/** `1`/`True`/`true` → true, `0`/`False`/`false` → false, anything else → null. */
export function parseBoolean(text: string): boolean | null {
  switch (text) {
    case '1':
    case 'True':
    case 'true':
    case 'TRUE':
      return true;
    case '0':
    case 'False':
    case 'false':
    case 'FALSE':
      return false;
    default:
      return null;
  }
}

/** The numeric response type of a `status` cell written as a code (`1`) or a label (`Survey Preview`). */
export function statusCodeOf(value: TypedValue): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? value : null;
  if (typeof value !== 'string') return null;
  if (DIGITS.test(value)) return Number(value);
  return STATUS_CODES[value] ?? null;
}

/** Any finite number written in plain decimal (for progress and duration, where the precision is small). */
export function parseMetricNumber(text: string, decimalComma: boolean): number | null {
  const candidate = decimalComma ? text.replace(',', '.') : text;
  if (!/^-?(?:\d+(?:\.\d*)?|\.\d+)$/.test(candidate)) return null;
  return Number(candidate);
}

/** How the cells of a column are typed: decided once per column, by its metadata field first, then text or labels. */
export type CellKind = 'text' | 'number' | 'date' | 'metric' | 'boolean' | 'status';

/** The kind of a metadata field's cells. */
function kindOfField(field: MetadataField): CellKind {
  if (DATE_FIELDS.has(field)) return 'date';
  switch (field) {
    case 'progress':
    case 'duration':
    case 'locationAccuracy':
      return 'metric';
    case 'finished':
      return 'boolean';
    case 'status':
      return 'status';
    case 'locationLatitude':
    case 'locationLongitude':
      return 'number';
    default:
      return 'text';
  }
}

/** The kind of `column`'s cells: metadata by its field, text-entry and labels columns text, anything else number. */
export function cellKind(column: Pick<ColumnInfo, 'metadata' | 'isText' | 'isLabelsColumn'>): CellKind {
  if (column.metadata) return kindOfField(column.metadata);
  return column.isText || column.isLabelsColumn ? 'text' : 'number';
}

/**
 * Types a non-empty `cell` of kind `kind` (`zone`: the IANA zone of a date cell's local time): dates to UTC ISO,
 * metrics and lossless numbers to numbers, booleans, status codes; the cell itself when it does not read as its kind.
 */
export function typeOfKind(kind: CellKind, cell: string, zone: string, options: TypingOptions): TypedValue {
  switch (kind) {
    case 'number':
      return parseLosslessNumber(cell, options.decimalComma) ?? cell;
    case 'date':
      return localDateToIso(cell, zone, options.offsets) ?? cell;
    case 'metric':
      return parseMetricNumber(cell, options.decimalComma) ?? cell;
    case 'boolean':
      return parseBoolean(cell) ?? cell;
    case 'status':
      return DIGITS.test(cell) ? Number(cell) : cell;
    default:
      return cell;
  }
}

/**
 * Types one CSV/TSV cell of `column`. An empty cell is null. Metadata is typed by its field (dates to UTC ISO
 * using the column's zone, else `options.timeZone`); text-entry and labels columns stay strings; other answers
 * and embedded data become numbers only when lossless ({@link parseLosslessNumber}).
 */
export function typeCell(
  cell: string,
  column: Pick<ColumnInfo, 'metadata' | 'isText' | 'isLabelsColumn' | 'timeZone'>,
  options: TypingOptions,
): TypedValue {
  if (cell === '') return null;
  return typeOfKind(cellKind(column), cell, column.timeZone ?? options.timeZone, options);
}

/**
 * Types one value of a JSON/NDJSON export's `values` object. JSON already carries numbers and arrays; only the
 * metadata written as text or codes is converted (dates normalised to ISO with milliseconds, `finished` 0/1 →
 * boolean, numeric strings of progress/duration → numbers).
 */
export function typeJsonValue(field: MetadataField | null, value: TypedValue, options: TypingOptions): TypedValue {
  if (value === '' || value === null) return null;
  if (!field) return value;
  if (typeof value === 'number') {
    if (field === 'finished') return value === 1 ? true : value === 0 ? false : value;
    return value;
  }
  if (typeof value !== 'string') return value;
  return typeOfKind(kindOfField(field), value, options.timeZone, options);
}
