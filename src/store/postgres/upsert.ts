/**
 * The write path: one batch of records is COPYed into a temporary staging table, then merged with set-based
 * statements into `responses` (`INSERT … ON CONFLICT DO UPDATE … WHERE` the content hash differs), the wide table
 * and `answers`, all inside the caller's transaction — the one that also advances the cursor.
 */
import type pg from 'pg';
import { StoreError } from '../errors.ts';
import { quoteIdent } from '../internal/names.ts';
import { checkResponseId, encodeMeta, META_COLUMNS, rowHash } from '../internal/row-codec.ts';
import { declaredType } from '../plan-widening.ts';
import { typeOfValue, widen } from '../sql-types.ts';
import type { UpsertResult } from '../store.ts';
import type { SqlType, StoreRecord, StoreValue } from '../types.ts';
import { COPY_NULL, copyEscape, copyEscapeJson, copyRows } from './copy.ts';
import { copyCell, copyMeta, typedColumns, valuesToJson, withRecordContext } from './encode.ts';
import { applyTypes, type LayoutState, loadLayout, pendingTypes } from './layouts.ts';
import { lockSurvey } from './surveys.ts';

const META = META_COLUMNS.map((m) => m.column);
const META_STAGE_DDL = META_COLUMNS.map((m) => `${m.column} ${declaredType('postgres', m.type)}`).join(', ');

/**
 * Upserts one batch; see `StoreTx.upsertResponses`. `state` is the store's cached layout; when the batch needs new
 * or wider columns it is reloaded under the survey's row lock and updated in place. `stage` names the temporary
 * staging table (unique per call within the session).
 */
export async function upsertResponses(
  db: pg.ClientBase,
  state: LayoutState,
  records: readonly StoreRecord[],
  now: string,
  stage: string,
): Promise<UpsertResult> {
  const surveyId = state.surveyId;
  const unique = lastOfEachId(surveyId, records);
  const result: UpsertResult = {
    inserted: 0,
    updated: 0,
    unchanged: 0,
    restored: 0,
    duplicates: records.length - unique.length,
    widened: [],
    materialized: [],
  };
  if (unique.length === 0) return result;
  if (pendingTypes(state, observeTypes(state, unique)).size > 0) {
    // Another process may have changed the layout since we cached it: reload under the lock, then decide.
    await lockSurvey(db, surveyId);
    Object.assign(state, await loadLayout(db, surveyId));
    Object.assign(result, await applyTypes(db, state, pendingTypes(state, observeTypes(state, unique)), now));
  }
  const wide = typedColumns(state);
  const stageName = quoteIdent(stage);
  await db.query(
    `CREATE TEMP TABLE ${stageName} (response_id text, ${META_STAGE_DDL}, values_json json, labels_json json,
       row_hash text${wide.map((c, i) => `, w${i} ${declaredType('postgres', c.sqlType)}`).join('')}) ON COMMIT DROP`,
  );
  const stageColumns = ['response_id', ...META, 'values_json', 'labels_json', 'row_hash', ...wide.map((_, i) => `w${i}`)];
  let column = 'metadata';
  const line = (rec: StoreRecord) =>
    withRecordContext(
      surveyId,
      rec,
      () => column,
      () => {
        column = 'metadata';
        const valuesJson = valuesToJson(state, rec);
        const labelsJson = rec.labels ? JSON.stringify(rec.labels) : null;
        const hash = rowHash(valuesJson, labelsJson, encodeMeta(rec.meta));
        let text = `${copyEscape(rec.responseId)}\t${copyMeta(rec.meta)}\t${copyEscapeJson(valuesJson)}\t${
          labelsJson === null ? COPY_NULL : copyEscapeJson(labelsJson)
        }\t${hash}`;
        for (let i = 0; i < wide.length; i++) {
          const col = wide[i]!;
          column = `column ${col.sqlName}`;
          text += `\t${copyCell(col.sqlType, rec.values[col.key])}`;
        }
        return `${text}\n`;
      },
    );
  try {
    await copyRows(db, `COPY ${stageName} (${stageColumns.join(', ')}) FROM STDIN`, unique, line);
  } catch (err) {
    throw copyError(err, state, unique, wide);
  }
  Object.assign(result, await dropUnchanged(db, surveyId, stageName, unique.length));
  if (result.unchanged < unique.length) await mergeChanged(db, state, stageName, now);
  await db.query(`DROP TABLE ${stageName}`);
  return result;
}

