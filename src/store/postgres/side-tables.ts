/**
 * Reconcile (tombstones) and in-progress responses in PostgreSQL. Streamed inputs are COPYed in batches into a
 * session-private TEMP table, then applied to the real tables in one transaction.
 */
import type pg from 'pg';
import { quoteIdent } from '../internal/names.ts';
import { checkResponseId, META_COLUMNS } from '../internal/row-codec.ts';
import { declaredType } from '../plan-widening.ts';
import type { InProgressResult, ReconcileResult } from '../store.ts';
import type { StoreRecord } from '../types.ts';
import { COPY_NULL, copyEscape, copyEscapeJson, copyRows } from './copy.ts';
import { copyMeta, withRecordContext } from './encode.ts';

const META = META_COLUMNS.map((m) => m.column);
const META_DDL = META_COLUMNS.map((m) => `${m.column} ${declaredType('postgres', m.type)}`).join(', ');
const IN_PROGRESS_DATA = [...META, 'values_json', 'labels_json'];

/** Creates an empty TEMP table for live ids (duplicates allowed; counted distinct). */
export async function createLiveIds(db: pg.ClientBase, name: string): Promise<void> {
  await db.query(`CREATE TEMP TABLE ${quoteIdent(name)} (id text NOT NULL)`);
}

/** Adds ids by COPY. */
export async function addLiveIds(db: pg.ClientBase, name: string, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await copyRows(db, `COPY ${quoteIdent(name)} (id) FROM STDIN`, ids, (id) => `${copyEscape(id)}\n`);
}

/** Sets `deleted_at` on stored responses absent from the live ids, clears it on those present. In a transaction. */
export async function applyReconcile(
  db: pg.ClientBase,
  surveyId: string,
  wideTable: string | null,
  name: string,
  now: string,
): Promise<ReconcileResult> {
  const live = quoteIdent(name);
  // The planner has no statistics on a fresh temp table; without them it may pick a nested loop over millions.
  await db.query(`CREATE INDEX ON ${live} (id)`);
  await db.query(`ANALYZE ${live}`);
  const absent = (alias: string) => `NOT EXISTS (SELECT 1 FROM ${live} l WHERE l.id = ${alias}.response_id)`;
  const present = (alias: string) => `EXISTS (SELECT 1 FROM ${live} l WHERE l.id = ${alias}.response_id)`;
  const deleted = await db.query(
    `UPDATE responses r SET deleted_at = $1 WHERE survey_id = $2 AND deleted_at IS NULL AND ${absent('r')}`,
    [now, surveyId],
  );
  const restored = await db.query(
    `UPDATE responses r SET deleted_at = NULL WHERE survey_id = $1 AND deleted_at IS NOT NULL AND ${present('r')}`,
    [surveyId],
  );
  if (wideTable) {
    const wide = quoteIdent(wideTable);
    await db.query(`UPDATE ${wide} w SET deleted_at = $1 WHERE deleted_at IS NULL AND ${absent('w')}`, [now]);
    await db.query(`UPDATE ${wide} w SET deleted_at = NULL WHERE deleted_at IS NOT NULL AND ${present('w')}`);
  }
  const { rows } = await db.query<{ live: number; active: number }>(
    `SELECT (SELECT count(DISTINCT id) FROM ${live})::int AS live,
       (SELECT count(*) FROM responses WHERE survey_id = $1 AND deleted_at IS NULL)::int AS active`,
    [surveyId],
  );
  return { deleted: deleted.rowCount ?? 0, restored: restored.rowCount ?? 0, live: rows[0]!.live, active: rows[0]!.active };
}

/** Drops a TEMP table if it exists. */
export async function dropTemp(db: pg.ClientBase, name: string): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS pg_temp.${quoteIdent(name)}`);
}

/** Creates an empty TEMP staging table for in-progress rows; `seq` keeps arrival order (the last copy wins). */
export async function createInProgressStage(db: pg.ClientBase, name: string, onCommitDrop: boolean): Promise<void> {
  await db.query(
    `CREATE TEMP TABLE ${quoteIdent(name)} (seq bigint GENERATED ALWAYS AS IDENTITY, response_id text NOT NULL,
       ${META_DDL}, values_json json NOT NULL, labels_json json)${onCommitDrop ? ' ON COMMIT DROP' : ''}`,
  );
}

/** COPYs in-progress records into a staging table. Returns rows copied. */
export async function stageInProgress(
  db: pg.ClientBase,
  name: string,
  surveyId: string,
  records: readonly StoreRecord[],
): Promise<number> {
  for (let i = 0; i < records.length; i++) checkResponseId(surveyId, records[i]?.responseId, i);
  if (records.length === 0) return 0;
  const line = (rec: StoreRecord) =>
    withRecordContext(
      surveyId,
      rec,
      () => 'a value',
      () => {
        const labels = rec.labels ? copyEscapeJson(JSON.stringify(rec.labels)) : COPY_NULL;
        return `${copyEscape(rec.responseId)}\t${copyMeta(rec.meta)}\t${copyEscapeJson(JSON.stringify(rec.values))}\t${labels}\n`;
      },
    );
  return copyRows(db, `COPY ${quoteIdent(name)} (response_id, ${IN_PROGRESS_DATA.join(', ')}) FROM STDIN`, records, line);
}

/** Upserts the staged rows (the last copy of each id) into `in_progress_responses`. Returns distinct ids written. */
export async function mergeInProgress(db: pg.ClientBase, name: string, surveyId: string, now: string): Promise<number> {
  const result = await db.query(
    `INSERT INTO in_progress_responses (survey_id, response_id, ${IN_PROGRESS_DATA.join(', ')}, synced_at)
     SELECT DISTINCT ON (response_id) $1, response_id, ${IN_PROGRESS_DATA.join(', ')}, $2::timestamptz
     FROM ${quoteIdent(name)} ORDER BY response_id, seq DESC
     ON CONFLICT (survey_id, response_id) DO UPDATE SET ${[...IN_PROGRESS_DATA, 'synced_at']
       .map((c) => `${c} = excluded.${c}`)
       .join(', ')}`,
    [surveyId, now],
  );
  return result.rowCount ?? 0;
}

/** Replaces the survey's in-progress rows with the staged snapshot. In a transaction. */
export async function applyInProgressStage(
  db: pg.ClientBase,
  surveyId: string,
  name: string,
  now: string,
): Promise<InProgressResult> {
  const removed = await db.query(
    `DELETE FROM in_progress_responses i WHERE survey_id = $1
       AND NOT EXISTS (SELECT 1 FROM ${quoteIdent(name)} s WHERE s.response_id = i.response_id)`,
    [surveyId],
  );
  const upserted = await mergeInProgress(db, name, surveyId, now);
  return { upserted, removed: removed.rowCount ?? 0 };
}
