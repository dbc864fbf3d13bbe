import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualtricsClient } from '../../src/client/index.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { resolveSurveys, runSync, type SurveyTarget } from '../../src/sync/index.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';
import { control, diffWithTruth, groundTruth, startSim } from './helpers.ts';

let pg: PostgresServer;
let sim: Simulator;
let client: QualtricsClient;
let store: Store;
let targets: SurveyTarget[];

beforeAll(async () => {
  pg = await startPostgres();
  ({ sim, client } = await startSim({ seed: 71, surveys: 2, responsesPerSurvey: 150 }));
  store = await openStore(await pg.createDatabase('sync'));
  ({ targets } = await resolveSurveys(client, { surveys: 'all' }));
}, 120_000);

afterAll(async () => {
  await store?.close();
  await sim?.close();
  await pg?.stop();
});

describe('sync into PostgreSQL (destination db: postgres://…)', () => {
  it('a full sync, then an incremental one with reconcile, each equal to the ground truth', async () => {
    const first = await runSync({ client, store }, targets, { concurrency: 2, batchSize: 40 });
    for (const r of first) expect(r, r.error ?? '').toMatchObject({ status: 'success', mode: 'full', inserted: 150 });
    const [a] = sim.surveyIds as [string];
    const added = await control(sim, a, 'add', 9);
    await control(sim, a, 'edit', 4);
    const deleted = await control(sim, a, 'delete', 2);
    // A response added and deleted between the runs is never stored, so never marked deleted either.
    const gone = deleted.filter((id) => added.includes(id)).length;
    const second = await runSync({ client, store }, targets, { concurrency: 2, reconcile: true });
    expect(second.find((r) => r.surveyId === a)).toMatchObject({ status: 'success', mode: 'continuation', inserted: 9 - gone, deleted: 2 - gone });
    for (const surveyId of sim.surveyIds) {
      expect(await diffWithTruth(store, surveyId, await groundTruth(sim, surveyId)), surveyId).toEqual([]);
    }
  });
});
