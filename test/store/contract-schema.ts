/**
 * Contract: schema creation, naming, hostile export tags, schema evolution, refusing what cannot be used.
 */
import { expect, it } from 'vitest';
import { declaredType, type SqlDialect, StoreError, WIDE_FIXED_COLUMNS } from '../../src/store/index.ts';
import { RESERVED_WORDS } from '../../src/store/internal/reserved-words.ts';
import type { ContractContext } from './contract.ts';
import { BASIC_COLUMNS, basicRecords, rec, SURVEY, setUpSurvey, upsert, wideRow } from './contract-fixtures.ts';

const TABLES = [
  'qsync_meta',
  'surveys',
  'survey_columns',
  'responses',
  'answers',
  'in_progress_responses',
  'sync_state',
  'sync_runs',
];

/** Export tags a survey author (or an attacker) can type. */
const HOSTILE_TAGS = [
  `it's "quoted"`,
  `"; DROP TABLE responses; --`,
  `'); DELETE FROM surveys; --`,
  'select',
  'order',
  'Order',
  'Q1',
  'Q1',
  'q1',
  'Ünïcödé ¿Qué?',
  '質問',
  '🙂🙃',
  'x'.repeat(500),
  `${'x'.repeat(500)}y`,
  'response_id',
  'deleted_at',
  'rowid',
  '1_Q5',
  '___',
  'tab\there\nnewline',
  'back\\slash',
];

