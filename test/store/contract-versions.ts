/**
 * Contract: which version of a response is stored. A record older than the stored response (an earlier
 * `lastModifiedDate`) never replaces it, in `responses`, the wide table or `answers`; equal dates, newer dates and
 * unknown dates write as usual.
 */
import { expect, it } from 'vitest';
import type { Store, StoreRecord, StoreValue } from '../../src/store/index.ts';
import type { ContractContext } from './contract.ts';
import { counts, rec, SURVEY, setUpSurvey, steppingClock, upsert, wideRow } from './contract-fixtures.ts';

const T1 = '2024-05-01T09:00:00.000Z';
const T2 = '2024-05-01T10:00:00.000Z';
const T3 = '2024-05-01T11:00:00.000Z';

/** A response of the basic survey, last modified at `lastModifiedDate`. */
function version(id: string, lastModifiedDate: string | null, values: Record<string, StoreValue>, label?: string): StoreRecord {
  const r = rec(id, values, label === undefined ? undefined : { QID1: label });
  return { ...r, meta: { ...r.meta, lastModifiedDate } };
}

/** What a reader sees of a response: values, labels, last modified date, tombstone, wide cells, answers. */
async function seen(store: Store, id: string) {
  const r = await store.getResponse(SURVEY, id);
  const wide = r?.wide ?? {};
  return {
    values: r?.values,
    labels: r?.labels,
    lastModified: r?.meta.lastModifiedDate,
    syncedAt: r?.syncedAt,
    deletedAt: r?.deletedAt,
    wide: { q1: wide.q1, q2_text: wide.q2_text, deleted_at: wide.deleted_at, synced_at: wide.synced_at },
    answers: (await store.getAnswers(SURVEY, id)).map((a) => [a.columnKey, a.value, a.label]),
  };
}

