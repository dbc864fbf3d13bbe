/**
 * Typing of whole CSV/TSV rows, compiled once per export: the same values as `typeCell` (typing.ts) cell by cell, with
 * each column's rule decided once, every values object sharing one hidden class, and a repeated date text
 * converted once. This is the hot path of a large sync: a values object of ~50 keys built key by key falls into
 * V8's dictionary mode, which makes it bigger and slows `JSON.stringify` and every lookup downstream.
 */

import { cellKind, type TypingOptions, typeOfKind } from './typing.ts';
import type { ColumnInfo, TypedValue } from './types.ts';

type TypedColumn = Pick<ColumnInfo, 'key' | 'index' | 'metadata' | 'isText' | 'isLabelsColumn' | 'timeZone'>;

/**
 * The last date text of one zone and its value: a response's end, recorded and last-modified dates are mostly the
 * same second, and the value is then the same string.
 */
interface DateMemo {
  zone: string;
  text: string;
  value: TypedValue;
}

/** Types the cells of a data row into a values object keyed by column key, in column order. */
export type RowTyper = (row: readonly string[]) => Record<string, TypedValue>;

/**
 * Compiles the typing of rows laid out as `columns` (cell of column `c` at `row[c.index]`, missing cells empty).
 * Each value equals `typeCell(cell, column, options)`; keys are in column order, as if assigned one by one.
 */
export function compileRowTyper(columns: readonly TypedColumn[], options: TypingOptions): RowTyper {
  const n = columns.length;
  const keys = columns.map((c) => c.key);
  const indexes = columns.map((c) => c.index);
  const kinds = columns.map(cellKind);
  const memos = new Map<string, DateMemo>();
  const dates = columns.map((c, i): DateMemo | null => {
    if (kinds[i] !== 'date') return null;
    const zone = c.timeZone ?? options.timeZone;
    let memo = memos.get(zone);
    if (!memo) memos.set(zone, (memo = { zone, text: '', value: null }));
    return memo;
  });
  // Built key by key (a dictionary), then copied: the copy is a fast object whose hidden class every row's copy shares.
  const keyed: Record<string, TypedValue> = {};
  for (const key of keys) keyed[key] = null;
  const template = { ...keyed };
  return (row) => {
    const values = { ...template };
    for (let i = 0; i < n; i++) {
      const cell = row[indexes[i]!] ?? '';
      let value: TypedValue;
      if (cell === '') value = null;
      else if (kinds[i] === 'date') {
        const memo = dates[i]!;
        if (cell !== memo.text) {
          memo.value = typeOfKind('date', cell, memo.zone, options);
          memo.text = cell;
        }
        value = memo.value;
      } else value = typeOfKind(kinds[i]!, cell, '', options);
      values[keys[i]!] = value;
    }
    return values;
  };
}
