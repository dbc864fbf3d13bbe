/**
 * `surveys` rows: save (choosing the wide-table name once), read, list.
 */
import type Database from 'better-sqlite3';
import { StoreError } from '../errors.ts';
import { planTableName } from '../plan-columns.ts';
import type { StoredSurvey, SurveyInfo } from '../types.ts';

interface SurveyRow {
  survey_id: string;
  name: string;
  is_active: number | null;
  created_at: string | null;
  modified_at: string | null;
  response_count_auditable: number | null;
  response_count_generated: number | null;
  response_count_deleted: number | null;
  long_answers: number;
  table_name: string;
  first_seen_at: string;
  updated_at: string;
}

/** Inserts or updates a survey. The table name is planned against every object name in the database. */
export function saveSurvey(db: Database.Database, info: SurveyInfo, now: string): StoredSurvey {
  if (typeof info.id !== 'string' || info.id.length === 0) {
    throw new StoreError('invalid-input', 'saveSurvey: the survey has no id');
  }
  if (typeof info.name !== 'string') throw new StoreError('invalid-input', `saveSurvey ${info.id}: name is not text`);
  const existing = getSurvey(db, info.id);
  const counts = info.responseCounts;
  const params = {
    id: info.id,
    name: info.name,
    active: asFlag(info.active === undefined ? (existing?.active ?? null) : info.active),
    created: info.createdAt === undefined ? (existing?.createdAt ?? null) : info.createdAt,
    modified: info.modifiedAt === undefined ? (existing?.modifiedAt ?? null) : info.modifiedAt,
    auditable: counts === undefined ? (existing?.responseCounts.auditable ?? null) : (counts?.auditable ?? null),
    generated: counts === undefined ? (existing?.responseCounts.generated ?? null) : (counts?.generated ?? null),
    deletedCount: counts === undefined ? (existing?.responseCounts.deleted ?? null) : (counts?.deleted ?? null),
    longAnswers: (info.longAnswers ?? existing?.longAnswers ?? false) ? 1 : 0,
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
  if (!survey) throw new StoreError('invalid-input', `survey ${surveyId} is not saved; call saveSurvey first`);
  return survey;
}

function asFlag(value: boolean | null): number | null {
  return value === null ? null : value ? 1 : 0;
}

function toSurvey(row: SurveyRow): StoredSurvey {
  return {
    id: row.survey_id,
    name: row.name,
    active: row.is_active === null ? null : row.is_active === 1,
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    responseCounts: {
      auditable: row.response_count_auditable,
      generated: row.response_count_generated,
      deleted: row.response_count_deleted,
    },
    longAnswers: row.long_answers === 1,
    tableName: row.table_name,
    firstSeenAt: row.first_seen_at,
    updatedAt: row.updated_at,
  };
}
