/**
 * Pure typing of wide-table columns: the type of one value, of a set of values, and the join of two types over a
 * small lattice. Widening only ever goes up, so a value that was stored can always be stored again.
 *
 * ```
 * boolean → integer → real ─┐
 *              timestamp ───┼→ text
 *                   json ───┘
 * ```
 */
import type { SqlType, StoreValue } from './types.ts';

/** `2020-02-11T03:44:39.000Z`, `2020-02-11T03:44:39Z`, `2020-02-11T03:44:39+01:00`: what the parsers emit for dates. */
export const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Rank within the numeric chain; other types are off the chain. */
const NUMERIC_RANK: Partial<Record<SqlType, number>> = { boolean: 0, integer: 1, real: 2 };
const BY_RANK: SqlType[] = ['boolean', 'integer', 'real'];

/**
 * The narrowest type that holds `value`, or null for null/undefined (no information).
 * Safe integers are `integer`; other finite numbers `real`; non-finite numbers `text` (SQL has no NaN);
 * ISO-8601 strings with a zone are `timestamp`; other strings `text`; arrays and objects `json`.
 */
export function typeOfValue(value: StoreValue | undefined): SqlType | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      if (Number.isSafeInteger(value)) return 'integer';
      return Number.isFinite(value) ? 'real' : 'text';
    case 'string':
      return ISO_TIMESTAMP.test(value) ? 'timestamp' : 'text';
    default:
      return 'json';
  }
}

/**
 * Least upper bound of two types; null is the bottom (no value seen yet).
 * `widen('integer', 'real')` → `real`; `widen('integer', 'text')` → `text`; `widen('timestamp', 'integer')` → `text`.
 */
export function widen(current: SqlType | null, observed: SqlType | null): SqlType | null {
  if (current === null) return observed;
  if (observed === null || observed === current) return current;
  const a = NUMERIC_RANK[current];
  const b = NUMERIC_RANK[observed];
  if (a !== undefined && b !== undefined) return BY_RANK[Math.max(a, b)]!;
  return 'text';
}

/** The type of a set of values: the join of each value's type; null when all are null. */
export function inferType(values: Iterable<StoreValue | undefined>): SqlType | null {
  let type: SqlType | null = null;
  for (const value of values) {
    type = widen(type, typeOfValue(value));
    if (type === 'text') break;
  }
  return type;
}

/** True when a column of type `current` can hold `value` unchanged (null always fits). */
export function fitsType(current: SqlType | null, value: StoreValue | undefined): boolean {
  const observed = typeOfValue(value);
  return observed === null || widen(current, observed) === current;
}

/** Whether `to` is reachable from `from` by widening (equal types included). */
export function isWidening(from: SqlType, to: SqlType): boolean {
  return widen(from, to) === to;
}
