/**
 * Read-back queries in PostgreSQL: a stored response with its wide row, counts, long-form answers, in-progress
 * rows, and the answers backfill run when long answers are switched on.
 */
import type pg from 'pg';
import { quoteIdent } from '../internal/names.ts';
import { META_COLUMNS } from '../internal/row-codec.ts';
import type { StoredResponse } from '../store.ts';
import type { ResponseMeta, StoreValue } from '../types.ts';
import { decodeWideCell } from './encode.ts';
import type { LayoutState } from './layouts.ts';
import { answersFromJson } from './merge.ts';

type Row = Record<string, unknown> & {
  response_id: string;
  values_json: Record<string, StoreValue>;
  labels_json: Record<string, StoreValue> | null;
  synced_at: string;
};

/** The response with its wide row decoded by logical type (keyed by SQL column name). */
export async function getResponse(
  db: pg.ClientBase,
  layout: LayoutState | null,
  surveyId: string,
  responseId: string,
): Promise<StoredResponse | null> {
  const { rows } = await db.query<Row>(`SELECT * FROM responses WHERE survey_id = $1 AND response_id = $2`, [
    surveyId,
    responseId,
  ]);
  const row = rows[0];
  if (!row) return null;
  let wide: Record<string, StoreValue> | null = null;
  if (layout) {
    const result = await db.query<Record<string, unknown>>(
      `SELECT * FROM ${quoteIdent(layout.tableName)} WHERE response_id = $1`,
      [responseId],
    );
    const raw = result.rows[0];
    if (raw) {
      const types = new Map(layout.columns.map((c) => [c.sqlName, c.sqlType]));
      wide = {};
      for (const [name, value] of Object.entries(raw)) wide[name] = decodeWideCell(types.get(name) ?? null, value);
    }
  }
  return { ...toStored(row), deletedAt: (row.deleted_at as string | null) ?? null, wide };
}

export async function countResponses(db: pg.ClientBase, surveyId: string, includeDeleted: boolean): Promise<number> {
  const sql = `SELECT count(*)::int AS n FROM responses WHERE survey_id = $1${includeDeleted ? '' : ' AND deleted_at IS NULL'}`;
  const { rows } = await db.query<{ n: number }>(sql, [surveyId]);
  return rows[0]!.n;
}

export async function getAnswers(db: pg.ClientBase, surveyId: string, responseId: string) {
  const { rows } = await db.query<{ columnKey: string; importId: string | null; value: string | null; label: string | null }>(
    `SELECT a.column_key AS "columnKey", a.import_id AS "importId", a.value, a.label
     FROM answers a LEFT JOIN survey_columns c ON c.survey_id = a.survey_id AND c.column_key = a.column_key
     WHERE a.survey_id = $1 AND a.response_id = $2 ORDER BY c.position, a.column_key COLLATE "C"`,
    [surveyId, responseId],
  );
  return rows;
}

export async function listInProgress(db: pg.ClientBase, surveyId: string): Promise<StoredResponse[]> {
  const { rows } = await db.query<Row>(
    `SELECT * FROM in_progress_responses WHERE survey_id = $1 ORDER BY response_id COLLATE "C"`,
    [surveyId],
  );
  return rows.map((row) => ({ ...toStored(row), deletedAt: null, wide: null }));
}

/**
 * Rebuilds `answers` of a survey from stored `values_json` (when long answers are switched on), so the long form
 * covers responses stored before, not only those written after.
 */
export async function backfillAnswers(db: pg.ClientBase, surveyId: string): Promise<number> {
  await db.query(`DELETE FROM answers WHERE survey_id = $1`, [surveyId]);
  const result = await db.query(answersFromJson(`(SELECT * FROM responses WHERE survey_id = $1)`), [surveyId]);
  return result.rowCount ?? 0;
}

function toStored(row: Row): Omit<StoredResponse, 'deletedAt' | 'wide'> {
  const meta: Record<string, unknown> = {};
  for (const { field, column } of META_COLUMNS) meta[field] = row[column] ?? null;
  return {
    responseId: row.response_id,
    values: row.values_json,
    labels: row.labels_json,
    meta: meta as ResponseMeta,
    syncedAt: row.synced_at,
  };
}
