/**
 * Read-back queries: a stored response with its wide row, counts, long-form answers, in-progress rows.
 */
import type Database from 'better-sqlite3';
import { quoteIdent } from '../internal/names.ts';
import { decodeCell, decodeMeta } from '../internal/row-codec.ts';
import type { StoredResponse } from '../store.ts';
import type { StoreValue } from '../types.ts';
import type { LayoutState } from './layouts.ts';

type Row = Record<string, unknown> & { response_id: string; values_json: string; labels_json: string | null };

/** The response with its wide row decoded by logical type (keyed by SQL column name). */
export function getResponse(
  db: Database.Database,
  layout: LayoutState | null,
  surveyId: string,
  responseId: string,
): StoredResponse | null {
  const row = db.prepare(`SELECT * FROM responses WHERE survey_id = ? AND response_id = ?`).get(surveyId, responseId) as
    | Row
    | undefined;
  if (!row) return null;
  let wide: Record<string, StoreValue> | null = null;
  if (layout) {
    const raw = db
      .prepare(`SELECT * FROM ${quoteIdent(layout.tableName)} WHERE row_id = ?`)
      .get(row.row_id) as Record<string, unknown> | undefined;
    if (raw) {
      const types = new Map(layout.columns.map((c) => [c.sqlName, c.sqlType]));
      wide = {};
      for (const [name, value] of Object.entries(raw)) wide[name] = decodeCell(types.get(name) ?? null, value);
    }
  }
  return { ...toStored(row), deletedAt: row.deleted_at as string | null, wide };
}

/** Stored responses of a survey; tombstoned ones only when `includeDeleted`. */
export function countResponses(db: Database.Database, surveyId: string, includeDeleted: boolean): number {
  const sql = `SELECT count(*) FROM responses WHERE survey_id = ?${includeDeleted ? '' : ' AND deleted_at IS NULL'}`;
  return db.prepare(sql).pluck().get(surveyId) as number;
}

/** Long-form rows of one response, in column order. */
export function getAnswers(db: Database.Database, surveyId: string, responseId: string) {
  return db
    .prepare(
      `SELECT a.column_key AS columnKey, a.import_id AS importId, a.value, a.label
       FROM answers a LEFT JOIN survey_columns c ON c.survey_id = a.survey_id AND c.column_key = a.column_key
       WHERE a.survey_id = ? AND a.response_id = ? ORDER BY c.position, a.column_key`,
    )
    .all(surveyId, responseId) as Array<{
    columnKey: string;
    importId: string | null;
    value: string | null;
    label: string | null;
  }>;
}

/** In-progress rows of a survey, by response id. */
export function listInProgress(db: Database.Database, surveyId: string): StoredResponse[] {
  const rows = db
    .prepare(`SELECT * FROM in_progress_responses WHERE survey_id = ? ORDER BY response_id`)
    .all(surveyId) as Row[];
  return rows.map((row) => ({ ...toStored(row), deletedAt: null, wide: null }));
}

/**
 * Rebuilds `answers` of a survey from stored `values_json` (when long answers are switched on), so the long form
 * covers responses stored before, not only those written after.
 */
export function backfillAnswers(db: Database.Database, surveyId: string): number {
  db.prepare(`DELETE FROM answers WHERE survey_id = ?`).run(surveyId);
  return db
    .prepare(
      `INSERT INTO answers (survey_id, response_id, column_key, import_id, value, label)
       SELECT r.survey_id, r.response_id, v.key, c.import_id,
         CASE v.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(v.value AS TEXT) END,
         CASE l.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL
           ELSE CAST(l.value AS TEXT) END
       FROM responses r
       JOIN json_each(r.values_json) v
       JOIN survey_columns c ON c.survey_id = r.survey_id AND c.column_key = v.key
       LEFT JOIN json_each(r.labels_json) l ON l.key = v.key
       WHERE r.survey_id = ? AND v.type <> 'null' AND c.is_metadata = 0`,
    )
    .run(surveyId).changes;
}

function toStored(row: Row): Omit<StoredResponse, 'deletedAt' | 'wide'> {
  return {
    responseId: row.response_id,
    values: JSON.parse(row.values_json) as Record<string, StoreValue>,
    labels: row.labels_json === null ? null : (JSON.parse(row.labels_json) as Record<string, StoreValue>),
    meta: decodeMeta(row),
    syncedAt: row.synced_at as string,
  };
}
