/**
 * `Store` on a SQLite file through better-sqlite3 (WAL, `synchronous=NORMAL`, busy timeout, foreign keys).
 * better-sqlite3 is synchronous; the async surface exists for the PostgreSQL twin. Calls run one at a time
 * (StoreCalls) so that an open async transaction never interleaves with another caller's statements.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import { LayoutCache } from '../internal/layout-cache.ts';
import { StoreCalls } from '../internal/store-calls.ts';
import { checkLiveId, streamBatches } from '../internal/stream-batches.ts';
import type {
  InProgressResult,
  ReconcileResult,
  RunCounts,
  RunFinish,
  RunInit,
  Store,
  StoreTx,
  SyncStatePatch,
} from '../store.ts';
import type { Layout, StoreColumn, StoreRecord, SurveyInfo } from '../types.ts';
import { describeTable, ensureLayout, type LayoutState, loadLayout, snapshot } from './layouts.ts';
import { openSqliteDatabase } from './open-database.ts';
import { backfillAnswers, countResponses, getAnswers, getResponse, listInProgress } from './reads.ts';
import {
  addLiveIds,
  applyInProgressStage,
  applyReconcile,
  createInProgressStage,
  createLiveIds,
  dropTemp,
  writeInProgress,
} from './side-tables.ts';
import { addRunCounts, finishRun, getRun, getSyncState, listRuns, setSyncState, startRun } from './state-runs.ts';
import { getSurvey, listSurveys, requireSurvey, saveSurvey } from './surveys.ts';
import { SqliteTx, savepointed, type TxOps } from './sqlite-tx.ts';
import { upsertResponses, WriteStatements } from './upsert.ts';

/** Options of a SQLite store. */
export interface SqliteStoreOptions {
  /** How long a write waits for another process's lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** Source of "now" for `synced_at`, run times and cursor dates. Default `() => new Date()`. */
  clock?: () => Date;
}