export function schemaContract(ctx: ContractContext): void {
  const dialect: SqlDialect = ctx.kind;

  it('creates every table on open, and an empty store answers plainly', async () => {
    const { store, tableNames } = await ctx.open();
    expect(await tableNames()).toEqual(expect.arrayContaining(TABLES));
    expect(await store.listSurveys()).toEqual([]);
    expect(await store.getSyncState(SURVEY)).toBeNull();
    expect(await store.getLayout(SURVEY)).toBeNull();
    expect(await store.listRuns()).toEqual([]);
  });

  it('chooses a readable wide-table name once, keeps it on rename, de-duplicates collisions', async () => {
    const { store } = await ctx.open();
    const a = await store.saveSurvey({ id: 'SV_a', name: 'Customer Feedback 2024', active: true });
    expect(a.tableName).toBe('responses_customer_feedback_2024');
    const b = await store.saveSurvey({ id: 'SV_b', name: 'Customer feedback — 2024!' });
    expect(b.tableName).toBe('responses_customer_feedback_2024_2');
    const renamed = await store.saveSurvey({ id: 'SV_a', name: 'Renamed' });
    expect(renamed).toMatchObject({ name: 'Renamed', tableName: a.tableName, active: true });
    const odd = await store.saveSurvey({ id: 'SV_c', name: `"; DROP TABLE surveys; -- ${'ü'.repeat(300)}` });
    expect(odd.tableName).toMatch(/^responses_drop_table_surveys_u+$/);
    expect(Buffer.byteLength(odd.tableName)).toBeLessThanOrEqual(63);
    expect((await store.listSurveys()).map((s) => s.id)).toEqual(['SV_a', 'SV_b', 'SV_c']);
  });

  it('maps columns to readable, unique, bounded names that stay put across runs and tag changes', async () => {
    const s = await ctx.open();
    const layout = await setUpSurvey(s.store);
    expect(layout.columns.map((c) => [c.key, c.sqlName, c.sqlType])).toEqual([
      ['startDate', 'startdate', 'timestamp'],
      ['QID1', 'q1', null],
      ['QID2_TEXT', 'q2_text', 'text'],
      ['QID3', 'q3', null],
    ]);
    await s.store.close();
    const store = await s.reopen();
    s.store = store;
    const retagged = BASIC_COLUMNS.map((c) => ({ ...c, exportTag: `${c.exportTag} renamed` }));
    const again = await store.ensureLayout(SURVEY, [{ key: 'QID9', exportTag: 'Q1' }, ...retagged.reverse()]);
    const byKey = new Map(again.columns.map((c) => [c.key, c]));
    expect(byKey.get('QID1')).toMatchObject({ sqlName: 'q1', exportTag: 'Q1 renamed', position: 1 });
    expect(byKey.get('QID9')).toMatchObject({ sqlName: 'q1_2', position: 4 });
    expect(again.columns.map((c) => c.key)).toEqual(['startDate', 'QID1', 'QID2_TEXT', 'QID3', 'QID9']);
  });

  it('stores hostile export tags and keys safely and reads every value back exactly', async () => {
    const { store, tableNames } = await ctx.open();
    await store.saveSurvey({ id: SURVEY, name: 'select * from "x"; --' });
    const columns = HOSTILE_TAGS.map((tag, i) => ({ key: `${tag}#${i}`, exportTag: tag, label: tag }));
    const layout = await store.ensureLayout(SURVEY, columns);
    const names = layout.columns.map((c) => c.sqlName);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(/^[a-z_][a-z0-9_]*$/);
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(63);
      expect(RESERVED_WORDS.has(n)).toBe(false);
      expect(WIDE_FIXED_COLUMNS).not.toContain(n);
    }
    expect(layout.columns.map((c) => [c.exportTag, c.label])).toEqual(HOSTILE_TAGS.map((t) => [t, t]));
    const values = Object.fromEntries(columns.map((c, i) => [c.key, i % 2 ? c.exportTag : i]));
    await upsert(store, layout, [rec(`R_'"; --`, values)]);
    const back = await store.getResponse(SURVEY, `R_'"; --`);
    expect(back?.values).toEqual(values);
    const wide = back?.wide ?? {};
    layout.columns.forEach((c, i) => {
      expect(wide[c.sqlName]).toEqual(values[c.key]);
      expect(c.exportTag).toBe(HOSTILE_TAGS[i]);
    });
    expect(await tableNames()).toEqual(expect.arrayContaining(TABLES));
    expect((await store.getLayout(SURVEY))?.columns.map((c) => c.exportTag)).toEqual(HOSTILE_TAGS);
  });

  it('adds a column for a new question, leaving earlier rows null in it', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    await upsert(store, layout, basicRecords());
    const grown = await store.ensureLayout(SURVEY, [...BASIC_COLUMNS, { key: 'QID4', exportTag: 'Q4' }]);
    const result = await upsert(store, grown, [rec('R_6', { QID1: 6, QID4: 4.5 })]);
    expect(result.materialized).toEqual(['q4']);
    expect((await store.describeWideTable(SURVEY)).map((c) => c.name)).toContain('q4');
    expect(await wideRow(store, SURVEY, 'R_1')).toMatchObject({ q1: 1, q4: null });
    expect(await wideRow(store, SURVEY, 'R_6')).toMatchObject({ q1: 6, q4: 4.5 });
  });

  it('widens an integer column that receives text, keeping earlier values, with a truthful declared type', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    await upsert(store, layout, basicRecords());
    const declared = async () => (await store.describeWideTable(SURVEY)).find((c) => c.name === 'q1')?.declaredType;
    expect(await declared()).toBe(declaredType(dialect, 'integer'));
    const result = await upsert(store, layout, [rec('R_7', { QID1: 'abc' })]);
    expect(result.widened).toEqual(['q1']);
    expect(await declared()).toBe(declaredType(dialect, 'text'));
    expect((await store.getLayout(SURVEY))?.columns.find((c) => c.key === 'QID1')?.sqlType).toBe('text');
    expect(await wideRow(store, SURVEY, 'R_2')).toMatchObject({ q1: '2', q2_text: 'text 2', q3: [1, 2] });
    expect(await wideRow(store, SURVEY, 'R_7')).toMatchObject({ q1: 'abc' });
    expect((await store.getResponse(SURVEY, 'R_2'))?.values.QID1).toBe(2);
    await upsert(store, layout, [rec('R_8', { QID1: 8 })]);
    expect(await wideRow(store, SURVEY, 'R_8')).toMatchObject({ q1: '8' });
  });

  it('widens along the lattice: boolean → integer → real, timestamp → text', async () => {
    const { store } = await ctx.open();
    await store.saveSurvey({ id: SURVEY, name: 'Lattice' });
    const layout = await store.ensureLayout(SURVEY, [
      { key: 'b', exportTag: 'b' },
      { key: 't', exportTag: 't' },
    ]);
    await upsert(store, layout, [rec('R_1', { b: true, t: '2024-01-01T00:00:00.000Z' })]);
    await upsert(store, layout, [rec('R_2', { b: 2, t: 'not a date' })]);
    await upsert(store, layout, [rec('R_3', { b: 2.5 })]);
    const types = (await store.getLayout(SURVEY))?.columns.map((c) => c.sqlType);
    expect(types).toEqual(['real', 'text']);
    expect(await wideRow(store, SURVEY, 'R_1')).toMatchObject({ b: 1, t: '2024-01-01T00:00:00.000Z' });
    expect(await wideRow(store, SURVEY, 'R_3')).toMatchObject({ b: 2.5, t: null });
    const declared = (await store.describeWideTable(SURVEY)).filter((c) => c.name === 'b' || c.name === 't');
    expect(declared.map((c) => c.declaredType)).toEqual([
      declaredType(dialect, 'real'),
      declaredType(dialect, 'text'),
    ]);
  });

  it('refuses a database from a newer qsync and changes nothing', async () => {
    const s = await ctx.open();
    const layout = await setUpSurvey(s.store);
    await upsert(s.store, layout, basicRecords());
    await s.store.close();
    await s.setSchemaVersion(999);
    const before = await s.fingerprint();
    const err = await s.reopen().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).code).toBe('schema-too-new');
    expect((err as StoreError).message).toMatch(/999/);
    expect((err as StoreError).message.split('\n')).toHaveLength(1);
    expect(await s.fingerprint()).toBe(before);
  });

  for (const u of ctx.unusable) {
    it(`refuses ${u.name} with one clear error, leaving nothing behind`, async () => {
      const target = await u.target();
      const err = await ctx.openTarget(target).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe(u.code);
      expect((err as StoreError).message).toContain(u.mentions(target));
      expect((err as StoreError).message.split('\n')).toHaveLength(1);
      expect(await u.untouched(target)).toBe(true);
    });
  }
}
