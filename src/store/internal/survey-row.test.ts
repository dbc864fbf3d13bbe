import { describe, expect, it } from 'vitest';
import type { StoredSurvey } from '../types.ts';
import { checkSurveyInfo, type SurveyRow, surveyNotSaved, surveyValues, toSurvey } from './survey-row.ts';

const ROW: SurveyRow = {
  survey_id: 'SV_1',
  name: 'Feedback',
  is_active: 1,
  created_at: '2024-01-01T00:00:00.000Z',
  modified_at: null,
  response_count_auditable: 10,
  response_count_generated: 0,
  response_count_deleted: null,
  long_answers: 0,
  table_name: 'responses_feedback',
  first_seen_at: '2024-02-01T00:00:00.000Z',
  updated_at: '2024-02-02T00:00:00.000Z',
};

const STORED: StoredSurvey = {
  id: 'SV_1',
  name: 'Feedback',
  active: true,
  createdAt: '2024-01-01T00:00:00.000Z',
  modifiedAt: null,
  responseCounts: { auditable: 10, generated: 0, deleted: null },
  longAnswers: false,
  tableName: 'responses_feedback',
  firstSeenAt: '2024-02-01T00:00:00.000Z',
  updatedAt: '2024-02-02T00:00:00.000Z',
};

describe('toSurvey', () => {
  it('reads SQLite 0/1 flags and PostgreSQL booleans alike', () => {
    expect(toSurvey(ROW)).toEqual(STORED);
    expect(toSurvey({ ...ROW, is_active: true, long_answers: false })).toEqual(STORED);
    expect(toSurvey({ ...ROW, is_active: 0, long_answers: 1 })).toMatchObject({ active: false, longAnswers: true });
    expect(toSurvey({ ...ROW, is_active: false, long_answers: true })).toMatchObject({ active: false, longAnswers: true });
    expect(toSurvey({ ...ROW, is_active: null }).active).toBeNull();
  });
});

describe('surveyValues', () => {
  it('a new survey: what info gives, null elsewhere, long answers off', () => {
    expect(surveyValues({ id: 'SV_2', name: 'New', active: false, responseCounts: { auditable: 3 } }, null)).toEqual({
      active: false,
      createdAt: null,
      modifiedAt: null,
      auditable: 3,
      generated: null,
      deletedCount: null,
      longAnswers: false,
    });
  });

  it('a saved survey keeps what info leaves undefined; an explicit null clears it', () => {
    expect(surveyValues({ id: 'SV_1', name: 'Renamed' }, STORED)).toEqual({
      active: true,
      createdAt: '2024-01-01T00:00:00.000Z',
      modifiedAt: null,
      auditable: 10,
      generated: 0,
      deletedCount: null,
      longAnswers: false,
    });
    const cleared = surveyValues({ id: 'SV_1', name: 'x', active: null, createdAt: null, responseCounts: null, longAnswers: true }, STORED);
    expect(cleared).toEqual({
      active: null,
      createdAt: null,
      modifiedAt: null,
      auditable: null,
      generated: null,
      deletedCount: null,
      longAnswers: true,
    });
  });
});

describe('checks', () => {
  it('refuses a survey without an id or with a name that is not text', () => {
    expect(() => checkSurveyInfo({ id: '', name: 'x' })).toThrow('saveSurvey: the survey has no id');
    expect(() => checkSurveyInfo({ id: 'SV_1', name: 7 as unknown as string })).toThrow('saveSurvey SV_1: name is not text');
    expect(checkSurveyInfo({ id: 'SV_1', name: '' })).toBeUndefined();
  });

  it('names the unsaved survey', () => {
    expect(surveyNotSaved('SV_3')).toMatchObject({ code: 'invalid-input', message: 'survey SV_3 is not saved; call saveSurvey first' });
  });
});
