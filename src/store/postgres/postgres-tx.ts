/**
 * The `StoreTx` handle of a PostgreSQL transaction: runs its operations one at a time (each atomic under a
 * savepoint) while the transaction is open, and refuses them afterwards.
 */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { SerialQueue } from '../internal/serial-queue.ts';
import type { RunCounts, StoreTx, SyncStatePatch } from '../store.ts';
import type { Layout, StoreColumn, StoreRecord } from '../types.ts';
import type { LayoutState } from './layouts.ts';
import { createInProgressStage, dropTemp, mergeInProgress, stageInProgress } from './side-tables.ts';
import { addRunCounts, setSyncState } from './state-runs.ts';
import { requireSurvey } from './surveys.ts';
import { upsertResponses } from './upsert.ts';

/** The operations behind a `StoreTx`, plus the savepoint wrapper that makes each one atomic. */
export interface TxOps {
  upsertResponses(...args: Parameters<StoreTx['upsertResponses']>): ReturnType<StoreTx['upsertResponses']>;
  ensureLayout(...args: Parameters<StoreTx['ensureLayout']>): Promise<Layout>;
  setSyncState(...args: Parameters<StoreTx['setSyncState']>): ReturnType<StoreTx['setSyncState']>;
  upsertInProgress(...args: Parameters<StoreTx['upsertInProgress']>): Promise<number>;
  removeInProgress(...args: Parameters<StoreTx['removeInProgress']>): Promise<number>;
  addRunCounts(...args: Parameters<StoreTx['addRunCounts']>): Promise<void>;
  savepoint<R>(op: () => Promise<R>): Promise<R>;
}

/** What the operations need from the store that owns the connection. */
export interface TxSession {
  /** UTC ISO-8601 "now" from the store's clock. */
  now(): string;
  /** A temporary-table name unique within the session, e.g. `qsync_stage_12`. */
  tempName(prefix: string): string;
  /** The survey's cached layout (loaded on first use), or null without one. */
  layoutOf(surveyId: string): Promise<LayoutState | null>;
  ensureLayout(surveyId: string, columns: readonly StoreColumn[]): Promise<Layout>;
  /** Drops cached layouts: DDL of a rolled-back operation is gone. */
  forgetLayouts(): void;
}

/** The operations of a transaction on `db`. */
export function createTxOps(db: pg.ClientBase, session: TxSession): TxOps {
  return {
    upsertResponses: async (surveyId: string, layout: Layout, records: readonly StoreRecord[]) => {
      if (layout.surveyId !== surveyId) {
        throw new StoreError('invalid-input', `upsertResponses ${surveyId}: the layout is for survey ${layout.surveyId}`);
      }
      const state = await session.layoutOf(surveyId);
      if (!state) throw new StoreError('invalid-input', `survey ${surveyId} has no layout; call ensureLayout first`);
      return upsertResponses(db, state, records, session.now(), session.tempName('qsync_stage'));
    },
    ensureLayout: (surveyId: string, columns: readonly StoreColumn[]) => session.ensureLayout(surveyId, columns),
    setSyncState: (surveyId: string, patch: SyncStatePatch) => setSyncState(db, surveyId, patch, session.now()),
    upsertInProgress: async (surveyId: string, records: readonly StoreRecord[]) => {
      await requireSurvey(db, surveyId);
      const name = session.tempName('qsync_in_progress');
      await createInProgressStage(db, name, true);
      await stageInProgress(db, name, surveyId, records);
      await mergeInProgress(db, name, surveyId, session.now());
      await dropTemp(db, name);
      return records.length;
    },
    removeInProgress: async (surveyId: string, ids: readonly string[]) => {
      const result = await db.query(
        `DELETE FROM in_progress_responses WHERE survey_id = $1 AND response_id = ANY ($2::text[])`,
        [surveyId, [...ids]],
      );
      return result.rowCount ?? 0;
    },
    addRunCounts: (runId: number, counts: RunCounts) => addRunCounts(db, runId, counts),
    savepoint: async <R>(op: () => Promise<R>): Promise<R> => {
      // Each operation is atomic on its own, so a caller that catches an operation's error inside the
      // transaction still commits whole operations only.
      await db.query('SAVEPOINT qsync_op');
      try {
        const result = await op();
        await db.query('RELEASE SAVEPOINT qsync_op');
        return result;
      } catch (err) {
        await db.query('ROLLBACK TO SAVEPOINT qsync_op');
        await db.query('RELEASE SAVEPOINT qsync_op');
        session.forgetLayouts();
        throw err;
      }
    },
  };
}

export class PostgresTx implements StoreTx {
  #ops: TxOps | null;
  // One connection: operations a caller starts without awaiting must still run one after another.
  readonly #queue = new SerialQueue();

  constructor(ops: TxOps) {
    this.#ops = ops;
  }

  /** Waits for operations still running, then refuses new ones. */
  async end(): Promise<void> {
    await this.#queue.drain();
    this.#ops = null;
  }

  upsertResponses(...args: Parameters<StoreTx['upsertResponses']>) {
    return this.#run((ops) => ops.upsertResponses(...args));
  }

  ensureLayout(...args: Parameters<StoreTx['ensureLayout']>) {
    return this.#run((ops) => ops.ensureLayout(...args));
  }

  setSyncState(...args: Parameters<StoreTx['setSyncState']>) {
    return this.#run((ops) => ops.setSyncState(...args));
  }

  upsertInProgress(...args: Parameters<StoreTx['upsertInProgress']>) {
    return this.#run((ops) => ops.upsertInProgress(...args));
  }

  removeInProgress(...args: Parameters<StoreTx['removeInProgress']>) {
    return this.#run((ops) => ops.removeInProgress(...args));
  }

  addRunCounts(...args: Parameters<StoreTx['addRunCounts']>) {
    return this.#run((ops) => ops.addRunCounts(...args));
  }

  #run<R>(op: (ops: TxOps) => Promise<R>): Promise<R> {
    const live = () => {
      if (!this.#ops) throw new StoreError('closed', 'transaction handle used after its transaction ended');
      return this.#ops;
    };
    return this.#queue.run(() => {
      const ops = live();
      return ops.savepoint(() => op(ops));
    });
  }
}
