import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QualtricsClient } from '../../src/client/index.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { createClock, createWorld } from '../../src/sim/world/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { resolveSurveys, runSync, type SurveyTarget } from '../../src/sync/index.ts';
import { ADDED_QUESTION, ADDED_TAG, type EvolvingWorld, evolvingWorld, HOSTILE_TAGS, SCORE_FIELD } from './evolving-world.ts';
import { control, diffWithTruth, groundTruth, startSim, tempDir } from './helpers.ts';

let sim: Simulator;
let client: QualtricsClient;
let world: EvolvingWorld;
let store: Store;
let target: SurveyTarget;
let dir: ReturnType<typeof tempDir>;
let dbPath: string;

async function sync(): Promise<void> {
  // The survey definition changes between runs: fetch it again, as every `qsync sync` does.
  [target] = (await resolveSurveys(client, { surveys: 'all', only: [world.surveys()[0]!.id] })).targets as [SurveyTarget];
  const [result] = await runSync({ client, store }, [target], { batchSize: 40 });
  expect(result?.status, result?.error ?? '').toBe('success');
  expect(await diffWithTruth(store, target.surveyId, await groundTruth(sim, target.surveyId))).toEqual([]);
}

const columnsOf = (surveyId: string) => store.getLayout(surveyId).then((l) => l!.columns);

beforeAll(async () => {
  world = evolvingWorld(createWorld({ seed: 31, surveys: 2, responsesPerSurvey: 150, clock: createClock() }));
  ({ sim, client } = await startSim({ world }));
  dir = tempDir();
  dbPath = join(dir.dir, 'qsync.db');
  store = await openStore(dbPath);
});

afterAll(async () => {
  await store?.close();
  await sim?.close();
  dir?.remove();
});

describe('hostile export tags, schema evolution and type widening', () => {
  it('stores quotes, SQL keywords, ";", unicode and 500-character tags as data, under safe unique column names', async () => {
    await sync();
    const columns = await columnsOf(target.surveyId);
    const tags = new Set(columns.map((c) => c.exportTag));
    for (const tag of HOSTILE_TAGS) expect([...tags].some((t) => t === tag || t.startsWith(`${tag}_`))).toBe(true);
    expect(tags.has(SCORE_FIELD)).toBe(true);
    const names = columns.map((c) => c.sqlName);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const name of names) {
      expect(['response_id', 'synced_at', 'deleted_at']).not.toContain(name.toLowerCase());
      expect(Buffer.byteLength(name)).toBeLessThanOrEqual(63);
    }
    // Nothing was executed from a tag: every table is still there, and the wide table has one column per export column.
    const wideTable = (await store.getSurvey(target.surveyId))!.tableName;
    const db = new Database(dbPath, { readonly: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
      expect(tables).toEqual(expect.arrayContaining(['surveys', 'responses', 'answers', 'sync_state', 'sync_runs', wideTable]));
      const stored = db.prepare(`SELECT export_tag FROM survey_columns WHERE survey_id = ?`).pluck().all(target.surveyId) as string[];
      expect(stored).toEqual(expect.arrayContaining(HOSTILE_TAGS.filter((t) => !t.startsWith('Q1')).map((t) => expect.stringContaining(t))));
    } finally {
      db.close();
    }
  });

  it('a question added to the survey adds its column; older responses keep null there', async () => {
    const before = (await store.describeWideTable(target.surveyId)).length;
    world.advanceStage();
    const added = await control(sim, target.surveyId, 'add', 7);
    await sync();
    const column = (await columnsOf(target.surveyId)).find((c) => c.questionId === ADDED_QUESTION);
    expect(column).toMatchObject({ exportTag: ADDED_TAG, importId: `${ADDED_QUESTION}_TEXT`, sqlType: 'text' });
    const declared = await store.describeWideTable(target.surveyId);
    expect(declared.length).toBe(before + 1);
    expect(declared.map((d) => d.name)).toContain(column!.sqlName);
    const fresh = await store.getResponse(target.surveyId, added[0]!);
    expect(fresh?.wide?.[column!.sqlName]).toMatch(/^added answer \d+$/);
  });

  it('a value that no longer fits its column widens the column without losing the values stored before', async () => {
    const score = (await columnsOf(target.surveyId)).find((c) => c.exportTag === SCORE_FIELD)!;
    expect(score.sqlType).toBe('integer');
    const truthBefore = await groundTruth(sim, target.surveyId);
    world.advanceStage();
    await control(sim, target.surveyId, 'add', 3);
    await control(sim, target.surveyId, 'edit', 4);
    await sync();
    const widened = (await columnsOf(target.surveyId)).find((c) => c.key === score.key)!;
    expect(widened.sqlType).toBe('text');
    expect(widened.sqlName).toBe(score.sqlName);
    // An untouched response still holds its old score, now as text.
    const old = truthBefore.find((t) => typeof t.values[SCORE_FIELD] === 'string' && /^\d$/.test(String(t.values[SCORE_FIELD])))!;
    const row = await store.getResponse(target.surveyId, old.responseId);
    expect(String(row?.wide?.[score.sqlName])).toBe(old.values[SCORE_FIELD]);
  });

  it('the other survey, untouched, is still exact', async () => {
    const other = world.surveys()[1]!.id;
    const { targets } = await resolveSurveys(client, { surveys: 'all', only: [other] });
    const [result] = await runSync({ client, store }, targets);
    expect(result?.status).toBe('success');
    expect(await diffWithTruth(store, other, await groundTruth(sim, other))).toEqual([]);
  });
});