/**
 * Removes from the stage the responses stored with the same content hash (and not deleted): those are not
 * rewritten. Counts, from the state before this batch: unchanged, updated (stored, content differs or restored),
 * restored (stored with `deleted_at`), inserted (not stored).
 */
async function dropUnchanged(
  db: pg.ClientBase,
  surveyId: string,
  stage: string,
  total: number,
): Promise<Pick<UpsertResult, 'inserted' | 'updated' | 'unchanged' | 'restored'>> {
  // One index probe per staged id (LATERAL … LIMIT 1 keeps the planner from hashing the survey's whole
  // `responses`, which would make every batch cost as much as the survey is large).
  const { rows } = await db.query<{ unchanged: number; existing: number; restored: number }>(
    `WITH prev AS MATERIALIZED (
       SELECT s.response_id, p.row_hash = s.row_hash AND NOT p.deleted AS same, p.response_id IS NOT NULL AS found,
         coalesce(p.deleted, false) AS deleted
       FROM ${stage} s LEFT JOIN LATERAL (
         SELECT r.response_id, r.row_hash, r.deleted_at IS NOT NULL AS deleted FROM responses r
         WHERE r.survey_id = $1 AND r.response_id = s.response_id LIMIT 1) p ON true),
     same AS (
       DELETE FROM ${stage} s USING prev WHERE prev.same AND s.response_id = prev.response_id RETURNING 1)
     SELECT (SELECT count(*) FROM same)::int AS unchanged, count(*) FILTER (WHERE found)::int AS existing,
       count(*) FILTER (WHERE deleted)::int AS restored
     FROM prev`,
    [surveyId],
  );
  const { unchanged, existing, restored } = rows[0]!;
  return { unchanged, updated: existing - unchanged, restored, inserted: total - existing };
}

/** Merges the staged (changed or new) responses into `responses`, the wide table, `answers`; drops in-progress rows. */
async function mergeChanged(db: pg.ClientBase, state: LayoutState, stage: string, now: string): Promise<void> {
  const surveyId = state.surveyId;
  const cols = [...META, 'values_json', 'labels_json', 'row_hash'];
  // The stage holds changed or new responses only; the WHERE still guards the merge itself, so identical content
  // is never rewritten even if another writer stored it since `dropUnchanged` looked.
  await db.query(
    `INSERT INTO responses AS r (survey_id, response_id, ${cols.join(', ')}, synced_at, deleted_at)
     SELECT $1, response_id, ${cols.join(', ')}, $2, NULL FROM ${stage}
     ON CONFLICT (survey_id, response_id) DO UPDATE SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')},
       synced_at = excluded.synced_at, deleted_at = NULL
     WHERE r.row_hash IS DISTINCT FROM excluded.row_hash OR r.deleted_at IS NOT NULL`,
    [surveyId, now],
  );
  const wide = typedColumns(state).map((c) => quoteIdent(c.sqlName));
  await db.query(
    `INSERT INTO ${quoteIdent(state.tableName)} ("response_id", "synced_at", "deleted_at"${wide.map((n) => `, ${n}`).join('')})
     SELECT response_id, $1, NULL${wide.map((_, i) => `, w${i}`).join('')} FROM ${stage}
     ON CONFLICT ("response_id") DO UPDATE SET "synced_at" = excluded."synced_at", "deleted_at" = NULL${wide
       .map((n) => `, ${n} = excluded.${n}`)
       .join('')}`,
    [now],
  );
  if (state.longAnswers) {
    await db.query(
      `DELETE FROM answers WHERE survey_id = $1 AND response_id = ANY (ARRAY(SELECT response_id FROM ${stage}))`,
      [surveyId],
    );
    await db.query(answersFromJson(stage), [surveyId]);
  }
  await db.query(
    `DELETE FROM in_progress_responses WHERE survey_id = $1 AND response_id = ANY (ARRAY(SELECT response_id FROM ${stage}))`,
    [surveyId],
  );
}

