/**
 * `Store` on PostgreSQL through one `pg` connection, in schema `qsync` (or the URL's `?schema=`). Same tables,
 * keys and semantics as the SQLite store; bulk writes go through COPY into a staging table and set-based merges
 * in the caller's transaction. Calls run one at a time (StoreCalls): one connection, one transaction at a time.
 */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { LayoutCache } from '../internal/layout-cache.ts';
import { StoreCalls } from '../internal/store-calls.ts';
import { checkLiveId, streamBatches } from '../internal/stream-batches.ts';
import type { InProgressResult, ReconcileResult, RunFinish, RunInit, Store, StoreTx } from '../store.ts';
import type { Layout, StoreColumn, StoreRecord, SurveyInfo } from '../types.ts';
import { connect } from './connect.ts';
import { maskUrl, type PostgresTarget, parsePostgresUrl } from './connection-url.ts';
import { describeTable, ensureLayout, type LayoutState, loadLayout, snapshot } from './layouts.ts';
import { migrate } from './migrate.ts';
import { createTxOps, PostgresTx, type TxOps } from './postgres-tx.ts';
import { backfillAnswers, countResponses, getAnswers, getResponse, listInProgress } from './reads.ts';
import {
  addLiveIds,
  applyInProgressStage,
  applyReconcile,
  createInProgressStage,
  createLiveIds,
  dropTemp,
  stageInProgress,
} from './side-tables.ts';
import { finishRun, getRun, getSyncState, listRuns, startRun } from './state-runs.ts';
import { getSurvey, listSurveys, requireSurvey, saveSurvey } from './surveys.ts';

