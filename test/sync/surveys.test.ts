import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QualtricsClient } from '../../src/client/index.ts';
import type { SimResponse, SimWorld } from '../../src/sim/contract.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { createClock, createWorld } from '../../src/sim/world/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { resolveSurveys, runSync, type SurveyTarget } from '../../src/sync/index.ts';
import { clientFor, control, diffWithTruth, groundTruth, startSim, tempDir } from './helpers.ts';

let sim: Simulator;
let client: QualtricsClient;
let store: Store;
let dir: ReturnType<typeof tempDir>;

async function setUp(world?: SimWorld): Promise<void> {
  ({ sim, client } = await startSim({ seed: 41, surveys: 3, responsesPerSurvey: 120, ...(world ? { world } : {}) }));
  dir = tempDir();
  store = await openStore(join(dir.dir, 'qsync.db'));
}

afterEach(async () => {
  await store?.close();
  await sim?.close();
  dir?.remove();
});

describe('many surveys at once', () => {
  beforeEach(() => setUp());

  it('a survey whose export fails is reported; the others complete and commit; the next run recovers it', async () => {
    const [a, b, c] = sim.surveyIds as [string, string, string];
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ script: [{ match: `POST /API/v3/surveys/${b}/export-responses`, fault: 'exportFail' }] }),
    });
    const { targets } = await resolveSurveys(client, { surveys: 'all' });
    const results = await runSync({ client, store }, targets, { concurrency: 3 });
    const byId = new Map(results.map((r) => [r.surveyId, r]));
    expect(byId.get(a)).toMatchObject({ status: 'success', inserted: 120 });
    expect(byId.get(c)).toMatchObject({ status: 'success', inserted: 120 });
    expect(byId.get(b)?.status).toBe('failed');
    expect(byId.get(b)?.error).toMatch(/failed/);
    expect(await store.countResponses(b)).toBe(0);
    const [run] = await store.listRuns({ surveyId: b, limit: 1 });
    expect(run).toMatchObject({ kind: 'responses', status: 'failed' });
    expect(run?.error).toMatch(/failed/);
    // The failed job stays pending; the next run finds it failed, starts a new export, and succeeds.
    const [again] = await runSync({ client, store }, targets.filter((t) => t.surveyId === b));
    expect(again).toMatchObject({ status: 'success', inserted: 120 });
    for (const id of [a, b, c]) expect(await diffWithTruth(store, id, await groundTruth(sim, id))).toEqual([]);
  });

  it('resolveSurveys reports an unknown survey on its own and throws once for wrong credentials', async () => {
    const { targets, failed } = await resolveSurveys(client, { surveys: 'all', only: [sim.surveyIds[0]!, 'SV_doesnotexist000'] });
    expect(targets.map((t) => t.surveyId)).toEqual([sim.surveyIds[0]]);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ surveyId: 'SV_doesnotexist000', status: 'failed' });
    expect(failed[0]?.error).toMatch(/not found/i);
    expect(failed[0]?.error).toContain('SV_doesnotexist000');
    await expect(resolveSurveys(clientFor(sim, 'wrong-token-0123456789'), { surveys: 'all' })).rejects.toThrow(/401|Unrecognized|token/i);
  });

  it('a survey listed in the config keeps its options; --survey narrows the run', async () => {
    const [a, b] = sim.surveyIds as [string, string];
    const listed: SurveyTarget[] = [{ surveyId: a, export: { useLabels: true }, longAnswers: true }, { surveyId: b }];
    const { targets } = await resolveSurveys(client, { surveys: listed, only: [a] });
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({ surveyId: a, export: { useLabels: true }, longAnswers: true });
    const [result] = await runSync({ client, store }, targets);
    expect(result).toMatchObject({ status: 'success', inserted: 120 });
    const any = (await groundTruth(sim, a))[0]!;
    const answers = await store.getAnswers(a, any.responseId);
    expect(answers.length).toBeGreaterThan(0);
    // Label export: the status is its label text, still typed as a code in `responses`.
    const stored = await store.getResponse(a, any.responseId);
    expect(stored?.values['status']).toBe('IP Address');
    expect(stored?.meta.status).toBe(0);
  });
});

describe('a survey with a saved filter', () => {
  beforeEach(() => setUp());

  it('is exported whole through the filter on every run, and reconciled against the filtered ids', async () => {
    const surveyId = sim.surveyIds[0]!;
    const filter = sim.world.survey(surveyId)!.filters.find((f) => f.filterName.includes('EN'))!;
    const filtered = async () => (await groundTruth(sim, surveyId)).filter((t) => t.values['userLanguage'] === 'EN');
    const { targets } = await resolveSurveys(client, { surveys: [{ surveyId, export: { filterId: filter.filterId } }] });
    const [first] = await runSync({ client, store }, targets);
    const truth = await filtered();
    expect(truth.length).toBeGreaterThan(0);
    expect(truth.length).toBeLessThan(120);
    expect(first).toMatchObject({ status: 'success', mode: 'filtered', inserted: truth.length });
    // Without sorting by last-modified date, the export has no LastModifiedDate column.
    expect(await diffWithTruth(store, surveyId, truth, { withLastModified: false })).toEqual([]);
    await control(sim, surveyId, 'add', 30);
    await control(sim, surveyId, 'edit', 10);
    await control(sim, surveyId, 'delete', 20);
    const [second] = await runSync({ client, store }, targets, { reconcile: true });
    expect(second).toMatchObject({ status: 'success', mode: 'filtered', reconciled: true });
    expect(await diffWithTruth(store, surveyId, await filtered(), { withLastModified: false })).toEqual([]);
    expect((await store.getSyncState(surveyId))?.continuationToken).toBeNull();
  });
});

/** The generated world, with some in-progress sessions hidden (as if they had completed). */
function completingWorld(base: SimWorld): SimWorld & { complete(ids: string[]): void } {
  const done = new Set<string>();
  return {
    ...base,
    *responses(surveyId, opts) {
      for (const r of base.responses(surveyId, opts) as Iterable<SimResponse>) if (!done.has(r.responseId)) yield r;
    },
    complete(ids) {
      for (const id of ids) done.add(id);
    },
  };
}

describe('in-progress responses', () => {
  it('are kept in their own table, and removed once they are no longer in progress', async () => {
    const world = completingWorld(createWorld({ seed: 43, surveys: 1, responsesPerSurvey: 60, clock: createClock() }));
    await setUp(world);
    const surveyId = sim.surveyIds[0]!;
    const sessions = [...world.responses(surveyId, { inProgress: true })].map((r) => r.responseId);
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    const { targets } = await resolveSurveys(client, { surveys: 'all', defaults: { inProgress: true } });
    const [first] = await runSync({ client, store }, targets);
    expect(first).toMatchObject({ status: 'success', inserted: 60, inProgress: sessions.length });
    expect((await store.listInProgress(surveyId)).map((r) => r.responseId).sort()).toEqual([...sessions].sort());
    world.complete(sessions.slice(0, 1));
    await control(sim, surveyId, 'add', 2);
    const [second] = await runSync({ client, store }, targets);
    expect(second).toMatchObject({ status: 'success', inserted: 2, inProgress: sessions.length - 1 });
    expect((await store.listInProgress(surveyId)).map((r) => r.responseId).sort()).toEqual(sessions.slice(1).sort());
    expect(await diffWithTruth(store, surveyId, await groundTruth(sim, surveyId))).toEqual([]);
  });
});