/**
 * `INSERT INTO answers` from `source` (a table with `response_id`, `values_json`, `labels_json` of survey $1): one
 * row per non-metadata column with a value. `json_each_text` on `json` (kept verbatim) returns strings unescaped and
 * numbers, booleans, arrays and objects as the exact text JavaScript wrote: the same text `cellText` gives.
 */
export function answersFromJson(source: string): string {
  return `INSERT INTO answers (survey_id, response_id, column_key, import_id, value, label)
    SELECT $1, s.response_id, v.key, c.import_id, v.value, s.labels_json ->> v.key
    FROM ${source} s CROSS JOIN LATERAL json_each_text(s.values_json) v
    JOIN survey_columns c ON c.survey_id = $1 AND c.column_key = v.key
    WHERE v.value IS NOT NULL AND NOT c.is_metadata`;
}

/** The records, keeping only the last copy of a repeated response id (a continuation may repeat one). */
function lastOfEachId(surveyId: string, records: readonly StoreRecord[]): readonly StoreRecord[] {
  const last = new Map<string, number>();
  for (let i = 0; i < records.length; i++) {
    const id = records[i]?.responseId;
    checkResponseId(surveyId, id, i);
    last.set(id, i);
  }
  return last.size === records.length ? records : records.filter((r, i) => last.get(r.responseId) === i);
}

/** Key → the join of the column's type and the batch's values, for columns whose type that changes. */
function observeTypes(state: LayoutState, records: readonly StoreRecord[]): Map<string, SqlType> {
  const out = new Map<string, SqlType>();
  for (const col of state.columns) {
    if (col.sqlType === 'text') continue;
    let type: SqlType | null = col.sqlType;
    for (const rec of records) {
      const v = rec.values[col.key];
      if (v === null || v === undefined) continue;
      type = joinValue(type, v);
      if (type === 'text') break;
    }
    if (type !== col.sqlType && type !== null) out.set(col.key, type);
  }
  return out;
}

/** `widen(type, typeOfValue(v))` with the common cases answered without a regex. */
function joinValue(type: SqlType | null, v: StoreValue): SqlType | null {
  switch (typeof v) {
    case 'number':
      if ((type === 'integer' && Number.isSafeInteger(v)) || (type === 'real' && Number.isFinite(v))) return type;
      break;
    case 'string':
      if (type !== null && type !== 'timestamp') return 'text';
      break;
    case 'boolean':
      if (type === 'boolean' || type === 'integer' || type === 'real') return type;
      break;
  }
  return widen(type, typeOfValue(v));
}

/** A COPY data error (bad value for a column) as a one-line `StoreError` naming the response and column. */
function copyError(
  err: unknown,
  state: LayoutState,
  records: readonly StoreRecord[],
  wide: ReadonlyArray<{ sqlName: string }>,
): unknown {
  const e = err as { code?: unknown; where?: unknown; message?: unknown };
  if (typeof e.code !== 'string' || !e.code.startsWith('22')) return err;
  const m = /line (\d+)(?:, column (\w+))?/.exec(String(e.where ?? ''));
  const rec = m ? records[Number(m[1]) - 1] : undefined;
  const stageColumn = m?.[2];
  const column = stageColumn?.startsWith('w') ? wide[Number(stageColumn.slice(1))]?.sqlName : stageColumn;
  const where = [rec && `response ${rec.responseId}`, column && `column ${column}`].filter(Boolean).join(', ');
  return new StoreError(
    'invalid-input',
    `survey ${state.surveyId}: ${where ? `${where}: ` : ''}PostgreSQL rejected a value: ${String(e.message)}`,
    { cause: err },
  );
}
