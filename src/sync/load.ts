/**
 * Loading an opened export into the store in bounded batches. Every batch is its own transaction (upserts by key
 * make a replay after a crash harmless); the last batch commits together with the new cursor, so the cursor never
 * moves past rows that are not stored (DESIGN.md invariant 2).
 */
import { APIUserAbortError, type Survey } from '../client/index.ts';
import type { Store, StoreRecord, SyncStatePatch, UpsertResult } from '../store/index.ts';
import type { OpenedExport } from './export-source.ts';
import { laterDate, metadataKeys, toStoreColumns, toStoreRecord } from './records.ts';

/** Counts of one load. */
export interface LoadCounts {
  /** Records read from the export. */
  exported: number;
  inserted: number;
  updated: number;
  unchanged: number;
  restored: number;
}

/** What `loadExport` needs. */
export interface LoadInput {
  store: Store;
  surveyId: string;
  /** Survey definition, for question types in `survey_columns`. */
  survey?: Pick<Survey, 'questions'> | undefined;
  /** `sync_runs` id the counts are added to, in the same transactions as the rows. */
  runId: number;
  /** Responses per transaction. */
  batchSize: number;
  /**
   * The cursor to commit with the last batch, given the greatest `lastModifiedDate` the export held (null when it
   * held none).
   */
  finalState: (maxLastModified: string | null) => SyncStatePatch;
  signal?: AbortSignal | undefined;
  /** Called after each committed batch with the records loaded so far. */
  onRows?: (rows: number) => void;
}

/**
 * Streams `opened`'s records into the store. Records are held one batch at a time; the export's temporary files are
 * removed when the pass ends, whatever happens.
 */
export async function loadExport(opened: OpenedExport, input: LoadInput): Promise<LoadCounts> {
  const { store, surveyId, runId } = input;
  const counts: LoadCounts = { exported: 0, inserted: 0, updated: 0, unchanged: 0, restored: 0 };
  let maxLastModified: string | null = null;
  try {
    const layout = await store.ensureLayout(surveyId, toStoreColumns(opened.columns, input.survey));
    const keys = metadataKeys(opened.columns);
    const size = Math.max(1, input.batchSize);
    let batch: StoreRecord[] = [];
    const commit = async (records: StoreRecord[], state: SyncStatePatch | null) => {
      const result = await store.transaction(async (tx) => {
        const upserted = records.length > 0 ? await tx.upsertResponses(surveyId, layout, records) : null;
        if (upserted) await tx.addRunCounts(runId, runCountsOf(upserted));
        if (state) await tx.setSyncState(surveyId, state);
        return upserted;
      });
      if (result) add(counts, result);
      input.onRows?.(counts.exported);
    };
    for await (const record of opened.records()) {
      // A batch is committed only once another record follows it, so that the last batch always carries the cursor.
      if (batch.length >= size) {
        if (input.signal?.aborted) throw new APIUserAbortError('sync aborted by the caller between batches');
        await commit(batch, null);
        batch = [];
      }
      const row = toStoreRecord(record, keys);
      maxLastModified = laterDate(maxLastModified, row.meta.lastModifiedDate);
      batch.push(row);
      counts.exported++;
    }
    await commit(batch, input.finalState(maxLastModified));
    return counts;
  } finally {
    await opened.close();
  }
}

function runCountsOf(r: UpsertResult) {
  return { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, restored: r.restored };
}

function add(counts: LoadCounts, r: UpsertResult): void {
  counts.inserted += r.inserted;
  counts.updated += r.updated;
  // Repeats of an id within one batch are not counted: the last copy is the one stored.
  counts.unchanged += r.unchanged;
  counts.restored += r.restored;
}
