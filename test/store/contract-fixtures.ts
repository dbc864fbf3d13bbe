/**
 * Small builders shared by the contract parts.
 */
import type { Layout, Store, StoreColumn, StoreRecord, StoreValue, UpsertResult } from '../../src/store/index.ts';

/** A clock that starts at `start` and moves one second per reading, so every stamp is distinct and known. */
export function steppingClock(start = '2024-03-01T12:00:00.000Z'): { clock: () => Date; last: () => string } {
  let t = Date.parse(start) - 1000;
  let last = '';
  return {
    clock: () => {
      t += 1000;
      last = new Date(t).toISOString();
      return new Date(t);
    },
    last: () => last,
  };
}

export const SURVEY = 'SV_contract00001';

/** Columns of a small survey: a date, a number, a text entry, a multi-select. */
export const BASIC_COLUMNS: StoreColumn[] = [
  { key: 'startDate', exportTag: 'StartDate', importId: 'startDate', isMetadata: true, sqlType: 'timestamp' },
  { key: 'QID1', exportTag: 'Q1', importId: 'QID1', questionId: 'QID1', questionType: 'MC', label: 'How?' },
  { key: 'QID2_TEXT', exportTag: 'Q2_TEXT', importId: 'QID2_TEXT', questionId: 'QID2', sqlType: 'text' },
  { key: 'QID3', exportTag: 'Q3', importId: 'QID3', questionId: 'QID3', questionType: 'MC' },
];

/** A response with the given values and a little metadata. */
export function rec(responseId: string, values: Record<string, StoreValue>, labels?: Record<string, StoreValue>): StoreRecord {
  return {
    responseId,
    values,
    ...(labels ? { labels } : {}),
    meta: {
      startDate: '2024-02-01T08:00:00.000Z',
      recordedDate: '2024-02-01T08:05:00.000Z',
      progress: 100,
      duration: 300,
      finished: true,
      status: 0,
      distributionChannel: 'anonymous',
      userLanguage: 'EN',
    },
  };
}

/** Five responses over `BASIC_COLUMNS`. */
export function basicRecords(): StoreRecord[] {
  return [1, 2, 3, 4, 5].map((n) =>
    rec(`R_${n}`, {
      startDate: `2024-02-0${n}T08:00:00.000Z`,
      QID1: n,
      QID2_TEXT: `text ${n}`,
      QID3: n % 2 === 0 ? [1, 2] : null,
    }),
  );
}

/** Saves `SURVEY` and its basic layout. */
export async function setUpSurvey(store: Store, options: { longAnswers?: boolean } = {}): Promise<Layout> {
  await store.saveSurvey({ id: SURVEY, name: 'Contract survey', ...options });
  return store.ensureLayout(SURVEY, BASIC_COLUMNS);
}

/** Upserts records in one transaction. */
export function upsert(store: Store, layout: Layout, records: StoreRecord[]): Promise<UpsertResult> {
  return store.transaction((tx) => tx.upsertResponses(layout.surveyId, layout, records));
}

/** The wide row of a response, by SQL column name. */
export async function wideRow(store: Store, surveyId: string, responseId: string) {
  return (await store.getResponse(surveyId, responseId))?.wide ?? null;
}

/** The counts of an upsert, without the column lists. */
export function counts(r: UpsertResult) {
  return { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, restored: r.restored, duplicates: r.duplicates };
}