/** The SQLite `Store`. Open with `SqliteStore.open(path)` or `openStore(path)`. */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly target: string;
  #db: Database.Database | null;
  readonly #calls = new StoreCalls();
  readonly #layouts = new LayoutCache<LayoutState>();
  readonly #clock: () => Date;
  #statements: WriteStatements | null = null;
  #tempSeq = 0;
  /** `PRAGMA data_version` when the layout cache was last known current. */
  #dataVersion = -1;

  private constructor(db: Database.Database, target: string, clock: () => Date) {
    this.#db = db;
    this.target = target;
    this.#clock = clock;
  }

  /** Opens (creating and migrating when new) the SQLite database at `path`. Throws `StoreError`. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const clock = options.clock ?? (() => new Date());
    const init = { now: clock().toISOString(), ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }) };
    const db = openSqliteDatabase(path, init);
    return new SqliteStore(db, db.name, clock);
  }

  saveSurvey(info: SurveyInfo) {
    return this.#write((db) => {
      const before = getSurvey(db, info.id);
      const saved = saveSurvey(db, info, this.#now());
      if (before && before.longAnswers !== saved.longAnswers) {
        if (saved.longAnswers) backfillAnswers(db, saved.id);
        else db.prepare(`DELETE FROM answers WHERE survey_id = ?`).run(saved.id);
      }
      this.#layouts.delete(saved.id);
      return saved;
    });
  }

  getSurvey(surveyId: string) {
    return this.#read((db) => getSurvey(db, surveyId));
  }

  listSurveys() {
    return this.#read((db) => listSurveys(db));
  }

  ensureLayout(surveyId: string, columns: readonly StoreColumn[]) {
    return this.#write((db) => this.#ensureLayout(db, surveyId, columns));
  }

  getLayout(surveyId: string) {
    return this.#read((db) => {
      const state = this.#layoutOf(db, surveyId);
      return state ? snapshot(state) : null;
    });
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.#guard();
    return this.#calls.run(async () => {
      const db = this.#begin();
      const tx = new SqliteTx(this.#txOps(db));
      try {
        const result = await this.#calls.inTransaction(() => fn(tx));
        tx.end();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        tx.end();
        if (db.inTransaction) db.exec('ROLLBACK');
        // DDL (added or widened columns) rolled back too: forget what we believed about the layouts.
        this.#layouts.clear();
        throw err;
      }
    });
  }

  getSyncState(surveyId: string) {
    return this.#read((db) => getSyncState(db, surveyId));
  }

  async reconcile(surveyId: string, liveIds: AsyncIterable<string> | Iterable<string>): Promise<ReconcileResult> {
    await this.#read((db) => requireSurvey(db, surveyId));
    const name = `qsync_live_${++this.#tempSeq}`;
    await this.#read((db) => createLiveIds(db, name));
    try {
      await streamBatches(
        liveIds,
        (ids) => this.#read((db) => addLiveIds(db, name, ids)),
        (id) => checkLiveId(surveyId, id),
      );
      return await this.#write((db) => {
        const layout = this.#layoutOf(db, surveyId);
        return applyReconcile(db, surveyId, layout?.tableName ?? null, name, this.#now());
      });
    } finally {
      await this.#dropTemp(name);
    }
  }

  async replaceInProgress(
    surveyId: string,
    records: AsyncIterable<StoreRecord> | Iterable<StoreRecord>,
  ): Promise<InProgressResult> {
    await this.#read((db) => requireSurvey(db, surveyId));
    const name = `qsync_in_progress_${++this.#tempSeq}`;
    const stage = await this.#read((db) => createInProgressStage(db, name));
    try {
      await streamBatches(records, (chunk) => {
        const now = this.#now();
        return this.#read((db) => db.transaction(() => writeInProgress(db, stage, surveyId, chunk, now))());
      });
      return await this.#write((db) => applyInProgressStage(db, surveyId, stage));
    } finally {
      await this.#dropTemp(name);
    }
  }

  listInProgress(surveyId: string) {
    return this.#read((db) => listInProgress(db, surveyId));
  }

  startRun(init: RunInit) {
    return this.#write((db) => startRun(db, init, this.#now()));
  }

  finishRun(runId: number, result: RunFinish) {
    return this.#write((db) => finishRun(db, runId, result, this.#now()));
  }

  getRun(runId: number) {
    return this.#read((db) => getRun(db, runId));
  }

  listRuns(filter: { surveyId?: string; limit?: number } = {}) {
    return this.#read((db) => listRuns(db, filter));
  }

  getResponse(surveyId: string, responseId: string) {
    return this.#read((db) => getResponse(db, this.#layoutOf(db, surveyId), surveyId, responseId));
  }

  countResponses(surveyId: string, options: { includeDeleted?: boolean } = {}) {
    return this.#read((db) => countResponses(db, surveyId, options.includeDeleted ?? false));
  }

  getAnswers(surveyId: string, responseId: string) {
    return this.#read((db) => getAnswers(db, surveyId, responseId));
  }

  describeWideTable(surveyId: string) {
    return this.#read((db) => {
      const state = this.#layoutOf(db, surveyId);
      return state ? describeTable(db, state.tableName) : [];
    });
  }

  async close(): Promise<void> {
    await this.#calls.drain();
    this.#db?.close();
    this.#db = null;
  }

  /** What a transaction handle may do, bound to the open connection. */
  #txOps(db: Database.Database): TxOps {
    const atomic = <A extends unknown[], R>(fn: (...args: A) => R) => savepointed(db, fn, () => this.#layouts.clear());
    return {
      upsertResponses: atomic((surveyId: string, layout: Layout, records: readonly StoreRecord[]) => {
        if (layout.surveyId !== surveyId) {
          throw new StoreError('invalid-input', `upsertResponses ${surveyId}: the layout is for survey ${layout.surveyId}`);
        }
        const state = this.#layoutOf(db, surveyId);
        if (!state) throw new StoreError('invalid-input', `survey ${surveyId} has no layout; call ensureLayout first`);
        this.#statements ??= new WriteStatements(db);
        return upsertResponses(db, this.#statements, state, records, this.#now());
      }),
      ensureLayout: atomic((surveyId: string, columns: readonly StoreColumn[]) =>
        this.#ensureLayout(db, surveyId, columns),
      ),
      setSyncState: atomic((surveyId: string, patch: SyncStatePatch) =>
        setSyncState(db, surveyId, patch, this.#now()),
      ),
      upsertInProgress: atomic((surveyId: string, records: readonly StoreRecord[]) => {
        requireSurvey(db, surveyId);
        return writeInProgress(db, 'in_progress_responses', surveyId, records, this.#now());
      }),
      removeInProgress: atomic((surveyId: string, ids: readonly string[]) => {
        const del = db.prepare(`DELETE FROM in_progress_responses WHERE survey_id = ? AND response_id = ?`);
        return ids.reduce((n, id) => n + del.run(surveyId, id).changes, 0);
      }),
      addRunCounts: atomic((runId: number, counts: RunCounts) => addRunCounts(db, runId, counts)),
    };
  }

  #ensureLayout(db: Database.Database, surveyId: string, columns: readonly StoreColumn[]): Layout {
    return this.#layouts.remember(surveyId, ensureLayout(db, surveyId, columns, this.#now()));
  }

  #layoutOf(db: Database.Database, surveyId: string): LayoutState | null {
    return this.#layouts.get(surveyId) ?? this.#layouts.keep(surveyId, loadLayout(db, surveyId));
  }

  /** Runs `fn` on its own (statements autocommit, or it manages its own transaction). */
  async #read<T>(fn: (db: Database.Database) => T): Promise<T> {
    this.#guard();
    return this.#calls.run(() => fn(this.#fresh()));
  }

  /** Runs `fn` in one `BEGIN IMMEDIATE` transaction. */
  async #write<T>(fn: (db: Database.Database) => T): Promise<T> {
    this.#guard();
    return this.#calls.run(() => {
      const db = this.#begin();
      try {
        const result = fn(db);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.inTransaction) db.exec('ROLLBACK');
        this.#layouts.clear();
        throw err;
      }
    });
  }

  /** Takes the write lock (`BEGIN IMMEDIATE`), waiting up to the busy timeout for another process. */
  #begin(): Database.Database {
    const db = this.#fresh();
    try {
      db.exec('BEGIN IMMEDIATE');
    } catch (err) {
      if ((err as { code?: unknown }).code === 'SQLITE_BUSY') {
        throw new StoreError('locked', `database ${this.target} is locked by another process; try again later`, {
          target: this.target,
          cause: err,
        });
      }
      throw err;
    }
    // Another process may have changed a layout (added or widened columns) since we cached it.
    this.#checkDataVersion(db);
    return db;
  }

  /** The connection, with caches dropped when another connection has committed since we last looked. */
  #fresh(): Database.Database {
    const db = this.#open();
    if (!db.inTransaction) this.#checkDataVersion(db);
    return db;
  }

  #checkDataVersion(db: Database.Database): void {
    const version = db.pragma('data_version', { simple: true }) as number;
    if (version !== this.#dataVersion) {
      this.#layouts.clear();
      this.#dataVersion = version;
    }
  }

  async #dropTemp(name: string): Promise<void> {
    if (this.#db) await this.#calls.run(() => this.#db && dropTemp(this.#db, name));
  }

  #guard(): void {
    this.#calls.refuseInTransaction();
    this.#open();
  }

  #open(): Database.Database {
    if (!this.#db) throw new StoreError('closed', `the store ${this.target} is closed`, { target: this.target });
    return this.#db;
  }

  #now(): string {
    return this.#clock().toISOString();
  }
}
