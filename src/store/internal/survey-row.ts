/**
 * The `surveys` row as both stores read it back, and what a save writes into it. Only the SQL differs between
 * SQLite and PostgreSQL; the checks, the fallback to the stored survey and the row mapping live here once.
 */
import { StoreError } from '../errors.ts';
import type { StoredSurvey, SurveyInfo } from '../types.ts';

/** A `surveys` row. Flags are 0/1 in SQLite and booleans in PostgreSQL. */
export interface SurveyRow {
  survey_id: string;
  name: string;
  is_active: number | boolean | null;
  created_at: string | null;
  modified_at: string | null;
  response_count_auditable: number | null;
  response_count_generated: number | null;
  response_count_deleted: number | null;
  long_answers: number | boolean;
  table_name: string;
  first_seen_at: string;
  updated_at: string;
}

/** The values `saveSurvey` writes besides id, name and times. */
export interface SurveyValues {
  active: boolean | null;
  createdAt: string | null;
  modifiedAt: string | null;
  auditable: number | null;
  generated: number | null;
  deletedCount: number | null;
  longAnswers: boolean;
}

/** Throws `invalid-input` when `info` has no id or its name is not text. */
export function checkSurveyInfo(info: SurveyInfo): void {
  if (typeof info.id !== 'string' || info.id.length === 0) {
    throw new StoreError('invalid-input', 'saveSurvey: the survey has no id');
  }
  if (typeof info.name !== 'string') throw new StoreError('invalid-input', `saveSurvey ${info.id}: name is not text`);
}

/**
 * What a save of `info` writes: each field `info` leaves undefined keeps the stored survey's value (`existing`,
 * null for a new survey); an explicit null clears it. `longAnswers` defaults to false for a new survey.
 */
export function surveyValues(info: SurveyInfo, existing: StoredSurvey | null): SurveyValues {
  const counts = info.responseCounts;
  return {
    active: info.active === undefined ? (existing?.active ?? null) : info.active,
    createdAt: info.createdAt === undefined ? (existing?.createdAt ?? null) : info.createdAt,
    modifiedAt: info.modifiedAt === undefined ? (existing?.modifiedAt ?? null) : info.modifiedAt,
    auditable: counts === undefined ? (existing?.responseCounts.auditable ?? null) : (counts?.auditable ?? null),
    generated: counts === undefined ? (existing?.responseCounts.generated ?? null) : (counts?.generated ?? null),
    deletedCount: counts === undefined ? (existing?.responseCounts.deleted ?? null) : (counts?.deleted ?? null),
    longAnswers: info.longAnswers ?? existing?.longAnswers ?? false,
  };
}

/** The `invalid-input` error for a survey that was never saved. */
export function surveyNotSaved(surveyId: string): StoreError {
  return new StoreError('invalid-input', `survey ${surveyId} is not saved; call saveSurvey first`);
}

/** Maps a `surveys` row to the store's `StoredSurvey`. */
export function toSurvey(row: SurveyRow): StoredSurvey {
  return {
    id: row.survey_id,
    name: row.name,
    active: row.is_active === null ? null : isSet(row.is_active),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    responseCounts: {
      auditable: row.response_count_auditable,
      generated: row.response_count_generated,
      deleted: row.response_count_deleted,
    },
    longAnswers: isSet(row.long_answers),
    tableName: row.table_name,
    firstSeenAt: row.first_seen_at,
    updatedAt: row.updated_at,
  };
}

function isSet(flag: number | boolean): boolean {
  return flag === true || flag === 1;
}
