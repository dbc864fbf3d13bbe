/**
 * The PostgreSQL write path beyond the contract: a batch mixing new, edited, unchanged, restored and repeated
 * responses (counts, both tables, answers, in-progress rows), a batch of new responses only (its shorter statement), widening found after COPY data was already sent,
 * several upserts in one transaction, two processes writing one survey at once (also with the late one carrying an
 * older export), and bad input in a later chunk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { PostgresStore } from '../../src/store/postgres/postgres-store.ts';
import type { StoreColumn, StoreRecord, StoreValue } from '../../src/store/types.ts';
import { type PostgresServer, startPostgres } from '../support/postgres.ts';

let server: PostgresServer;
let seq = 0;

beforeAll(async () => {
  server = await startPostgres();
});

afterAll(async () => {
  await server?.stop();
});

/** A URL for a schema of its own in the shared `postgres` database. */
function freshUrl(): string {
  return server.urlFor({ query: `schema=w${++seq}` });
}

const SURVEY = 'SV_write';
const COLUMNS: StoreColumn[] = [
  { key: 'QID1', exportTag: 'Q1', importId: 'QID1' },
  { key: 'QID2_TEXT', exportTag: 'Q2', importId: 'QID2_TEXT', sqlType: 'text' },
];

function rec(id: string, values: Record<string, StoreValue>, meta: StoreRecord['meta'] = { progress: 100 }): StoreRecord {
  return { responseId: id, values, meta };
}

async function openWithSurvey(url: string, longAnswers = false) {
  const store = await PostgresStore.open(url);
  await store.saveSurvey({ id: SURVEY, name: 'Write path', longAnswers });
  return { store, layout: await store.ensureLayout(SURVEY, COLUMNS) };
}

