/**
 * Contract: column keys that every JavaScript object inherits (`constructor`, `toString`, `__proto__`) hold exactly
 * the records' own values, null where a record lacks them, in `values_json`, the wide table, the column types and
 * long-form answers.
 */
import { expect, it } from 'vitest';
import type { Layout, StoreColumn, StoreRecord, StoreValue } from '../../src/store/index.ts';
import type { ContractContext } from './contract.ts';
import { counts, SURVEY, upsert } from './contract-fixtures.ts';

/** Columns keyed by names every object inherits, beside an ordinary one. */
const INHERITED_COLUMNS: StoreColumn[] = [
  { key: 'QID1', exportTag: 'Q1', importId: 'QID1', questionId: 'QID1' },
  { key: 'constructor', exportTag: 'constructor', importId: 'constructor' },
  { key: 'toString', exportTag: 'toString', importId: 'toString', sqlType: 'text' },
  { key: '__proto__', exportTag: '__proto__', importId: '__proto__' },
];

/** Values parsed from JSON text, so that `__proto__` is an own key, as the JSON parsers produce it. */
function own(json: string): Record<string, StoreValue> {
  return JSON.parse(json) as Record<string, StoreValue>;
}

/** The SQL name of the column keyed `key`. */
function sqlName(layout: Layout, key: string): string {
  const col = layout.columns.find((c) => c.key === key);
  if (!col) throw new Error(`no column ${key}`);
  return col.sqlName;
}

export function inheritedKeysContract(ctx: ContractContext): void {
  it('stores exactly the own values of columns keyed constructor, toString and __proto__', async () => {
    const { store } = await ctx.open();
    await store.saveSurvey({ id: SURVEY, name: 'Inherited keys', longAnswers: true });
    const layout = await store.ensureLayout(SURVEY, INHERITED_COLUMNS);
    const records: StoreRecord[] = [
      { responseId: 'R_none', values: { QID1: 1 }, labels: { QID1: 'One' }, meta: {} },
      {
        responseId: 'R_all',
        values: own('{"QID1":2,"constructor":5,"toString":"ts","__proto__":"p"}'),
        labels: { QID1: 'Two' },
        meta: {},
      },
      { responseId: 'R_some', values: own('{"toString":"only","__proto__":null}'), meta: {} },
      { responseId: 'R_empty', values: {}, labels: {}, meta: {} },
    ];
    const first = await upsert(store, layout, records);
    expect(counts(first)).toEqual({ inserted: 4, updated: 0, unchanged: 0, restored: 0, duplicates: 0 });
    expect([...first.materialized].sort()).toEqual(['QID1', 'constructor', '__proto__'].map((k) => sqlName(layout, k)).sort());
    // Pairs, not an object: `__proto__` in an object literal would set the prototype instead of a key.
    expect((await store.getLayout(SURVEY))?.columns.map((c) => [c.key, c.sqlType])).toEqual([
      ['QID1', 'integer'],
      ['constructor', 'integer'],
      ['toString', 'text'],
      ['__proto__', 'text'],
    ]);

    const expected: Record<string, [string, Array<StoreValue>]> = {
      R_none: ['{"QID1":1}', [1, null, null, null]],
      R_all: ['{"QID1":2,"constructor":5,"toString":"ts","__proto__":"p"}', [2, 5, 'ts', 'p']],
      R_some: ['{"toString":"only","__proto__":null}', [null, null, 'only', null]],
      R_empty: ['{}', [null, null, null, null]],
    };
    for (const [id, [json, cells]] of Object.entries(expected)) {
      const back = await store.getResponse(SURVEY, id);
      expect(JSON.stringify(back?.values), id).toBe(json);
      const wide = back?.wide ?? {};
      const cellsBack = INHERITED_COLUMNS.map((c) => sqlName(layout, c.key)).map((n) => (Object.hasOwn(wide, n) ? wide[n] : 'missing'));
      expect(cellsBack, id).toEqual(cells);
    }
    expect((await store.getAnswers(SURVEY, 'R_none')).map((a) => [a.columnKey, a.value, a.label])).toEqual([
      ['QID1', '1', 'One'],
    ]);
    expect((await store.getAnswers(SURVEY, 'R_all')).map((a) => [a.columnKey, a.value, a.label])).toEqual([
      ['QID1', '2', 'Two'],
      ['constructor', '5', null],
      ['toString', 'ts', null],
      ['__proto__', 'p', null],
    ]);
    expect(await store.getAnswers(SURVEY, 'R_empty')).toEqual([]);
    const again = await upsert(store, layout, records);
    expect(counts(again)).toEqual({ inserted: 0, updated: 0, unchanged: 4, restored: 0, duplicates: 0 });
  });
}
