/**
 * The two snapshot exports of a survey's run: response ids only (to reconcile deletions) and in-progress responses
 * (replacing their table). Neither moves a cursor, so a crash only means doing them again.
 */
import type { ReconcileResult, Store, StoreRecord } from '../store/index.ts';
import type { ExportSource } from './export-source.ts';
import { idsParams, inProgressParams } from './plan.ts';
import { metadataKeys, toStoreRecord } from './records.ts';
import type { SurveyExportOptions, SyncProgressEvent } from './types.ts';

/** Inputs shared by both snapshot exports. */
export interface SnapshotInput {
  store: Store;
  exports: ExportSource;
  surveyId: string;
  options: SurveyExportOptions;
  tmpDir?: string | undefined;
  signal?: AbortSignal | undefined;
  onProgress: (event: Omit<SyncProgressEvent, 'surveyId'>) => void;
}

/**
 * Exports the survey's live response ids and lets the store mark stored responses absent from them as deleted
 * (and restore deleted ones that are live again). Runs after the responses step, so that every stored response
 * existed when the ids were exported.
 */
export async function reconcileSurvey(input: SnapshotInput): Promise<ReconcileResult> {
  const { surveyId } = input;
  input.onProgress({ phase: 'reconciling' });
  const opened = await input.exports.open(surveyId, idsParams(input.options), hooks(input, 'reconciling'));
  try {
    if (!opened.columns.columns.some((c) => c.metadata === '_recordId')) {
      throw new Error(`the ids export of ${surveyId} has no ResponseId column; nothing was marked deleted`);
    }
    let read = 0;
    async function* liveIds(): AsyncGenerator<string> {
      for await (const record of opened.records()) {
        if (!record.responseId) throw new Error(`the ids export of ${surveyId} has a row without a response id (row ${record.index + 1})`);
        read++;
        if (read % 10_000 === 0) input.onProgress({ phase: 'reconciling', rows: read });
        yield record.responseId;
      }
    }
    return await input.store.reconcile(surveyId, liveIds());
  } finally {
    await opened.close();
  }
}

/** Replaces the survey's in-progress rows with a fresh export of them. Returns the rows stored. */
export async function syncInProgress(input: SnapshotInput): Promise<number> {
  const { surveyId } = input;
  input.onProgress({ phase: 'in-progress' });
  const opened = await input.exports.open(surveyId, inProgressParams(input.options), hooks(input, 'in-progress'));
  try {
    const keys = metadataKeys(opened.columns);
    async function* records(): AsyncGenerator<StoreRecord> {
      for await (const record of opened.records()) yield toStoreRecord(record, keys);
    }
    const result = await input.store.replaceInProgress(surveyId, records());
    return result.upserted;
  } finally {
    await opened.close();
  }
}

function hooks(input: SnapshotInput, phase: 'reconciling' | 'in-progress') {
  return {
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.tmpDir ? { tmpDir: input.tmpDir } : {}),
    onProgress: (event: { percent?: number; bytes?: number }) => input.onProgress({ phase, ...event }),
  };
}
