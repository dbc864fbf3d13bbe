/**
 * Contract: deletions (reconcile and restore), in-progress responses, run bookkeeping.
 */
import { expect, it } from 'vitest';
import type { ContractContext } from './contract.ts';
import { basicRecords, counts, rec, SURVEY, setUpSurvey, steppingClock, upsert, wideRow } from './contract-fixtures.ts';

async function* slowly<T>(items: readonly T[]): AsyncIterable<T> {
  for (const item of items) {
    await new Promise((resolve) => setImmediate(resolve));
    yield item;
  }
}

export function lifecycleContract(ctx: ContractContext): void {
  it('reconcile marks missing responses deleted (never removing rows) and restores those that come back', async () => {
    const { clock } = steppingClock();
    const { store } = await ctx.open({ clock });
    const layout = await setUpSurvey(store);
    await upsert(store, layout, basicRecords());
    const first = await store.reconcile(SURVEY, slowly(['R_1', 'R_2', 'R_4', 'R_4', 'R_404']));
    expect(first).toEqual({ deleted: 2, restored: 0, live: 4, active: 3 });
    expect(await store.countResponses(SURVEY)).toBe(3);
    expect(await store.countResponses(SURVEY, { includeDeleted: true })).toBe(5);
    const gone = await store.getResponse(SURVEY, 'R_3');
    expect(gone?.deletedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(gone?.values.QID1).toBe(3);
    expect(await wideRow(store, SURVEY, 'R_3')).toMatchObject({ q1: 3, deleted_at: gone?.deletedAt });
    const again = await store.reconcile(SURVEY, ['R_1', 'R_2', 'R_4']);
    expect(again).toEqual({ deleted: 0, restored: 0, live: 3, active: 3 });
    expect((await store.getResponse(SURVEY, 'R_3'))?.deletedAt).toBe(gone?.deletedAt);
    const back = await store.reconcile(SURVEY, ['R_1', 'R_2', 'R_3', 'R_4']);
    expect(back).toEqual({ deleted: 0, restored: 1, live: 4, active: 4 });
    expect(await wideRow(store, SURVEY, 'R_3')).toMatchObject({ deleted_at: null });
    const reappeared = await upsert(store, layout, [basicRecords()[4]!]);
    expect(counts(reappeared)).toEqual({ inserted: 0, updated: 1, unchanged: 0, restored: 1, duplicates: 0 });
    expect(await store.getResponse(SURVEY, 'R_5')).toMatchObject({ deletedAt: null, wide: { deleted_at: null } });
  });

  it('reconcile with no stored responses or before any layout is harmless', async () => {
    const { store } = await ctx.open();
    await store.saveSurvey({ id: SURVEY, name: 'Empty' });
    expect(await store.reconcile(SURVEY, ['R_1'])).toEqual({ deleted: 0, restored: 0, live: 1, active: 0 });
  });

  it('keeps in-progress responses in their own table and removes them when they complete', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    const first = await store.replaceInProgress(SURVEY, slowly([rec('FS_1', { QID1: 1 }), rec('FS_2', { QID1: 2 })]));
    expect(first).toEqual({ upserted: 2, removed: 0 });
    const second = await store.replaceInProgress(SURVEY, [rec('FS_2', { QID1: 22 }), rec('FS_3', { QID9: 'new key' })]);
    expect(second).toEqual({ upserted: 2, removed: 1 });
    const rows = await store.listInProgress(SURVEY);
    expect(rows.map((r) => [r.responseId, r.values])).toEqual([
      ['FS_2', { QID1: 22 }],
      ['FS_3', { QID9: 'new key' }],
    ]);
    expect(rows[0]?.meta).toMatchObject({ progress: 100, finished: true });
    expect(await store.countResponses(SURVEY)).toBe(0);
    await store.transaction(async (tx) => {
      expect(await tx.upsertInProgress(SURVEY, [rec('FS_4', { QID1: 4 })])).toBe(1);
      expect(await tx.removeInProgress(SURVEY, ['FS_3', 'FS_nope'])).toBe(1);
      await tx.upsertResponses(SURVEY, layout, [rec('FS_2', { QID1: 22 })]);
    });
    expect((await store.listInProgress(SURVEY)).map((r) => r.responseId)).toEqual(['FS_4']);
    expect(await store.countResponses(SURVEY)).toBe(1);
  });

  it('records runs: started, counts committed with rows, finished with status and error, stale runs interrupted', async () => {
    const { store } = await ctx.open();
    const layout = await setUpSurvey(store);
    const stale = await store.startRun({ surveyId: SURVEY, kind: 'responses' });
    const runId = await store.startRun({ surveyId: SURVEY, kind: 'responses' });
    expect(runId).toBeGreaterThan(stale);
    expect(await store.getRun(stale)).toMatchObject({ status: 'interrupted' });
    expect(await store.getRun(runId)).toMatchObject({ status: 'running', finishedAt: null, inserted: 0 });
    await store.transaction(async (tx) => {
      const r = await tx.upsertResponses(SURVEY, layout, basicRecords());
      await tx.addRunCounts(runId, { inserted: r.inserted, unchanged: r.unchanged });
    });
    await store
      .transaction(async (tx) => {
        await tx.addRunCounts(runId, { inserted: 1000 });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    const done = await store.finishRun(runId, { status: 'success', counts: { deleted: 2, updated: 1 } });
    expect(done).toMatchObject({ id: runId, surveyId: SURVEY, kind: 'responses', status: 'success', inserted: 5 });
    expect(done).toMatchObject({ updated: 1, unchanged: 0, deleted: 2, restored: 0, error: null, requestId: null });
    expect(done.finishedAt! >= done.startedAt).toBe(true);
    const failed = await store.startRun({ kind: 'reconcile' });
    const f = await store.finishRun(failed, {
      status: 'failed',
      error: 'Export failed (500)\n    at stack frames',
      requestId: 'a1b2-c3',
    });
    expect(f).toMatchObject({ surveyId: null, status: 'failed', error: 'Export failed (500)', requestId: 'a1b2-c3' });
    expect((await store.listRuns()).map((r) => r.id)).toEqual([failed, runId, stale]);
    expect((await store.listRuns({ surveyId: SURVEY, limit: 1 })).map((r) => r.id)).toEqual([runId]);
  });
}
