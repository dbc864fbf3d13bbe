/**
 * `surveys` rows in PostgreSQL: save (choosing the wide-table name once, under an advisory lock so two processes
 * saving new surveys never pick the same name), read, list, lock.
 */
import type pg from 'pg';
import { checkSurveyInfo, type SurveyRow, surveyNotSaved, surveyValues, toSurvey } from '../internal/survey-row.ts';
import { planTableName } from '../plan-columns.ts';
import type { StoredSurvey, SurveyInfo } from '../types.ts';
import { ADVISORY_CLASS } from './migrate.ts';

/** Inserts or updates a survey, inside the caller's transaction. */
export async function saveSurvey(db: pg.ClientBase, info: SurveyInfo, now: string): Promise<StoredSurvey> {
  checkSurveyInfo(info);
  // Table names are planned against every relation in the schema: one planner at a time per schema.
  await db.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || $2))', [ADVISORY_CLASS, ':surveys']);
  const existing = await getSurvey(db, info.id);
  const values = surveyValues(info, existing);
  const params = [
    info.id,
    info.name,
    values.active,
    values.createdAt,
    values.modifiedAt,
    values.auditable,
    values.generated,
    values.deletedCount,
    values.longAnswers,
    now,
  ];
  if (existing) {
    await db.query(
      `UPDATE surveys SET name = $2, is_active = $3, created_at = $4, modified_at = $5, response_count_auditable = $6,
         response_count_generated = $7, response_count_deleted = $8, long_answers = $9, updated_at = $10
       WHERE survey_id = $1`,
      params,
    );
  } else {
    const { rows } = await db.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
       UNION SELECT table_name FROM surveys`,
    );
    const table = planTableName(info.name, info.id, rows.map((r) => r.name));
    await db.query(
      `INSERT INTO surveys (survey_id, name, is_active, created_at, modified_at, response_count_auditable,
         response_count_generated, response_count_deleted, long_answers, first_seen_at, updated_at, table_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)`,
      [...params, table],
    );
  }
  return (await getSurvey(db, info.id))!;
}

/** A saved survey, or null. */
export async function getSurvey(db: pg.ClientBase, surveyId: string): Promise<StoredSurvey | null> {
  const { rows } = await db.query<SurveyRow>(`SELECT * FROM surveys WHERE survey_id = $1`, [surveyId]);
  return rows[0] ? toSurvey(rows[0]) : null;
}

/** Every saved survey, by id (byte order, as in SQLite). */
export async function listSurveys(db: pg.ClientBase): Promise<StoredSurvey[]> {
  const { rows } = await db.query<SurveyRow>(`SELECT * FROM surveys ORDER BY survey_id COLLATE "C"`);
  return rows.map(toSurvey);
}

/** The survey, or an `invalid-input` error telling the caller to save it first. */
export async function requireSurvey(db: pg.ClientBase, surveyId: string): Promise<StoredSurvey> {
  const survey = await getSurvey(db, surveyId);
  if (!survey) throw surveyNotSaved(surveyId);
  return survey;
}

/** `requireSurvey`, holding the survey row's lock until the transaction ends: layout changes go one at a time. */
export async function lockSurvey(db: pg.ClientBase, surveyId: string): Promise<StoredSurvey> {
  const { rows } = await db.query<SurveyRow>(`SELECT * FROM surveys WHERE survey_id = $1 FOR UPDATE`, [surveyId]);
  if (!rows[0]) throw surveyNotSaved(surveyId);
  return toSurvey(rows[0]);
}
