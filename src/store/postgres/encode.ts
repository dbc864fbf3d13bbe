/**
 * Pure encoding of records into COPY rows for the staging tables, and decoding of wide-table cells. A cell is
 * written the way the SQLite store writes it (`encodeCell`), spelled for PostgreSQL's input functions.
 */
import { StoreError } from '../errors.ts';
import { META_COLUMNS } from '../internal/row-codec.ts';
import type { LayoutColumn, ResponseMeta, SqlType, StoreRecord, StoreValue } from '../types.ts';
import { COPY_NULL, copyEscape, copyEscapeJson, NulCharacterError } from './copy.ts';
import type { LayoutState } from './layouts.ts';

/** `\u0000` escape in JSON text (an even number of backslashes before it, so not an escaped backslash). */
export const JSON_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/** COPY field of a cell in a column of logical type `type` (the column already fits the value). */
export function copyCell(type: SqlType, value: StoreValue | undefined): string {
  if (value === null || value === undefined) return COPY_NULL;
  switch (typeof value) {
    case 'string':
      return copyEscape(value);
    case 'number':
      return String(value);
    case 'boolean':
      if (type === 'boolean') return value ? 't' : 'f';
      if (type === 'text') return value ? 'true' : 'false';
      return value ? '1' : '0';
    default: {
      const json = JSON.stringify(value);
      // jsonb cannot hold \u0000 either; say so here rather than let the server reject the batch obscurely.
      if (type === 'json' && JSON_NUL.test(json)) throw new NulCharacterError('JSON holds a NUL character');
      return copyEscapeJson(json);
    }
  }
}

/** COPY fields of the metadata, in `META_COLUMNS` order, joined by tabs. */
export function copyMeta(meta: ResponseMeta): string {
  let out = '';
  for (let i = 0; i < META_COLUMNS.length; i++) {
    const { field, type } = META_COLUMNS[i]!;
    const v = meta[field];
    out += `${i === 0 ? '' : '\t'}${v === undefined ? COPY_NULL : copyCell(type, v)}`;
  }
  return out;
}

/**
 * Runs `encode` for one record, turning a NUL character into a one-line `StoreError` naming survey, response and
 * (via `column()`) the column being encoded.
 */
export function withRecordContext<T>(surveyId: string, rec: StoreRecord, column: () => string, encode: () => T): T {
  try {
    return encode();
  } catch (err) {
    if (!(err instanceof NulCharacterError)) throw err;
    throw new StoreError(
      'invalid-input',
      `survey ${surveyId}: response ${rec.responseId}, ${column()}: text contains a NUL character (U+0000), which PostgreSQL cannot store`,
    );
  }
}

/** A wide-table cell read back as the value that was written (timestamps as UTC ISO-8601 text). */
export function decodeWideCell(type: SqlType | null, raw: unknown): StoreValue {
  if (raw === null || raw === undefined) return null;
  if (type === 'json' && typeof raw === 'string') return JSON.parse(raw) as StoreValue;
  return raw as StoreValue;
}

/** The typed columns of a layout: the wide table's export columns, in layout order. */
export function typedColumns(state: LayoutState): Array<LayoutColumn & { sqlType: SqlType }> {
  return state.columns.filter((c): c is LayoutColumn & { sqlType: SqlType } => c.sqlType !== null);
}
