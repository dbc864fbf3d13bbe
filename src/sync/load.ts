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
  /**
   * Records older than the stored version of their response, skipped (included in `unchanged`): another writer
   * stored a newer export of this survey meanwhile.
   */
  stale: number;
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

/** Records written per store call inside a transaction: bounds the memory held whatever the batch size. */
const CHUNK = 2000;

/**
 * The same for SQLite, whose writes run synchronously on this thread: a chunk held while the next is parsed buys no
 * overlap there, and records held across garbage collections are copied and promoted instead of dying young (with
 * 2000, scavenges took ~5x longer; 256 is also the SQLite writer's own step).
 */
const SQLITE_CHUNK = 256;

/**
 * A transaction is committed after this long (ms) even when its batch is not full, so that a slow export does not
 * hold the store's writer for long (other surveys of the run wait for it).
 */
const MAX_TRANSACTION_MS = 15_000;

/**
 * Streams `opened`'s records into the store: each transaction pulls records from the export and writes them
 * `CHUNK` at a time until it holds `batchSize` responses (or has been open `MAX_TRANSACTION_MS`). Large
 * transactions matter: every commit rewrites the index pages it touched, and response ids are random, so small
 * batches rewrite the whole key index many times over. Only one chunk of records is in memory at a time. The export's
 * temporary files are removed when the pass ends, whatever happens.
 */
export async function loadExport(opened: OpenedExport, input: LoadInput): Promise<LoadCounts> {
  const { store, surveyId, runId } = input;
  const counts: LoadCounts = { exported: 0, inserted: 0, updated: 0, unchanged: 0, restored: 0, stale: 0 };
  let maxLastModified: string | null = null;
  const iterator = opened.records()[Symbol.asyncIterator]();
  try {
    const layout = await store.ensureLayout(surveyId, toStoreColumns(opened.columns, input.survey));
    const keys = metadataKeys(opened.columns);
    const size = Math.max(1, input.batchSize);
    const chunkSize = Math.min(size, store.kind === 'sqlite' ? SQLITE_CHUNK : CHUNK);
    // One record of look-ahead: a transaction knows whether it holds the export's last records, and so whether the
    // cursor commits with it (the last batch always carries the cursor).
    let next = await iterator.next();
    for (;;) {
      if (input.signal?.aborted) throw new APIUserAbortError('sync aborted by the caller between batches');
      const batch: LoadCounts = { exported: 0, inserted: 0, updated: 0, unchanged: 0, restored: 0, stale: 0 };
      const last = await store.transaction(async (tx) => {
        const began = Date.now();
        // The chunk being written while the next one is parsed: a server-side store (PostgreSQL) merges one chunk
        // while JavaScript reads the next. Store calls never overlap: a chunk is written only after the previous
        // one is done.
        let writing: Promise<void> | null = null;
        const write = async (records: StoreRecord[]) => {
          const upserted = await tx.upsertResponses(surveyId, layout, records);
          await tx.addRunCounts(runId, runCountsOf(upserted));
          add(batch, upserted);
        };
        try {
          let chunk: StoreRecord[] = [];
          while (!next.done) {
            const row = toStoreRecord(next.value, keys);
            maxLastModified = laterDate(maxLastModified, row.meta.lastModifiedDate);
            chunk.push(row);
            batch.exported++;
            next = await iterator.next();
            if (chunk.length < chunkSize && batch.exported < size && !next.done) continue;
            await writing;
            writing = write(chunk);
            // Its failure is taken when it is awaited (next chunk or below), not reported as unhandled meanwhile.
            writing.catch(() => undefined);
            chunk = [];
            if (batch.exported >= size || Date.now() - began >= MAX_TRANSACTION_MS) break;
          }
          await writing;
        } catch (err) {
          // Never leave a store call running behind a failed parse: the transaction rolls back after it.
          await writing?.catch(() => undefined);
          throw err;
        }
        if (!next.done) return false;
        await tx.setSyncState(surveyId, input.finalState(maxLastModified));
        return true;
      });
      // Counted once committed: a rolled-back batch moved nothing.
      counts.exported += batch.exported;
      add(counts, batch);
      input.onRows?.(counts.exported);
      if (last) return counts;
    }
  } finally {
    await iterator.return?.();
    await opened.close();
  }
}

function runCountsOf(r: UpsertResult) {
  return { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, restored: r.restored };
}

function add(counts: LoadCounts, r: Omit<LoadCounts, 'exported'>): void {
  counts.stale += r.stale;
  counts.inserted += r.inserted;
  counts.updated += r.updated;
  // Repeats of an id within one batch are not counted: the last copy is the one stored.
  counts.unchanged += r.unchanged;
  counts.restored += r.restored;
}
