import { describe, expect, it } from 'vitest';
import { groundTruthLine, shapes, singleResponse, surveyDefinition, surveyLegacy, surveyListElement } from '../../../src/sim/world/shapes.ts';
import { exportBytes, fixture, makeWorld, surveyAt } from './helpers.ts';

/** The JSON bodies against the real recordings: same field names, nesting and value formats. */

type Json = Record<string, unknown>;
const real = (path: string) => (JSON.parse(fixture(path).toString('utf8')) as { result: Json }).result;
const allSurveys = real('ropensci__qualtRics/tests__fixtures__all_surveys.yml.r00_GET_200.json');
const metadata = real('ropensci__qualtRics/tests__fixtures__metadata.yml.r00_GET_200.json');
const colmap = real('ropensci__qualtRics/tests__fixtures__extract_colmap.yml.r13_GET_200.json');
const description = real('ropensci__qualtRics/tests__fixtures__fetch_description.yml.r00_GET_200.json');
const deddyss = real('deddyss__qualtrics-response-exporter/tests__json__surveys.json');
const ISO_S = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

const world = makeWorld(17, 30);
const [s0, s1] = [surveyAt(world, 0), surveyAt(world, 1)];

describe('GET /surveys element', () => {
  it('has the keys and formats of the real list', () => {
    const el = surveyListElement(s0);
    for (const list of [allSurveys, deddyss]) {
      const realEl = (list.elements as Json[])[0]!;
      expect(Object.keys(el)).toEqual(Object.keys(realEl));
    }
    expect(el.lastModified).toMatch(ISO_S);
    expect(el.creationDate).toMatch(ISO_S);
    expect(typeof el.isActive).toBe('boolean');
  });
});

describe('GET /surveys/{id} (legacy)', () => {
  it('has the top-level keys, question and choice shapes of the real recording', () => {
    const ours = surveyLegacy(s0, { auditable: 30, generated: 0, deleted: 0 });
    expect(Object.keys(ours)).toEqual(Object.keys(metadata));
    const realQ = (metadata.questions as Record<string, Json>).QID63!;
    const q1 = (ours.questions as Record<string, Json>).QID1!;
    expect(Object.keys(q1).slice(0, 5)).toEqual(Object.keys(realQ).slice(0, 5));
    expect(q1.questionType).toEqual({ type: 'MC', selector: 'SAVR', subSelector: 'TX' });
    const realChoice = (realQ.choices as Record<string, Json>)['1']!;
    const ourChoice = (q1.choices as Record<string, Json>)['1']!;
    expect(Object.keys(ourChoice).sort()).toEqual(Object.keys(realChoice).sort());
    expect(typeof ourChoice.recode).toBe('string');
    const realOther = ((colmap.questions as Record<string, Json>).QID1!.choices as Record<string, Json>)['10']!;
    expect((q1.choices as Record<string, Json>)['6']!.textEntry).toEqual(realOther.textEntry);
    expect(ours.responseCounts).toEqual({ auditable: 30, generated: 0, deleted: 0 });
  });

  it('maps export columns like the real exportColumnMap', () => {
    const map = surveyLegacy(s0).exportColumnMap as Record<string, Json>;
    const realMap = colmap.exportColumnMap as Record<string, Json>;
    expect(map.Q1).toEqual({ question: 'QID1' });
    expect(Object.keys(map.Q2_3!)).toEqual(Object.keys(realMap.Q35_1!));
    expect(map.Q2_7_TEXT).toEqual({ question: 'QID2', choice: 'QID2.choices.7', textEntry: 'QID2.choices.7.textEntry' });
    expect(Object.keys(realMap.Q35_7_TEXT!)).toEqual(['question', 'choice', 'textEntry']);
    expect(map.Q3_2).toEqual({ question: 'QID3', subQuestion: 'QID3.subQuestions.2' });
    expect(map.Q4_NPS_GROUP).toBeUndefined();
  });
});

describe('GET /survey-definitions/{id}', () => {
  it('has the keys, in order, of the real recording', () => {
    const ours = surveyDefinition(s1);
    expect(Object.keys(ours)).toEqual(Object.keys(description));
    expect(ours.QuestionCount).toBe(String(s1.questions.length));
    expect(ours.SurveyStatus).toMatch(/^(Active|Inactive)$/);
    const realQKeys = new Set(Object.values(description.Questions as Record<string, Json>).flatMap((q) => Object.keys(q)));
    const q = (ours.Questions as Record<string, Json>).QID1!;
    for (const k of ['QuestionText', 'DataExportTag', 'QuestionType', 'Selector', 'Choices', 'ChoiceOrder', 'Validation', 'QuestionID']) {
      expect(realQKeys).toContain(k);
      expect(q).toHaveProperty(k);
    }
    const realBlock = Object.values(description.Blocks as Record<string, Json>)[1]!;
    const block = Object.values(ours.Blocks as Record<string, Json>)[0]!;
    expect(Object.keys(block)).toEqual(Object.keys(realBlock));
    expect((ours.SurveyFlow as Json).Type).toBe('Root');
    const matrix = (ours.Questions as Record<string, Json>).QID2!;
    expect(Object.keys(matrix.Choices as Json)).toEqual(['1', '2', '3']);
    expect(matrix.Answers).toEqual({ 1: { Display: 'Weekly' }, 2: { Display: 'Monthly' }, 3: { Display: 'Rarely' } });
  });
});

describe('single response and ground truth', () => {
  const all = [...world.responses(s0.id)];
  const at = all.findIndex((x) => x.meta.status === 0 && x.meta.finished && x.displayed!.includes('QID3'));
  const r = all[at]!;

  it('GET /surveys/{id}/responses/{rid} has the documented shape', () => {
    const body = singleResponse(s0, r);
    expect(Object.keys(body)).toEqual(['responseId', 'values', 'labels', 'displayedFields', 'displayedValues']);
    const values = body.values as Json;
    expect(Object.keys(values).slice(0, 8)).toEqual(['startDate', 'endDate', 'status', 'ipAddress', 'progress', 'duration', 'finished', 'recordedDate']);
    expect(values._recordId).toBeUndefined();
    expect(values.ipAddress).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\./);
    const preview = all.find((x) => x.meta.status === 1)!;
    expect((singleResponse(s0, preview).values as Json).ipAddress).toBeUndefined();
    expect((body.displayedValues as Record<string, unknown[]>).QID4).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(body.displayedFields).toContain('QID3_1');
  });

  it('a ground-truth line holds exactly the json export values of the response', async () => {
    const json = JSON.parse((await exportBytes(world, 0, { format: 'json' })).toString('utf8')) as { responses: Json[] };
    const line = JSON.parse(groundTruthLine(s0, r)) as Json;
    expect(Object.keys(line)).toEqual(['responseId', 'recordedDate', 'lastModifiedDate', 'values']);
    expect(line.values).toEqual(json.responses[at]!.values);
    expect(line.recordedDate).toBe(new Date(r.meta.recordedDate).toISOString());
    expect(shapes.groundTruthLine).toBe(groundTruthLine);
  });
});
