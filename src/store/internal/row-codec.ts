/**
 * Pure encoding of records into column values, and back. Shared by the SQLite store and (later) PostgreSQL.
 */
import { hash } from 'node:crypto';
import { StoreError } from '../errors.ts';
import type { ResponseMeta, SqlType, StoreValue } from '../types.ts';

/** A value a SQL driver binds: text, number, or NULL. */
export type SqlScalar = string | number | null;

/** `ResponseMeta` field → `responses` column, with how it is stored. Order is the column order of the table. */
export const META_COLUMNS: ReadonlyArray<{ field: keyof ResponseMeta; column: string; type: SqlType }> = [
  { field: 'startDate', column: 'start_date', type: 'timestamp' },
  { field: 'endDate', column: 'end_date', type: 'timestamp' },
  { field: 'recordedDate', column: 'recorded_date', type: 'timestamp' },
  { field: 'lastModifiedDate', column: 'last_modified_date', type: 'timestamp' },
  { field: 'status', column: 'status', type: 'integer' },
  { field: 'progress', column: 'progress', type: 'real' },
  { field: 'duration', column: 'duration', type: 'real' },
  { field: 'finished', column: 'finished', type: 'boolean' },
  { field: 'distributionChannel', column: 'distribution_channel', type: 'text' },
  { field: 'userLanguage', column: 'user_language', type: 'text' },
  { field: 'ipAddress', column: 'ip_address', type: 'text' },
  { field: 'externalReference', column: 'external_reference', type: 'text' },
  { field: 'recipientEmail', column: 'recipient_email', type: 'text' },
  { field: 'recipientFirstName', column: 'recipient_first_name', type: 'text' },
  { field: 'recipientLastName', column: 'recipient_last_name', type: 'text' },
  { field: 'latitude', column: 'latitude', type: 'real' },
  { field: 'longitude', column: 'longitude', type: 'real' },
];

/**
 * The metadata as bindable values, in `META_COLUMNS` order. Throws `StoreError` (`invalid-input`) naming the field
 * when a value is not text, a number, a boolean or null.
 */
export function encodeMeta(meta: ResponseMeta | undefined, responseId = '?'): SqlScalar[] {
  const out: SqlScalar[] = new Array(META_COLUMNS.length);
  for (let i = 0; i < META_COLUMNS.length; i++) {
    const field = META_COLUMNS[i]!.field;
    const v: unknown = meta?.[field];
    if (v === undefined || v === null) out[i] = null;
    else if (typeof v === 'boolean') out[i] = v ? 1 : 0;
    else if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) out[i] = v;
    else {
      throw new StoreError('invalid-input', `response ${responseId}: meta.${field} is not text, a number or a boolean`);
    }
  }
  return out;
}

/** Metadata read back from `responses` columns (named as in `META_COLUMNS`). */
export function decodeMeta(row: Readonly<Record<string, unknown>>): ResponseMeta {
  const meta: Record<string, unknown> = {};
  for (const { field, column, type } of META_COLUMNS) {
    const v = row[column];
    meta[field] = v === null || v === undefined ? null : type === 'boolean' ? v === 1 : v;
  }
  return meta as ResponseMeta;
}

/**
 * A cell as written into a wide-table column of logical type `type` (the column already fits the value):
 * booleans as 1/0, text columns get numbers and booleans spelled as JavaScript does (`5`, `true`), arrays and
 * objects as JSON text.
 */
export function encodeCell(type: SqlType, value: StoreValue | undefined): SqlScalar {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return type === 'text' ? String(value) : value;
    case 'boolean':
      return type === 'text' ? String(value) : value ? 1 : 0;
    default:
      return JSON.stringify(value);
  }
}

/** A wide-table cell read back as the value that was written. */
export function decodeCell(type: SqlType | null, raw: unknown): StoreValue {
  if (raw === null || raw === undefined) return null;
  if (type === 'boolean') return raw === 1;
  if (type === 'json' && typeof raw === 'string') return JSON.parse(raw) as StoreValue;
  if (typeof raw === 'bigint') return Number(raw);
  return raw as StoreValue;
}

/**
 * Whether `incoming` is strictly earlier than `stored`, both ISO-8601 dates (a response's `lastModifiedDate`
 * against the stored one). False when either is missing, not text, or unreadable: only a known older version is
 * ever refused. Equal text is decided without parsing, which is the common case of a full refresh.
 */
export function isOlder(incoming: unknown, stored: unknown): boolean {
  if (typeof incoming !== 'string' || typeof stored !== 'string' || incoming === stored) return false;
  // NaN (unreadable text) compares false either way.
  return Date.parse(incoming) < Date.parse(stored);
}

/**
 * `values[key]` when `values` has `key` as its own property, else undefined: a key every object inherits
 * (`constructor`, `toString`, `__proto__`) must not read the inherited member. For paths off the hot loop.
 */
export function ownValue(
  values: Readonly<Record<string, StoreValue>> | null | undefined,
  key: string,
): StoreValue | undefined {
  return values && Object.hasOwn(values, key) ? values[key] : undefined;
}

/** A value as text for the long-form `answers.value` column (JSON text for arrays and objects). */
export function cellText(value: StoreValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * Content hash of a response: values, labels and metadata. Equal hashes mean "unchanged, skip the write".
 * SHA-1 (base64) of the UTF-8 of `valuesJson + "\u0001" + (labelsJson ?? "") + "\u0001" + JSON.stringify(meta)`
 * (a lone surrogate as U+FFFD): stored in every row, so this text must never change.
 */
export function rowHash(valuesJson: string, labelsJson: string | null, meta: readonly SqlScalar[]): string {
  return hash('sha1', `${valuesJson}\u0001${labelsJson ?? ''}\u0001${JSON.stringify(meta)}`, 'base64');
}

/** Throws unless `id` is a usable response id. */
export function checkResponseId(surveyId: string, id: unknown, index: number): asserts id is string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new StoreError('invalid-input', `survey ${surveyId}: record ${index} has no responseId`);
  }
}