describe('PostgreSQL write path', () => {
  it('counts and writes a batch mixing new, edited, unchanged, restored and repeated responses', async () => {
    const { store, layout } = await openWithSurvey(freshUrl(), true);
    try {
      const first = ['R_same', 'R_edit', 'R_gone', 'R_back'].map((id, i) => rec(id, { QID1: i, QID2_TEXT: `t${i}` }));
      await store.transaction((tx) => tx.upsertResponses(SURVEY, layout, first));
      // R_gone and R_back are deleted upstream; R_back comes back unchanged, R_gone stays away.
      await store.reconcile(SURVEY, ['R_same', 'R_edit']);
      await store.transaction((tx) =>
        tx.upsertInProgress(SURVEY, [rec('R_new', { QID1: 9 }), rec('R_same', { QID1: 0 }), rec('R_edit', { QID1: 8 })]),
      );
      const batch = [
        rec('R_new', { QID1: 5, QID2_TEXT: 'draft' }),
        rec('R_same', { QID1: 0, QID2_TEXT: 't0' }),
        rec('R_edit', { QID1: 1, QID2_TEXT: 'changed' }),
        rec('R_back', { QID1: 3, QID2_TEXT: 't3' }),
        rec('R_new', { QID1: 6, QID2_TEXT: 'final' }),
      ];
      const result = await store.transaction((tx) => tx.upsertResponses(SURVEY, layout, batch));
      expect(result).toMatchObject({ inserted: 1, updated: 2, unchanged: 1, restored: 1, duplicates: 1 });
      expect((await store.getResponse(SURVEY, 'R_new'))?.wide).toMatchObject({ q1: 6, q2: 'final', deleted_at: null });
      expect((await store.getResponse(SURVEY, 'R_edit'))?.values).toEqual({ QID1: 1, QID2_TEXT: 'changed' });
      expect((await store.getResponse(SURVEY, 'R_edit'))?.wide).toMatchObject({ q1: 1, q2: 'changed' });
      expect((await store.getResponse(SURVEY, 'R_back'))?.deletedAt).toBeNull();
      expect((await store.getResponse(SURVEY, 'R_back'))?.wide).toMatchObject({ deleted_at: null });
      expect((await store.getResponse(SURVEY, 'R_gone'))?.deletedAt).not.toBeNull();
      expect((await store.getAnswers(SURVEY, 'R_edit')).map((a) => [a.columnKey, a.value])).toEqual([
        ['QID1', '1'],
        ['QID2_TEXT', 'changed'],
      ]);
      expect((await store.getAnswers(SURVEY, 'R_new')).map((a) => a.value)).toEqual(['6', 'final']);
      // In-progress copies of the responses written are gone; the unchanged one's is kept.
      expect((await store.listInProgress(SURVEY)).map((r) => r.responseId)).toEqual(['R_same']);
      expect(await store.countResponses(SURVEY)).toBe(4);
    } finally {
      await store.close();
    }
  });

  it('writes a batch of responses none of which is stored like any other: both tables, answers, in-progress rows', async () => {
    const { store, layout } = await openWithSurvey(freshUrl(), true);
    try {
      await store.transaction((tx) => tx.upsertInProgress(SURVEY, [rec('R_a', { QID1: 1 }), rec('R_keep', { QID1: 2 })]));
      const batch = [rec('R_a', { QID1: 1, QID2_TEXT: 'done' }), rec('R_b', { QID1: 2 }), rec('R_a', { QID1: 3, QID2_TEXT: 'last' })];
      const result = await store.transaction((tx) => tx.upsertResponses(SURVEY, layout, batch));
      expect(result).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, stale: 0, restored: 0, duplicates: 1 });
      expect((await store.getResponse(SURVEY, 'R_a'))?.wide).toMatchObject({ q1: 3, q2: 'last', deleted_at: null });
      expect((await store.getResponse(SURVEY, 'R_b'))?.values).toEqual({ QID1: 2 });
      expect((await store.getAnswers(SURVEY, 'R_a')).map((a) => [a.columnKey, a.value])).toEqual([
        ['QID1', '3'],
        ['QID2_TEXT', 'last'],
      ]);
      expect((await store.listInProgress(SURVEY)).map((r) => r.responseId)).toEqual(['R_keep']);
      // The same responses again: now stored, so the full merge counts them.
      const again = await store.transaction((tx) => tx.upsertResponses(SURVEY, layout, [rec('R_b', { QID1: 2 }), rec('R_c', { QID1: 4 })]));
      expect(again).toMatchObject({ inserted: 1, updated: 0, unchanged: 1 });
      expect(await store.countResponses(SURVEY)).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('widens a column whose first misfit comes after COPY data was sent, committing rows and cursor together', async () => {
    const { store, layout } = await openWithSurvey(freshUrl());
    try {
      await store.transaction((tx) => tx.upsertResponses(SURVEY, layout, [rec('R_first', { QID1: 1 })]));
      const long = 'x'.repeat(2000);
      const batch = Array.from({ length: 1500 }, (_, i) => rec(`R_${i}`, { QID1: i === 1400 ? 'not a number' : i, QID2_TEXT: long }));
      const result = await store.transaction(async (tx) => {
        await tx.setSyncState(SURVEY, { continuationToken: 'token-1' });
        return tx.upsertResponses(SURVEY, layout, batch);
      });
      expect(result).toMatchObject({ inserted: 1500, widened: ['q1'], materialized: [] });
      expect((await store.getResponse(SURVEY, 'R_first'))?.wide).toMatchObject({ q1: '1' });
      expect((await store.describeWideTable(SURVEY)).find((c) => c.name === 'q1')?.declaredType).toBe('text');
      expect((await store.getResponse(SURVEY, 'R_1400'))?.wide).toMatchObject({ q1: 'not a number' });
      expect((await store.getResponse(SURVEY, 'R_1499'))?.wide).toMatchObject({ q1: '1499', q2: long });
      expect(await store.countResponses(SURVEY)).toBe(1501);
      expect((await store.getSyncState(SURVEY))?.continuationToken).toBe('token-1');
    } finally {
      await store.close();
    }
  });

  it('several upserts of one survey in one transaction each see the ones before', async () => {
    const { store, layout } = await openWithSurvey(freshUrl());
    try {
      const results = await store.transaction(async (tx) => [
        await tx.upsertResponses(SURVEY, layout, [rec('R_1', { QID1: 1 }), rec('R_2', { QID1: 2 })]),
        await tx.upsertResponses(SURVEY, layout, [rec('R_1', { QID1: 1 }), rec('R_2', { QID1: 3 }), rec('R_3', { QID1: 4 })]),
      ]);
      expect(results.map((r) => [r.inserted, r.updated, r.unchanged])).toEqual([
        [2, 0, 0],
        [1, 1, 1],
      ]);
      expect((await store.getResponse(SURVEY, 'R_2'))?.wide).toMatchObject({ q1: 3 });
    } finally {
      await store.close();
    }
  });

  it('two processes writing the same new responses at once take turns instead of failing', async () => {
    const url = freshUrl();
    const a = await openWithSurvey(url);
    // Both columns typed and committed first, so neither writer needs to widen (which would lock the survey row).
    await a.store.transaction((tx) => tx.upsertResponses(SURVEY, a.layout, [rec('R_seed', { QID1: 0, QID2_TEXT: 'seed' })]));
    const b = { store: await PostgresStore.open(url), layout: a.layout };
    try {
      const batch = (tag: string) => Array.from({ length: 400 }, (_, i) => rec(`R_${i}`, { QID1: i, QID2_TEXT: tag }));
      let commitA: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        commitA = resolve;
      });
      let written = false;
      const first = a.store.transaction(async (tx) => {
        const result = await tx.upsertResponses(SURVEY, a.layout, batch('a'));
        written = true;
        await held;
        return result;
      });
      while (!written) await new Promise((resolve) => setTimeout(resolve, 10));
      // B writes the same ids while A's rows are not committed yet; A commits only once B is waiting.
      const second = b.store.transaction((tx) => tx.upsertResponses(SURVEY, b.layout, batch('b')));
      while ((await server.sql(`SELECT 1 FROM pg_locks WHERE NOT granted`)).length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      commitA();
      const [ra, rb] = await Promise.all([first, second]);
      expect([ra.inserted, ra.updated]).toEqual([400, 0]);
      // B found A's rows once A had committed, and rewrote them with its own text.
      expect([rb.inserted, rb.updated, rb.unchanged]).toEqual([0, 400, 0]);
      expect(await a.store.countResponses(SURVEY)).toBe(401);
      expect((await a.store.getResponse(SURVEY, 'R_399'))?.wide).toMatchObject({ q2: 'b' });
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  it('a late writer carrying an older export waits its turn, then keeps the newer rows its predecessor wrote', async () => {
    const url = freshUrl();
    const schema = `w${seq}`;
    const a = await openWithSurvey(url, true);
    const older = (id: string, i: number) => rec(id, { QID1: i, QID2_TEXT: 'old' }, { lastModifiedDate: '2024-05-01T09:00:00.000Z' });
    const newer = (id: string, i: number) => rec(id, { QID1: i, QID2_TEXT: 'new' }, { lastModifiedDate: '2024-05-02T09:00:00.000Z' });
    const ids = Array.from({ length: 300 }, (_, i) => `R_${i}`);
    await a.store.transaction((tx) => tx.upsertResponses(SURVEY, a.layout, ids.map(older)));
    const b = { store: await PostgresStore.open(url), layout: a.layout };
    try {
      let commitA: () => void = () => undefined;
      const held = new Promise<void>((resolve) => {
        commitA = resolve;
      });
      let written = false;
      // A (the successor) writes the newer export; B (the stalled worker) arrives with the older one meanwhile.
      const first = a.store.transaction(async (tx) => {
        const result = await tx.upsertResponses(SURVEY, a.layout, ids.map(newer));
        written = true;
        await held;
        return result;
      });
      while (!written) await new Promise((resolve) => setTimeout(resolve, 10));
      const second = b.store.transaction((tx) =>
        tx.upsertResponses(SURVEY, b.layout, [...ids.map(older), older('R_late', 1)]),
      );
      while ((await server.sql(`SELECT 1 FROM pg_locks WHERE NOT granted`)).length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      commitA();
      const [ra, rb] = await Promise.all([first, second]);
      expect([ra.updated, ra.stale]).toEqual([300, 0]);
      expect([rb.inserted, rb.updated, rb.unchanged, rb.stale]).toEqual([1, 0, 300, 300]);
      const back = await a.store.getResponse(SURVEY, 'R_299');
      expect(back?.values).toEqual({ QID1: 299, QID2_TEXT: 'new' });
      expect(back?.wide).toMatchObject({ q1: 299, q2: 'new' });
      expect(back?.meta.lastModifiedDate).toBe('2024-05-02T09:00:00.000Z');
      expect(await a.store.getAnswers(SURVEY, 'R_299')).toEqual([
        { columnKey: 'QID1', importId: 'QID1', value: '299', label: null },
        { columnKey: 'QID2_TEXT', importId: 'QID2_TEXT', value: 'new', label: null },
      ]);
      const stored = await server.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.responses WHERE values_json::text LIKE '%"old"%'`,
      );
      expect(stored[0]?.n).toBe(1);
    } finally {
      await a.store.close();
      await b.store.close();
    }
  });

  it('refuses a key outside the layout or non-scalar metadata in a later chunk, writing nothing', async () => {
    const { store, layout } = await openWithSurvey(freshUrl());
    try {
      const good = Array.from({ length: 1200 }, (_, i) => rec(`R_${i}`, { QID1: i, QID2_TEXT: 'y'.repeat(2000) }));
      const cases: Array<[StoreRecord, string]> = [
        [
          rec('R_bad', { QID1: 1, QID9: 'x' }),
          `survey ${SURVEY}: response R_bad has column key "QID9" that is not in the layout; call ensureLayout with it first`,
        ],
        [rec('R_nan', { QID1: 1 }, { progress: Number.NaN }), 'response R_nan: meta.progress is not text, a number or a boolean'],
      ];
      for (const [bad, message] of cases) {
        const err = await store
          .transaction(async (tx) => {
            await tx.setSyncState(SURVEY, { continuationToken: 'must-not-commit' });
            return tx.upsertResponses(SURVEY, layout, [...good, bad]);
          })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        expect((err as StoreError).message).toBe(message);
        expect(await store.countResponses(SURVEY, { includeDeleted: true })).toBe(0);
        expect(await store.getSyncState(SURVEY)).toBeNull();
      }
      const ok = await store.transaction((tx) => tx.upsertResponses(SURVEY, layout, good.slice(0, 3)));
      expect(ok.inserted).toBe(3);
    } finally {
      await store.close();
    }
  });
});
