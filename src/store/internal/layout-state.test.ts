import { describe, expect, it } from 'vitest';
import type { StoredSurvey } from '../types.ts';
import { LayoutCache } from './layout-cache.ts';
import { type ColumnRow, checkColumns, layoutFromRows, snapshot, splitObserved, typeHints } from './layout-state.ts';

const SURVEY = { id: 'SV_1', tableName: 'responses_feedback', longAnswers: true } as StoredSurvey;

function row(key: string, position: number, sqlType: ColumnRow['sql_type'], isMetadata: number | boolean): ColumnRow {
  return {
    column_key: key,
    position,
    export_tag: key.toUpperCase(),
    import_id: null,
    question_id: null,
    question_type: null,
    choice_id: null,
    label: `label ${key}`,
    is_metadata: isMetadata,
    sql_name: `c_${key}`,
    sql_type: sqlType,
  };
}

describe('layoutFromRows', () => {
  it('maps rows (0/1 or boolean metadata flags) into columns indexed by key', () => {
    const state = layoutFromRows(SURVEY, [row('q1', 0, 'integer', 1), row('q2', 1, null, false)]);
    expect(state).toMatchObject({ surveyId: 'SV_1', tableName: 'responses_feedback', longAnswers: true });
    expect(state.columns.map((c) => [c.key, c.exportTag, c.isMetadata, c.sqlName, c.sqlType, c.position])).toEqual([
      ['q1', 'Q1', true, 'c_q1', 'integer', 0],
      ['q2', 'Q2', false, 'c_q2', null, 1],
    ]);
    expect(state.byKey.get('q2')).toBe(state.columns[1]);
    expect(layoutFromRows(SURVEY, [row('q1', 0, null, true)]).columns[0]?.isMetadata).toBe(true);
    expect(layoutFromRows(SURVEY, [row('q1', 0, null, 0)]).columns[0]?.isMetadata).toBe(false);
  });
});

describe('snapshot', () => {
  it('is frozen and does not follow later widening', () => {
    const state = layoutFromRows(SURVEY, [row('q1', 0, 'integer', 0)]);
    const shot = snapshot(state);
    state.columns[0]!.sqlType = 'text';
    expect(shot.columns[0]?.sqlType).toBe('integer');
    expect(Object.isFrozen(shot) && Object.isFrozen(shot.columns) && Object.isFrozen(shot.columns[0])).toBe(true);
  });
});

describe('splitObserved', () => {
  it('widens typed columns, types untyped ones, ignores unknown keys and types that already fit', () => {
    const state = layoutFromRows(SURVEY, [row('a', 0, 'integer', 0), row('b', 1, null, 0), row('c', 2, 'text', 0)]);
    const observed = new Map([
      ['a', 'real'],
      ['b', 'boolean'],
      ['c', 'integer'],
      ['zz', 'text'],
    ] as const);
    const { widenBy, added } = splitObserved(state, observed);
    expect([...widenBy]).toEqual([['c_a', 'real']]);
    expect(added.map(({ col, type }) => [col.key, type])).toEqual([['b', 'boolean']]);
  });
});

describe('column checks and hints', () => {
  it('refuses a column without key or export tag, naming the survey', () => {
    expect(() => checkColumns('SV_1', [{ key: '', exportTag: 'Q1' }])).toThrow('survey SV_1: a column has no key or export tag');
    expect(() => checkColumns('SV_1', [{ key: 'k' } as never])).toThrow('survey SV_1: a column has no key or export tag');
    expect(checkColumns('SV_1', [{ key: 'k', exportTag: '' }])).toBeUndefined();
  });

  it('collects the declared types', () => {
    const hints = typeHints([{ key: 'a', exportTag: 'A', sqlType: 'real' }, { key: 'b', exportTag: 'B' }]);
    expect([...hints]).toEqual([['a', 'real']]);
  });
});

describe('LayoutCache', () => {
  it('keeps loaded states but not a missing one, and hands out snapshots of remembered ones', () => {
    const cache = new LayoutCache();
    expect(cache.keep('SV_1', null)).toBeNull();
    expect(cache.get('SV_1')).toBeUndefined();
    const state = layoutFromRows(SURVEY, [row('q1', 0, 'integer', 0)]);
    expect(cache.keep('SV_1', state)).toBe(state);
    expect(cache.get('SV_1')).toBe(state);
    cache.delete('SV_1');
    expect(cache.get('SV_1')).toBeUndefined();
    const layout = cache.remember('SV_1', state);
    expect(layout).toEqual({ surveyId: 'SV_1', tableName: 'responses_feedback', columns: state.columns });
    expect(Object.isFrozen(layout)).toBe(true);
    cache.clear();
    expect(cache.get('SV_1')).toBeUndefined();
  });
});