export function versionsContract(ctx: ContractContext): void {
  it('skips a version older than the stored one in every table, and counts it as stale and unchanged', async () => {
    const { clock } = steppingClock();
    const { store } = await ctx.open({ clock });
    const layout = await setUpSurvey(store, { longAnswers: true });
    const newer = [
      version('R_1', T2, { QID1: 2, QID2_TEXT: 'newer' }, 'Two'),
      version('R_2', T2, { QID1: 2, QID2_TEXT: 'newer' }),
    ];
    await upsert(store, layout, newer);
    await store.reconcile(SURVEY, ['R_1']);
    const before = { r1: await seen(store, 'R_1'), r2: await seen(store, 'R_2') };
    expect(before.r1).toMatchObject({ values: { QID1: 2, QID2_TEXT: 'newer' }, lastModified: T2, deletedAt: null });
    expect(before.r2.deletedAt).not.toBeNull();

    // A late writer's older export: R_1 edited before T2, R_2 (deleted since) in its old version, R_3 new.
    const older = [
      version('R_1', T1, { QID1: 1, QID2_TEXT: 'older' }, 'One'),
      version('R_2', T1, { QID1: 1 }),
      version('R_3', T1, { QID1: 3 }),
    ];
    const result = await upsert(store, layout, older);
    expect(counts(result)).toEqual({ inserted: 1, updated: 0, unchanged: 2, restored: 0, duplicates: 0 });
    expect(result.stale).toBe(2);
    expect(await seen(store, 'R_1')).toEqual(before.r1);
    expect(await seen(store, 'R_2')).toEqual(before.r2);
    expect(before.r1.answers).toEqual([
      ['QID1', '2', 'Two'],
      ['QID2_TEXT', 'newer', null],
    ]);
    expect(await store.countResponses(SURVEY)).toBe(2);

    // The same instant written with an offset is not older; an earlier instant with an offset is.
    const sameInstant = await upsert(store, layout, [version('R_1', '2024-05-01T12:00:00+02:00', { QID1: 22 })]);
    expect(counts(sameInstant)).toMatchObject({ updated: 1, unchanged: 0 });
    expect(sameInstant.stale).toBe(0);
    const earlierInstant = await upsert(store, layout, [version('R_1', '2024-05-01T11:59:59+02:00', { QID1: 0 })]);
    expect([earlierInstant.unchanged, earlierInstant.stale]).toEqual([1, 1]);
    expect((await store.getResponse(SURVEY, 'R_1'))?.values).toEqual({ QID1: 22 });

    // A newer version writes as usual, and restores a deleted response.
    const newest = await upsert(store, layout, [version('R_1', T3, { QID1: 33 }), version('R_2', T3, { QID1: 33 })]);
    expect(counts(newest)).toEqual({ inserted: 0, updated: 2, unchanged: 0, restored: 1, duplicates: 0 });
    expect(newest.stale).toBe(0);
    for (const id of ['R_1', 'R_2']) {
      expect(await seen(store, id)).toMatchObject({
        values: { QID1: 33 },
        lastModified: T3,
        deletedAt: null,
        wide: { q1: 33, q2_text: null, deleted_at: null },
        answers: [['QID1', '33', null]],
      });
    }
  });

  it('writes an equal date with different content, and restores a deleted response re-exported with its date', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store, { longAnswers: true });
    await upsert(store, layout, [version('R_1', T2, { QID1: 1, QID2_TEXT: 'first' }), version('R_2', T2, { QID1: 2 })]);
    const edited = await upsert(store, layout, [version('R_1', T2, { QID1: 11, QID2_TEXT: 'same date' }, 'Eleven')]);
    expect(counts(edited)).toEqual({ inserted: 0, updated: 1, unchanged: 0, restored: 0, duplicates: 0 });
    expect(edited.stale).toBe(0);
    expect(await seen(store, 'R_1')).toMatchObject({
      values: { QID1: 11, QID2_TEXT: 'same date' },
      labels: { QID1: 'Eleven' },
      wide: { q1: 11, q2_text: 'same date' },
      answers: [
        ['QID1', '11', 'Eleven'],
        ['QID2_TEXT', 'same date', null],
      ],
    });

    // A full refresh after a reconcile that wrongly thought R_2 gone: same date, same content, restored.
    await store.reconcile(SURVEY, ['R_1']);
    expect((await store.getResponse(SURVEY, 'R_2'))?.deletedAt).not.toBeNull();
    const refresh = await upsert(store, layout, [version('R_1', T2, { QID1: 11, QID2_TEXT: 'same date' }, 'Eleven'), version('R_2', T2, { QID1: 2 })]);
    expect(counts(refresh)).toEqual({ inserted: 0, updated: 1, unchanged: 1, restored: 1, duplicates: 0 });
    expect(refresh.stale).toBe(0);
    expect(await seen(store, 'R_2')).toMatchObject({
      values: { QID1: 2 },
      deletedAt: null,
      wide: { q1: 2, deleted_at: null },
      answers: [['QID1', '2', null]],
    });
  });

  it('writes as before when either date is unknown', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    await upsert(store, layout, [version('R_known', T2, { QID1: 1 }), version('R_null', null, { QID1: 1 })]);
    // Stored date known, incoming unknown; stored unknown, incoming old: both written.
    const result = await upsert(store, layout, [version('R_known', null, { QID1: 2 }), version('R_null', T1, { QID1: 2 })]);
    expect(counts(result)).toEqual({ inserted: 0, updated: 2, unchanged: 0, restored: 0, duplicates: 0 });
    expect(result.stale).toBe(0);
    expect(await seen(store, 'R_known')).toMatchObject({ values: { QID1: 2 }, lastModified: null, wide: { q1: 2 } });
    expect(await seen(store, 'R_null')).toMatchObject({ values: { QID1: 2 }, lastModified: T1, wide: { q1: 2 } });
    // Both unknown: the content alone decides.
    const nulls = await upsert(store, layout, [version('R_known', null, { QID1: 2 }), version('R_null', null, { QID1: 3 })]);
    expect(counts(nulls)).toEqual({ inserted: 0, updated: 1, unchanged: 1, restored: 0, duplicates: 0 });
    expect(nulls.stale).toBe(0);
    expect((await wideRow(store, SURVEY, 'R_null'))?.q1).toBe(3);
  });
}
