/**
 * Pure, single-pass preparation of a batch for writing: each record's cells in layout order, its `values_json`,
 * and the types the batch forces on the columns. One pass over each record's values matters: this is the hot
 * path of a million-row sync.
 */
import { StoreError } from '../errors.ts';
import { ISO_TIMESTAMP, typeOfValue, widen } from '../sql-types.ts';
import type { SqlType, StoreRecord, StoreValue } from '../types.ts';

/** What the encoder needs to know of a layout column. */
export interface EncoderColumn {
  key: string;
  sqlType: SqlType | null;
}

/** A record ready to write. */
export interface EncodedRecord {
  record: StoreRecord;
  /** Cells in layout order; a missing key is null. */
  cells: StoreValue[];
  /**
   * `values_json`: `JSON.stringify` of the record's values, keys in the record's order (the parsers emit them in
   * file order, so the same content gives the same text and the same row hash).
   */
  valuesJson: string;
}

/** The batch, and column index → the type it must widen to (or be created with) to hold the batch. */
export interface EncodedBatch {
  records: EncodedRecord[];
  observed: Map<number, SqlType>;
}

/**
 * Encodes `records` against `columns`. Throws `StoreError` (`invalid-input`) naming the survey, response and key
 * when a record holds a key that is not a column: values are never dropped silently.
 */
export function encodeBatch(
  surveyId: string,
  columns: readonly EncoderColumn[],
  records: readonly StoreRecord[],
): EncodedBatch {
  const n = columns.length;
  const keys = columns.map((c) => c.key);
  // Keys every object inherits (`constructor`, `toString`, `__proto__`…) would read the inherited member for a
  // record without them; only those columns pay for an own-property check.
  const inherited = keys.map((k) => k in Object.prototype);
  const types = columns.map((c) => c.sqlType);
  const observed = new Map<number, SqlType>();
  const out: EncodedRecord[] = new Array(records.length);
  for (let j = 0; j < records.length; j++) {
    const record = records[j]!;
    const values = record.values;
    const cells: StoreValue[] = new Array(n);
    let seen = 0;
    for (let i = 0; i < n; i++) {
      const key = keys[i]!;
      const v: StoreValue | undefined = inherited[i] && !Object.hasOwn(values, key) ? undefined : values[key];
      if (v === undefined) {
        cells[i] = null;
        continue;
      }
      cells[i] = v;
      seen++;
      const type = types[i] as SqlType | null;
      if (v !== null && !fits(type, v)) {
        const to = widen(type, typeOfValue(v))!;
        types[i] = to;
        observed.set(i, to);
      }
    }
    if (seen !== countKeys(values)) throw unknownKey(surveyId, record, new Set(keys));
    out[j] = { record, cells, valuesJson: JSON.stringify(values) };
  }
  return { records: out, observed };
}

/** Whether a column of type `type` (null: not typed yet) holds the non-null value `v` as it is. */
function fits(type: SqlType | null, v: NonNullable<StoreValue>): boolean {
  switch (type) {
    case 'text':
      return true;
    case 'integer':
      return typeof v === 'number' ? Number.isSafeInteger(v) : typeof v === 'boolean';
    case 'real':
      return typeof v === 'number' ? Number.isFinite(v) : typeof v === 'boolean';
    case 'boolean':
      return typeof v === 'boolean';
    case 'timestamp':
      return typeof v === 'string' && ISO_TIMESTAMP.test(v);
    case 'json':
      return typeof v === 'object';
    default:
      return false;
  }
}

function countKeys(values: Readonly<Record<string, StoreValue>>): number {
  let total = 0;
  for (const key in values) if (values[key] !== undefined) total++;
  return total;
}

function unknownKey(surveyId: string, record: StoreRecord, known: ReadonlySet<string>): StoreError {
  const key = Object.keys(record.values).find((k) => record.values[k] !== undefined && !known.has(k));
  return new StoreError(
    'invalid-input',
    `survey ${surveyId}: response ${record.responseId} has column key ${JSON.stringify(key)} that is not in the layout; call ensureLayout with it first`,
  );
}