/** Options of a PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Source of "now" for `synced_at`, run times and cursor dates. Default `() => new Date()`. */
  clock?: () => Date;
  /** Schema holding qsync's tables; wins over the URL's `?schema=`. Default `qsync`. */
  schema?: string;
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  /** The URL with its password masked. */
  readonly target: string;
  /** Schema holding qsync's tables. */
  readonly schema: string;
  #db: pg.Client | null;
  #lost: string | null = null;
  readonly #calls = new StoreCalls();
  readonly #layouts = new LayoutCache<LayoutState>();
  readonly #clock: () => Date;
  #tempSeq = 0;

  private constructor(db: pg.Client, target: PostgresTarget, clock: () => Date) {
    this.#db = db;
    this.target = target.display;
    this.schema = target.schema;
    this.#clock = clock;
    db.removeAllListeners('error');
    db.on('error', (err: Error) => {
      this.#lost = maskUrl(err.message);
    });
  }

  /**
   * Connects to `url` (`postgres://user:password@host:port/database?schema=…`), creates or migrates the schema, and
   * checks this role's privileges. Throws `StoreError`: `invalid-input` (malformed URL), `cannot-open`
   * (unreachable, authentication, missing database or privileges), `not-a-database` (the schema holds another
   * program's tables), `schema-too-new`. Messages never contain the password.
   */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const target = parsePostgresUrl(url, options.schema);
    const clock = options.clock ?? (() => new Date());
    const db = await connect(target);
    try {
      await migrate(db, target, clock().toISOString());
    } catch (err) {
      await db.end().catch(() => undefined);
      if (err instanceof StoreError) throw err;
      const message = maskUrl(err instanceof Error ? err.message : String(err));
      throw new StoreError('cannot-open', `cannot open ${target.display}: ${message}`, { target: target.display, cause: err });
    }
    return new PostgresStore(db, target, clock);
  }

  saveSurvey(info: SurveyInfo) {
    return this.#write(async (db) => {
      const before = await getSurvey(db, info.id);
      const saved = await saveSurvey(db, info, this.#now());
      if (before && before.longAnswers !== saved.longAnswers) {
        if (saved.longAnswers) await backfillAnswers(db, saved.id);
        else await db.query(`DELETE FROM answers WHERE survey_id = $1`, [saved.id]);
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
    return this.#read(async (db) => {
      const state = await this.#layoutOf(db, surveyId);
      return state ? snapshot(state) : null;
    });
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.#guard();
    return this.#run(async () => {
      const db = this.#open();
      await db.query('BEGIN');
      const tx = new PostgresTx(this.#txOps(db));
      try {
        const result = await this.#calls.inTransaction(() => fn(tx));
        await tx.end();
        await db.query('COMMIT');
        return result;
      } catch (err) {
        await tx.end();
        await db.query('ROLLBACK').catch(() => undefined);
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
      return await this.#write(async (db) => {
        const layout = await this.#layoutOf(db, surveyId);
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
    await this.#read((db) => createInProgressStage(db, name, false));
    try {
      await streamBatches(records, (chunk) => this.#read((db) => stageInProgress(db, name, surveyId, chunk)));
      return await this.#write((db) => applyInProgressStage(db, surveyId, name, this.#now()));
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
    return this.#read(async (db) => getResponse(db, await this.#layoutOf(db, surveyId), surveyId, responseId));
  }

  countResponses(surveyId: string, options: { includeDeleted?: boolean } = {}) {
    return this.#read((db) => countResponses(db, surveyId, options.includeDeleted ?? false));
  }

  getAnswers(surveyId: string, responseId: string) {
    return this.#read((db) => getAnswers(db, surveyId, responseId));
  }

  describeWideTable(surveyId: string) {
    return this.#read(async (db) => {
      const state = await this.#layoutOf(db, surveyId);
      return state ? describeTable(db, state.tableName) : [];
    });
  }

  async close(): Promise<void> {
    await this.#calls.drain();
    const db = this.#db;
    this.#db = null;
    await db?.end().catch(() => undefined);
  }

  /** What a transaction handle may do, bound to the open connection. */
  #txOps(db: pg.Client): TxOps {
    return createTxOps(db, {
      now: () => this.#now(),
      tempName: (prefix) => `${prefix}_${++this.#tempSeq}`,
      layoutOf: (surveyId) => this.#layoutOf(db, surveyId),
      ensureLayout: (surveyId, columns) => this.#ensureLayout(db, surveyId, columns),
      forgetLayouts: () => this.#layouts.clear(),
    });
  }

  async #ensureLayout(db: pg.ClientBase, surveyId: string, columns: readonly StoreColumn[]): Promise<Layout> {
    return this.#layouts.remember(surveyId, await ensureLayout(db, surveyId, columns, this.#now()));
  }

  async #layoutOf(db: pg.ClientBase, surveyId: string): Promise<LayoutState | null> {
    return this.#layouts.get(surveyId) ?? this.#layouts.keep(surveyId, await loadLayout(db, surveyId));
  }

  /** Runs `fn` on its own (statements autocommit, or it manages its own transaction). Misuse rejects. */
  async #read<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
    this.#guard();
    return this.#run(() => fn(this.#open()));
  }

  /** Runs `fn` in one transaction. */
  async #write<T>(fn: (db: pg.Client) => Promise<T>): Promise<T> {
    this.#guard();
    return this.#run(async () => {
      const db = this.#open();
      await db.query('BEGIN');
      try {
        const result = await fn(db);
        await db.query('COMMIT');
        return result;
      } catch (err) {
        await db.query('ROLLBACK').catch(() => undefined);
        this.#layouts.clear();
        throw err;
      }
    });
  }

  /** Runs `task` in turn; a dropped connection becomes one `StoreError` naming the server (and the store unusable). */
  async #run<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.#calls.run(task);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const message = err instanceof Error ? err.message : String(err);
      const dropped =
        code === '57P01' || code === '57P02' || code === '57P03' || /Connection terminated|ECONNRESET|EPIPE|not queryable/i.test(message);
      if (!dropped || err instanceof StoreError) throw err;
      this.#lost ??= maskUrl(message);
      throw new StoreError('closed', `the connection to ${this.target} was lost (${this.#lost}); open the store again`, {
        target: this.target,
        cause: err,
      });
    }
  }

  async #dropTemp(name: string): Promise<void> {
    if (this.#db && !this.#lost) await this.#calls.run(() => (this.#db ? dropTemp(this.#db, name) : undefined));
  }

  #guard(): void {
    this.#calls.refuseInTransaction();
    this.#open();
  }

  #open(): pg.Client {
    if (!this.#db) throw new StoreError('closed', `the store ${this.target} is closed`, { target: this.target });
    if (this.#lost) {
      throw new StoreError('closed', `the connection to ${this.target} was lost (${this.#lost}); open the store again`, {
        target: this.target,
      });
    }
    return this.#db;
  }

  #now(): string {
    return this.#clock().toISOString();
  }
}
