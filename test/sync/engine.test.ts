import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualtricsClient } from '../../src/client/index.ts';
import type { Simulator, StatsSnapshot } from '../../src/sim/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { resolveSurveys, runSync, type SurveySyncResult, type SurveyTarget } from '../../src/sync/index.ts';
import { control, diffWithTruth, groundTruth, startSim, tempDir } from './helpers.ts';

const START = 'POST /API/v3/surveys/{surveyId}/export-responses';
const FILE = 'GET /API/v3/surveys/{surveyId}/export-responses/{fileId}/file';

let sim: Simulator;
let client: QualtricsClient;
let store: Store;
let targets: SurveyTarget[];
let dir: ReturnType<typeof tempDir>;

async function stats(reset = false): Promise<StatsSnapshot> {
  const res = await fetch(`${sim.url}/_sim/stats`, { method: reset ? 'DELETE' : 'GET' });
  return (await res.json()) as StatsSnapshot;
}

function byId(results: SurveySyncResult[]): Map<string, SurveySyncResult> {
  return new Map(results.map((r) => [r.surveyId, r]));
}

async function expectExact(): Promise<void> {
  for (const surveyId of sim.surveyIds) {
    const truth = await groundTruth(sim, surveyId);
    expect(await diffWithTruth(store, surveyId, truth), surveyId).toEqual([]);
  }
}

beforeAll(async () => {
  ({ sim, client } = await startSim({ seed: 11, surveys: 3, responsesPerSurvey: 250 }));
  dir = tempDir();
  store = await openStore(join(dir.dir, 'qsync.db'));
  ({ targets } = await resolveSurveys(client, { surveys: 'all' }));
});

afterAll(async () => {
  await store?.close();
  await sim?.close();
  dir?.remove();
});

describe('sync against the simulator', () => {
  it('a first sync stores every response, equal to the ground truth value by value', async () => {
    const results = await runSync({ client, store }, targets, { concurrency: 3, batchSize: 100 });
    for (const r of results) {
      expect(r, r.error ?? '').toMatchObject({ status: 'success', mode: 'full', inserted: 250, updated: 0, exported: 250 });
    }
    await expectExact();
    const state = await store.getSyncState(sim.surveyIds[0]!);
    expect(state?.continuationToken).toBeTruthy();
    expect(state?.pendingProgressId).toBeNull();
    expect(state?.highWaterMark).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('an incremental sync exports and moves only the new, edited and deleted responses', async () => {
    const [a, b, c] = sim.surveyIds as [string, string, string];
    const added = await control(sim, a, 'add', 10);
    const edited = await control(sim, a, 'edit', 5);
    const deleted = await control(sim, a, 'delete', 3);
    await control(sim, b, 'edit', 4);
    await stats(true);
    const results = byId(await runSync({ client, store }, targets, { concurrency: 3, reconcile: true }));
    expect(results.get(a)).toMatchObject({ status: 'success', mode: 'continuation', reconciled: true });
    // The export holds what is still live; a response added and deleted between the runs is never stored.
    const addedLive = added.filter((id) => !deleted.includes(id));
    const editedLive = edited.filter((id) => !deleted.includes(id) && !added.includes(id)).length;
    const gone = added.length - addedLive.length;
    expect(results.get(a)).toMatchObject({ exported: addedLive.length + editedLive, inserted: addedLive.length, updated: editedLive, deleted: 3 - gone });
    expect(results.get(b)).toMatchObject({ status: 'success', exported: 4, inserted: 0, updated: 4, deleted: 0 });
    expect(results.get(c)).toMatchObject({ status: 'success', exported: 0, inserted: 0, updated: 0, deleted: 0 });
    // One responses export and one ids export per survey, each downloaded once.
    const s = await stats();
    expect(s.routes[START]?.total).toBe(6);
    expect(s.routes[FILE]?.total).toBe(6);
    expect(added).toHaveLength(10);
    for (const id of deleted.filter((d) => !added.includes(d))) expect((await store.getResponse(a, id))?.deletedAt).toMatch(/^\d{4}-/);
    await expectExact();
  });

  it('a run with nothing new changes nothing and needs no reconcile export', async () => {
    await stats(true);
    const results = await runSync({ client, store }, targets, { concurrency: 3 });
    for (const r of results) expect(r).toMatchObject({ status: 'success', mode: 'continuation', exported: 0, inserted: 0, updated: 0, reconciled: false });
    expect((await stats()).routes[START]?.total).toBe(3);
    await expectExact();
  });

  it('falls back to a last-modified window when the continuation token has expired (8 days later)', async () => {
    const [a] = sim.surveyIds as [string];
    await fetch(`${sim.url}/_sim/clock`, { method: 'POST', body: JSON.stringify({ advanceMs: 8 * 86_400_000 }) });
    await control(sim, a, 'add', 6);
    const edited = await control(sim, a, 'edit', 2);
    await stats(true);
    const results = byId(await runSync({ client, store }, targets, { concurrency: 3 }));
    expect(results.get(a)).toMatchObject({ status: 'success', mode: 'window', inserted: 6, updated: edited.length });
    for (const r of results.values()) expect(r.status).toBe('success');
    // Each survey: the refused continuation export (400), then the window export.
    const s = await stats();
    expect(s.routes[START]?.byStatus['400']).toBe(3);
    expect(s.routes[START]?.byStatus['200']).toBe(3);
    await expectExact();
    // The window export asked for a new token: the next run is incremental again.
    const next = await runSync({ client, store }, targets, { concurrency: 3 });
    for (const r of next) expect(r).toMatchObject({ status: 'success', mode: 'continuation', exported: 0 });
  });

  it('restores a response marked deleted that is live again', async () => {
    const [a] = sim.surveyIds as [string];
    const truth = await groundTruth(sim, a);
    const victim = truth[0]!.responseId;
    const marked = await store.reconcile(a, truth.slice(1).map((t) => t.responseId));
    expect(marked.deleted).toBe(1);
    expect((await store.getResponse(a, victim))?.deletedAt).not.toBeNull();
    const [result] = await runSync({ client, store }, targets.slice(0, 1), { reconcile: true });
    expect(result).toMatchObject({ status: 'success', deleted: 0, restored: 1 });
    expect((await store.getResponse(a, victim))?.deletedAt).toBeNull();
    await expectExact();
  });

  it('--full-refresh re-exports everything, changes nothing that is already equal, and reconciles', async () => {
    const results = await runSync({ client, store }, targets, { concurrency: 3, fullRefresh: true });
    for (const r of results) {
      expect(r).toMatchObject({ status: 'success', mode: 'full', inserted: 0, updated: 0, reconciled: true });
      expect(r.unchanged).toBe(await store.countResponses(r.surveyId));
    }
    const runs = await store.listRuns({ surveyId: sim.surveyIds[0]!, limit: 2 });
    expect(runs.map((r) => [r.kind, r.status])).toEqual([
      ['reconcile', 'success'],
      ['responses', 'success'],
    ]);
    await expectExact();
  });
});
