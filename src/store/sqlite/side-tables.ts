/**
 * Reconcile (tombstones) and in-progress responses in SQLite. Both stream their input into a connection-private
 * TEMP table in small batches, then apply it to the real tables in one transaction.
 */
import type Database from 'better-sqlite3';
import { quoteIdent } from '../internal/names.ts';
import { checkResponseId, encodeMeta, META_COLUMNS } from '../internal/row-codec.ts';
import type { InProgressResult, ReconcileResult } from '../store.ts';
import type { StoreRecord } from '../types.ts';

const META = META_COLUMNS.map((m) => m.column);
const IN_PROGRESS_COLUMNS = ['survey_id', 'response_id', ...META, 'values_json', 'labels_json', 'synced_at'];

/** Creates an empty TEMP table for live ids. */
export function createLiveIds(db: Database.Database, name: string): void {
  db.exec(`CREATE TEMP TABLE ${quoteIdent(name)} (id TEXT PRIMARY KEY) WITHOUT ROWID`);
}

/** Adds ids (duplicates ignored) in one small transaction on the TEMP database. */
export function addLiveIds(db: Database.Database, name: string, ids: readonly string[]): void {
  const insert = db.prepare(`INSERT OR IGNORE INTO temp.${quoteIdent(name)} (id) VALUES (?)`);
  db.transaction(() => {
    for (const id of ids) insert.run(id);
  })();
}

/** Sets `deleted_at` on stored responses absent from the live ids, clears it on those present. */
export function applyReconcile(
  db: Database.Database,
  surveyId: string,
  wideTable: string | null,
  name: string,
  now: string,
): ReconcileResult {
  const live = `(SELECT id FROM temp.${quoteIdent(name)})`;
  const deleted = db
    .prepare(`UPDATE responses SET deleted_at = ? WHERE survey_id = ? AND deleted_at IS NULL AND response_id NOT IN ${live}`)
    .run(now, surveyId).changes;
  const restored = db
    .prepare(`UPDATE responses SET deleted_at = NULL WHERE survey_id = ? AND deleted_at IS NOT NULL AND response_id IN ${live}`)
    .run(surveyId).changes;
  if (wideTable) {
    // The wide row of a response has its row_id; copy the tombstone over where it differs.
    db.prepare(
      `UPDATE ${quoteIdent(wideTable)} AS w SET deleted_at = r.deleted_at FROM responses AS r
       WHERE r.survey_id = ? AND r.row_id = w.row_id AND w.deleted_at IS NOT r.deleted_at`,
    ).run(surveyId);
  }
  const count = (sql: string, ...params: string[]) => (db.prepare(sql).pluck().get(...params) as number) ?? 0;
  return {
    deleted,
    restored,
    live: count(`SELECT count(*) FROM temp.${quoteIdent(name)}`),
    active: count(`SELECT count(*) FROM responses WHERE survey_id = ? AND deleted_at IS NULL`, surveyId),
  };
}

/** Drops a TEMP table if it exists. */
export function dropTemp(db: Database.Database, name: string): void {
  db.exec(`DROP TABLE IF EXISTS temp.${quoteIdent(name)}`);
}

/** Upserts in-progress rows into `table` (the real table, or a TEMP staging copy). Returns rows written. */
export function writeInProgress(
  db: Database.Database,
  table: string,
  surveyId: string,
  records: readonly StoreRecord[],
  now: string,
): number {
  const cols = IN_PROGRESS_COLUMNS;
  const conflict =
    table === 'in_progress_responses'
      ? ` ON CONFLICT (survey_id, response_id) DO UPDATE SET ${cols.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')}`
      : '';
  const insert = db.prepare(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})${conflict}`,
  );
  records.forEach((rec, i) => {
    checkResponseId(surveyId, rec.responseId, i);
    const labels = rec.labels ? JSON.stringify(rec.labels) : null;
    insert.run(surveyId, rec.responseId, ...encodeMeta(rec.meta, rec.responseId), JSON.stringify(rec.values), labels, now);
  });
  return records.length;
}

/** Creates an empty TEMP staging table shaped like `in_progress_responses`. */
export function createInProgressStage(db: Database.Database, name: string): string {
  db.exec(`CREATE TEMP TABLE ${quoteIdent(name)} AS SELECT * FROM in_progress_responses WHERE 0`);
  return `temp.${quoteIdent(name)}`;
}

/** Replaces the survey's in-progress rows with the staged snapshot. */
export function applyInProgressStage(db: Database.Database, surveyId: string, stage: string): InProgressResult {
  const cols = IN_PROGRESS_COLUMNS;
  const removed = db
    .prepare(
      `DELETE FROM in_progress_responses WHERE survey_id = ? AND response_id NOT IN (SELECT response_id FROM ${stage})`,
    )
    .run(surveyId).changes;
  // `WHERE true` resolves SQLite's parsing ambiguity between a join's ON and the upsert's ON CONFLICT.
  db.prepare(
    `INSERT INTO in_progress_responses (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${stage} WHERE true
     ON CONFLICT (survey_id, response_id) DO UPDATE SET ${cols.slice(2).map((c) => `${c} = excluded.${c}`).join(', ')}`,
  ).run();
  const upserted = db.prepare(`SELECT count(DISTINCT response_id) FROM ${stage}`).pluck().get() as number;
  return { upserted, removed };
}
