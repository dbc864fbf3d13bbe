/**
 * Contract: the write path. Idempotent upserts, edits, atomic rows + cursor, duplicates, unknown keys, long-form
 * answers, the cursor's patch semantics, misuse.
 */
import { expect, it } from 'vitest';
import { StoreError } from '../../src/store/index.ts';
import type { ContractContext } from './contract.ts';
import {
  BASIC_COLUMNS,
  basicRecords,
  counts,
  rec,
  SURVEY,
  setUpSurvey,
  steppingClock,
  upsert,
  wideRow,
} from './contract-fixtures.ts';

async function rejection(p: Promise<unknown>): Promise<StoreError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

export function writesContract(ctx: ContractContext): void {
  it('upserts idempotently: the same batch twice gives the same rows, the second time all unchanged', async () => {
    const { clock, last } = steppingClock();
    const { store } = await ctx.open({ clock });
    const layout = await setUpSurvey(store);
    const first = await upsert(store, layout, basicRecords());
    expect(counts(first)).toEqual({ inserted: 5, updated: 0, unchanged: 0, restored: 0, duplicates: 0 });
    expect(first.materialized).toEqual(['q1', 'q3']);
    const stamp = (await store.getResponse(SURVEY, 'R_2'))?.syncedAt ?? '';
    expect(stamp > '2024-03-01T12:00:00.000Z' && stamp <= last()).toBe(true);
    const before = await store.getResponse(SURVEY, 'R_2');
    const second = await upsert(store, layout, basicRecords());
    expect(counts(second)).toEqual({ inserted: 0, updated: 0, unchanged: 5, restored: 0, duplicates: 0 });
    expect(await store.getResponse(SURVEY, 'R_2')).toEqual(before);
    expect(before).toMatchObject({
      responseId: 'R_2',
      values: { startDate: '2024-02-02T08:00:00.000Z', QID1: 2, QID2_TEXT: 'text 2', QID3: [1, 2] },
      labels: null,
      meta: { progress: 100, duration: 300, finished: true, status: 0, userLanguage: 'EN', endDate: null },
      syncedAt: stamp,
      deletedAt: null,
      wide: {
        response_id: 'R_2',
        synced_at: stamp,
        deleted_at: null,
        startdate: '2024-02-02T08:00:00.000Z',
        q1: 2,
        q2_text: 'text 2',
        q3: [1, 2],
      },
    });
    expect(await store.countResponses(SURVEY)).toBe(5);
  });

  it('updates edited responses only, in responses and the wide table', async () => {
    const { clock, last } = steppingClock();
    const { store } = await ctx.open({ clock });
    const layout = await setUpSurvey(store);
    await upsert(store, layout, basicRecords());
    const firstStamp = last();
    const edited = basicRecords();
    edited[2] = rec('R_3', { QID1: 33, QID2_TEXT: 'edited' }, { QID1: 'Thirty-three' });
    const result = await upsert(store, layout, edited);
    expect(counts(result)).toEqual({ inserted: 0, updated: 1, unchanged: 4, restored: 0, duplicates: 0 });
    const back = await store.getResponse(SURVEY, 'R_3');
    expect(back).toMatchObject({ values: { QID1: 33, QID2_TEXT: 'edited' }, labels: { QID1: 'Thirty-three' } });
    expect(String(back?.syncedAt) > firstStamp && String(back?.syncedAt) <= last()).toBe(true);
    expect(back?.wide).toMatchObject({ q1: 33, q2_text: 'edited', startdate: null, q3: null, synced_at: back?.syncedAt });
    expect((await store.getResponse(SURVEY, 'R_1'))?.syncedAt).toBe(firstStamp);
    const metaOnly = basicRecords();
    metaOnly[0] = { ...metaOnly[0]!, meta: { ...metaOnly[0]!.meta, progress: 50 } };
    // R_1's metadata changed; R_3 goes back to its first version.
    expect(counts(await upsert(store, layout, metaOnly))).toMatchObject({ updated: 2, unchanged: 3 });
  });

  it('commits rows and cursor together: a throw inside the transaction leaves neither', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    await store.transaction(async (tx) => {
      await tx.upsertResponses(SURVEY, layout, basicRecords().slice(0, 2));
      await tx.setSyncState(SURVEY, { continuationToken: 'token-1' });
    });
    const boom = new Error('network dropped mid-batch');
    const thrown = await store
      .transaction(async (tx) => {
        await tx.upsertResponses(SURVEY, layout, [...basicRecords(), rec('R_9', { QID1: 'widens q1' })]);
        await tx.setSyncState(SURVEY, { continuationToken: 'token-2', pendingProgressId: 'ES_x' });
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    expect(await store.countResponses(SURVEY, { includeDeleted: true })).toBe(2);
    expect(await store.getSyncState(SURVEY)).toMatchObject({ continuationToken: 'token-1', pendingProgressId: null });
    expect((await store.getLayout(SURVEY))?.columns.find((c) => c.key === 'QID1')?.sqlType).toBe('integer');
    const after = await upsert(store, layout, basicRecords());
    expect(counts(after)).toMatchObject({ inserted: 3, unchanged: 2 });
    expect(await wideRow(store, SURVEY, 'R_5')).toMatchObject({ q1: 5 });
  });

  it('keeps the last copy of an id repeated in one batch', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    const result = await upsert(store, layout, [rec('R_1', { QID1: 1 }), rec('R_2', { QID1: 2 }), rec('R_1', { QID1: 11 })]);
    expect(counts(result)).toEqual({ inserted: 2, updated: 0, unchanged: 0, restored: 0, duplicates: 1 });
    expect((await store.getResponse(SURVEY, 'R_1'))?.values).toEqual({ QID1: 11 });
  });

  it('refuses a value for a column the layout does not have, writing nothing of the batch', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    const err = await rejection(upsert(store, layout, [rec('R_1', { QID1: 1 }), rec('R_2', { QID77: 'x' })]));
    expect(err.code).toBe('invalid-input');
    expect(err.message).toContain('QID77');
    expect(err.message).toContain('R_2');
    expect(await store.countResponses(SURVEY)).toBe(0);
  });

  it('keeps long-form answers when enabled, replaced per response, backfilled when switched on', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    await upsert(store, layout, [rec('R_1', { startDate: '2024-01-01T00:00:00.000Z', QID1: 1, QID3: [2] }, { QID1: 'One' })]);
    expect(await store.getAnswers(SURVEY, 'R_1')).toEqual([]);
    await store.saveSurvey({ id: SURVEY, name: 'Contract survey', longAnswers: true });
    const expected = [
      { columnKey: 'QID1', importId: 'QID1', value: '1', label: 'One' },
      { columnKey: 'QID3', importId: 'QID3', value: '[2]', label: null },
    ];
    expect(await store.getAnswers(SURVEY, 'R_1')).toEqual(expected);
    await upsert(store, layout, [rec('R_1', { QID1: 2, QID2_TEXT: 'free text' })]);
    expect(await store.getAnswers(SURVEY, 'R_1')).toEqual([
      { columnKey: 'QID1', importId: 'QID1', value: '2', label: null },
      { columnKey: 'QID2_TEXT', importId: 'QID2_TEXT', value: 'free text', label: null },
    ]);
    await store.saveSurvey({ id: SURVEY, name: 'Contract survey', longAnswers: false });
    expect(await store.getAnswers(SURVEY, 'R_1')).toEqual([]);
  });

  it('patches the cursor: absent fields kept, null clears, JSON params round-trip', async () => {
    const { store } = await ctx.open();
    await setUpSurvey(store);
    const params = { format: 'json', allowContinuation: true, questionIds: ['QID1'] };
    await store.transaction(async (tx) => {
      await tx.setSyncState(SURVEY, { pendingProgressId: 'ES_1', pendingStartedAt: '2024-01-01T00:00:00.000Z', pendingParams: params });
    });
    await store.transaction(async (tx) => {
      await tx.setSyncState(SURVEY, { continuationToken: 'tok', pendingProgressId: null, lastRunId: 7 });
    });
    expect(await store.getSyncState(SURVEY)).toMatchObject({
      surveyId: SURVEY,
      continuationToken: 'tok',
      pendingProgressId: null,
      pendingStartedAt: '2024-01-01T00:00:00.000Z',
      pendingParams: params,
      lastRunId: 7,
      highWaterMark: null,
    });
  });

  it('refuses misuse: store calls inside a transaction, a transaction handle after it ended, a closed store', async () => {
    const s = await ctx.open();
    const layout = await setUpSurvey(s.store);
    const inner = await s.store
      .transaction(async () => rejection(s.store.getSyncState(SURVEY)))
      .catch((e: unknown) => e);
    expect((inner as StoreError).code).toBe('misuse');
    let leaked: Parameters<Parameters<typeof s.store.transaction>[0]>[0] | undefined;
    await s.store.transaction(async (tx) => {
      leaked = tx;
    });
    expect((await rejection(leaked!.upsertResponses(SURVEY, layout, basicRecords()))).code).toBe('closed');
    expect((await rejection(s.store.transaction((tx) => tx.upsertResponses('SV_unknown', layout, [])))).code).toBe(
      'invalid-input',
    );
    expect((await rejection(s.store.ensureLayout('SV_unsaved', BASIC_COLUMNS))).code).toBe('invalid-input');
    await s.store.close();
    expect((await rejection(s.store.listSurveys())).code).toBe('closed');
  });
}
