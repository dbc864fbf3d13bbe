/**
 * Transaction boundaries of `loadExport` against a real SQLite store: a transaction holds at most `batchSize`
 * responses, the cursor commits only with the export's last records, and a failure mid-export keeps the committed
 * transactions and nothing of the failed one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildColumnMap, type ExportRecord } from '../../src/formats/index.ts';
import { openStore, type Store, type StoreTx, type SyncStatePatch } from '../../src/store/index.ts';
import type { OpenedExport } from '../../src/sync/export-source.ts';
import { loadExport } from '../../src/sync/load.ts';

const SURVEY = 'SV_loadboundary01';

const columns = buildColumnMap('current', [
  ['ResponseId', 'LastModifiedDate', 'Q1'],
  ['Response ID', 'Last modified', 'How many?'],
  ['{"ImportId":"_recordId"}', '{"ImportId":"lastModifiedDate","timeZone":"UTC"}', '{"ImportId":"QID1"}'],
]);
const keys = columns.columns.map((c) => c.key);

/** Response `i` as last modified `ageMs` before its newest version. */
function record(i: number, ageMs = 0): ExportRecord {
  const id = `R_${String(i).padStart(15, '0')}`;
  const date = new Date(Date.UTC(2026, 0, 1) + i * 1000 - ageMs).toISOString();
  return { responseId: id, index: i, statusCode: 0, values: { [keys[0]!]: id, [keys[1]!]: date, [keys[2]!]: i + ageMs } };
}

/** An export of `n` records whose iteration throws after `failAfter` records, when given. */
function exportOf(n: number, failAfter?: number, ageMs = 0): OpenedExport & { closed: boolean } {
  const opened = {
    progressId: 'ES_test',
    fileId: 'file',
    continuationToken: 'token-after',
    columns,
    closed: false,
    async *records(): AsyncGenerator<ExportRecord> {
      for (let i = 0; i < n; i++) {
        if (failAfter !== undefined && i === failAfter) throw new Error('download cut');
        yield record(i, ageMs);
      }
    },
    async close() {
      opened.closed = true;
    },
  };
  return opened;
}

let dir: string;
let store: Store;
/** Per committed or failed transaction: responses written, whether it set the sync state. */
let transactions: Array<{ rows: number; setState: boolean }>;
/** The nth write (1-based) of the mth transaction (1-based) fails, when set. */
let failWrite: { transaction: number; write: number } | null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qsync-load-'));
  store = await openStore(join(dir, 'q.db'));
  await store.saveSurvey({ id: SURVEY, name: 'Load boundaries' });
  transactions = [];
  failWrite = null;
  const transaction = store.transaction.bind(store);
  store.transaction = <T>(fn: (tx: StoreTx) => Promise<T>) =>
    transaction((tx) => {
      const seen = { rows: 0, setState: false };
      transactions.push(seen);
      const number = transactions.length;
      let writes = 0;
      const upsertResponses: StoreTx['upsertResponses'] = async (surveyId, layout, records) => {
        if (++writes === failWrite?.write && number === failWrite.transaction) throw new Error('disk full');
        seen.rows += records.length;
        return tx.upsertResponses(surveyId, layout, records);
      };
      const setSyncState: StoreTx['setSyncState'] = (surveyId, patch) => {
        seen.setState = true;
        return tx.setSyncState(surveyId, patch);
      };
      const spy = new Proxy(tx, {
        get(target, key) {
          if (key === 'upsertResponses') return upsertResponses;
          if (key === 'setSyncState') return setSyncState;
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      return fn(spy);
    });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const finalState = (max: string | null): SyncStatePatch => ({ continuationToken: 'token-after', highWaterMark: max });

describe('loadExport transactions', () => {
  it('commits batchSize responses per transaction, the cursor only with the last one', async () => {
    const runId = await store.startRun({ surveyId: SURVEY, kind: 'responses' });
    const opened = exportOf(12_345);
    const counts = await loadExport(opened, { store, surveyId: SURVEY, runId, batchSize: 5000, finalState });
    expect(counts).toMatchObject({ exported: 12_345, inserted: 12_345, updated: 0 });
    expect(transactions).toEqual([
      { rows: 5000, setState: false },
      { rows: 5000, setState: false },
      { rows: 2345, setState: true },
    ]);
    expect(await store.countResponses(SURVEY)).toBe(12_345);
    const state = await store.getSyncState(SURVEY);
    expect(state?.continuationToken).toBe('token-after');
    expect(state?.highWaterMark).toBe(record(12_344).values[keys[1]!]);
    expect((await store.getRun(runId))?.inserted).toBe(12_345);
    expect(opened.closed).toBe(true);
  });

  it('an empty export commits the cursor alone', async () => {
    const runId = await store.startRun({ surveyId: SURVEY, kind: 'responses' });
    const counts = await loadExport(exportOf(0), { store, surveyId: SURVEY, runId, batchSize: 100, finalState });
    expect(counts.exported).toBe(0);
    expect(transactions).toEqual([{ rows: 0, setState: true }]);
    expect((await store.getSyncState(SURVEY))?.highWaterMark).toBeNull();
  });

  it('a failure mid-export keeps the committed transactions, rolls back the open one, and moves no cursor', async () => {
    const runId = await store.startRun({ surveyId: SURVEY, kind: 'responses' });
    const opened = exportOf(10_000, 7_500);
    await expect(loadExport(opened, { store, surveyId: SURVEY, runId, batchSize: 3000, finalState })).rejects.toThrow('download cut');
    // 3,000 + 3,000 committed; the third transaction had written 1,500 (chunks of up to 2,000) when the export broke.
    expect(transactions.map((t) => t.setState)).toEqual([false, false, false]);
    expect(await store.countResponses(SURVEY)).toBe(6000);
    expect((await store.getSyncState(SURVEY))?.continuationToken ?? null).toBeNull();
    expect((await store.getRun(runId))?.inserted).toBe(6000);
    expect(opened.closed).toBe(true);
  });

  it('a failed write, taken while the next chunk is read, rolls back its transaction and stops the load', async () => {
    const runId = await store.startRun({ surveyId: SURVEY, kind: 'responses' });
    failWrite = { transaction: 2, write: 2 }; // the second chunk of the second transaction (transactions of 3,000)
    const opened = exportOf(10_000);
    await expect(loadExport(opened, { store, surveyId: SURVEY, runId, batchSize: 3000, finalState })).rejects.toThrow('disk full');
    expect(await store.countResponses(SURVEY)).toBe(3000);
    expect((await store.getRun(runId))?.inserted).toBe(3000);
    expect((await store.getSyncState(SURVEY))?.continuationToken ?? null).toBeNull();
    expect(opened.closed).toBe(true);
  });

  it('counts the records older than the stored versions, and keeps the stored ones', async () => {
    const runId = await store.startRun({ surveyId: SURVEY, kind: 'responses' });
    await loadExport(exportOf(500), { store, surveyId: SURVEY, runId, batchSize: 5000, finalState });
    const late = await loadExport(exportOf(500, undefined, 60_000), { store, surveyId: SURVEY, runId, batchSize: 5000, finalState });
    expect(late).toMatchObject({ exported: 500, inserted: 0, updated: 0, unchanged: 500, stale: 500 });
    expect((await store.getResponse(SURVEY, record(7).responseId!))?.values[keys[2]!]).toBe(7);
  });
});
