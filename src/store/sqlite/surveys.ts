/**
 * `surveys` rows: save (choosing the wide-table name once), read, list.
 */
import type Database from 'better-sqlite3';
import { checkSurveyInfo, type SurveyRow, surveyNotSaved, surveyValues, toSurvey } from '../internal/survey-row.ts';
import { planTableName } from '../plan-columns.ts';
import type { StoredSurvey, SurveyInfo } from '../types.ts';

/** Inserts or updates a survey. The table name is planned against every object name in the database. */
export function saveSurvey(db: Database.Database, info: SurveyInfo, now: string): StoredSurvey {
  checkSurveyInfo(info);
  const existing = getSurvey(db, info.id);
  const values = surveyValues(info, existing);
  const params = {
    id: info.id,
    name: info.name,
    active: asFlag(values.active),
    created: values.createdAt,
    modified: values.modifiedAt,
    auditable: values.auditable,
    generated: values.generated,
    deletedCount: values.deletedCount,
    longAnswers: values.longAnswers ? 1 : 0,
    now,
  };
  if (existing) {
    db.prepare(
      `UPDATE surveys SET name = @name, is_active = @active, created_at = @created, modified_at = @modified,
         response_count_auditable = @auditable, response_count_generated = @generated,
         response_count_deleted = @deletedCount, long_answers = @longAnswers, updated_at = @now
       WHERE survey_id = @id`,
    ).run(params);
  } else {
    const taken = (db.prepare(`SELECT name FROM sqlite_schema`).pluck().all() as string[]).concat(
      db.prepare(`SELECT table_name FROM surveys`).pluck().all() as string[],
    );
    const table = planTableName(info.name, info.id, taken);
    db.prepare(
      `INSERT INTO surveys (survey_id, name, is_active, created_at, modified_at, response_count_auditable,
         response_count_generated, response_count_deleted, long_answers, table_name, first_seen_at, updated_at)
       VALUES (@id, @name, @active, @created, @modified, @auditable, @generated, @deletedCount, @longAnswers,
         @table, @now, @now)`,
    ).run({ ...params, table });
  }
  return getSurvey(db, info.id)!;
}

/** A saved survey, or null. */
export function getSurvey(db: Database.Database, surveyId: string): StoredSurvey | null {
  const row = db.prepare(`SELECT * FROM surveys WHERE survey_id = ?`).get(surveyId) as SurveyRow | undefined;
  return row ? toSurvey(row) : null;
}

/** Every saved survey, by id. */
export function listSurveys(db: Database.Database): StoredSurvey[] {
  return (db.prepare(`SELECT * FROM surveys ORDER BY survey_id`).all() as SurveyRow[]).map(toSurvey);
}

/** The survey, or an `invalid-input` error telling the caller to save it first. */
export function requireSurvey(db: Database.Database, surveyId: string): StoredSurvey {
  const survey = getSurvey(db, surveyId);
  if (!survey) throw surveyNotSaved(surveyId);
  return survey;
}

function asFlag(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}
