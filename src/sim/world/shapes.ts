import type { SimChoice, SimQuestion, SimResponse, SimShapes, SimSurvey } from '../contract.ts';
import { isoMillis, isoSeconds } from '../export/format.ts';
import { DEFAULT_JSON_SELECTION, type JsonSelection, responseObject, responseValues } from '../export/values.ts';
import { flowUnits } from './layout.ts';
import { surveyBlocks, surveyDefinition } from './survey-definition.ts';

/**
 * JSON `result` bodies, shaped like the real recordings in test/fixtures/real/ (ropensci all_surveys, metadata,
 * fetch_description; deddyss surveys*): same field names, nesting and value formats (ISO-8601 `…Z` dates without
 * milliseconds, recodes as strings, `null` where Qualtrics sends null). The server wraps them in `{result, meta}`.
 */

/** Element of GET /surveys `elements`. */
export function surveyListElement(survey: SimSurvey): Record<string, unknown> {
  return {
    id: survey.id,
    name: survey.name,
    ownerId: survey.ownerId,
    lastModified: isoSeconds(survey.lastModified),
    creationDate: isoSeconds(survey.creationDate),
    isActive: survey.isActive,
  };
}

function legacyChoice(c: SimChoice, withAnalyze: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    recode: String(c.recode),
    description: c.text,
    choiceText: c.text,
    imageDescription: null,
    variableName: null,
  };
  if (withAnalyze) out.analyze = true;
  if (c.textEntry) out.textEntry = {};
  return out;
}

function byId(choices: readonly SimChoice[] | undefined, withAnalyze: boolean): Record<string, unknown> {
  return Object.fromEntries((choices ?? []).map((c) => [c.id, legacyChoice(c, withAnalyze)]));
}

/** One question of GET /surveys/{id}: matrix rows are `subQuestions`, side-by-side columns `columns`. */
function legacyQuestion(q: SimQuestion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    questionType: { type: q.type, selector: q.selector, subSelector: q.subSelector ?? null },
    questionText: q.text,
    questionLabel: null,
    validation: { doesForceResponse: false },
    questionName: q.exportTag,
  };
  const rowsAreSubQuestions = q.type === 'Matrix' || q.type === 'Slider' || q.type === 'SBS' || q.selector === 'FORM';
  if (rowsAreSubQuestions && q.answers) out.subQuestions = byId(q.answers, false);
  if (q.choices) out.choices = byId(q.choices, true);
  if (q.sbsColumns) {
    out.columns = Object.fromEntries(
      q.sbsColumns.map((col) => [
        col.id,
        { questionType: { type: 'MC', selector: 'DL', subSelector: null }, questionText: col.text, choices: byId(col.choices, true) },
      ]),
    );
  }
  if (q.randomized) out.randomization = { type: 'all' };
  return out;
}

/** `exportColumnMap`: csv column name → where it comes from (the real map leaves NPS groups out). */
function exportColumnMap(survey: SimSurvey): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const unit of flowUnits(survey)) {
    const q = unit.q;
    const tag = unit.prefix + q.exportTag;
    const choice = (c: SimChoice) => `${q.id}.choices.${c.id}`;
    const sub = (a: SimChoice) => `${q.id}.subQuestions.${a.id}`;
    const multi = q.selector === 'MAVR' || q.selector === 'MAHR';
    if (q.type === 'MC' && multi) for (const c of q.choices ?? []) map[`${tag}_${c.id}`] = { question: q.id, choice: choice(c) };
    else if (q.type === 'MC' || q.type === 'NPS' || (q.type === 'TE' && q.selector !== 'FORM')) map[tag] = { question: q.id };
    if (q.type === 'RO' || q.type === 'CS') for (const c of q.choices ?? []) map[`${tag}_${c.id}`] = { question: q.id, choice: choice(c) };
    if (q.type === 'Matrix' && q.subSelector === 'MultipleAnswer') {
      for (const a of q.answers ?? []) {
        for (const c of q.choices ?? []) map[`${tag}_${a.id}_${c.id}`] = { question: q.id, subQuestion: sub(a), choice: choice(c) };
      }
    } else if (q.type === 'Matrix' || q.type === 'Slider' || q.selector === 'FORM') {
      for (const a of q.answers ?? []) map[`${tag}_${a.id}`] = { question: q.id, subQuestion: sub(a) };
    }
    for (const col of q.sbsColumns ?? []) {
      for (const a of q.answers ?? []) {
        map[`${tag}#${col.id}_${a.id}`] = { question: q.id, column: `${q.id}.columns.${col.id}`, subQuestion: sub(a) };
      }
    }
    for (const c of q.choices ?? []) {
      if (c.textEntry) map[`${tag}_${c.id}_TEXT`] = { question: q.id, choice: choice(c), textEntry: `${choice(c)}.textEntry` };
    }
  }
  return map;
}

/** Response counts shown by GET /surveys/{id}; the server passes the live numbers. */
export interface ResponseCounts {
  auditable: number;
  generated: number;
  deleted: number;
}

/** GET /surveys/{surveyId} (the legacy survey shape of ropensci's metadata recording). */
export function surveyLegacy(survey: SimSurvey, counts?: ResponseCounts): Record<string, unknown> {
  const blocks: Record<string, { description: string; elements: unknown[] }> = {};
  for (const b of surveyBlocks(survey)) {
    blocks[b.id] = {
      description: b.description,
      elements: survey.questions.filter((q) => q.blockId === b.id).map((q) => ({ type: 'Question', questionId: q.id })),
    };
  }
  return {
    id: survey.id,
    name: survey.name,
    ownerId: survey.ownerId,
    organizationId: survey.organizationId,
    isActive: survey.isActive,
    creationDate: isoSeconds(survey.creationDate),
    lastModifiedDate: isoSeconds(survey.lastModified),
    expiration: { startDate: null, endDate: null },
    questions: Object.fromEntries(survey.questions.map((q) => [q.id, legacyQuestion(q)])),
    exportColumnMap: exportColumnMap(survey),
    blocks,
    flow: [
      { type: 'Group', flow: [{ type: 'EmbeddedData' }] },
      ...Object.keys(blocks).map((id) => ({ id, type: 'Block' })),
    ],
    embeddedData: survey.embeddedData.map((name) => ({ name, defaultValue: '' })),
    comments: {},
    loopAndMerge: {},
    responseCounts: counts ?? { auditable: 0, generated: 0, deleted: 0 },
  };
}

/** The single-response GET omits `_recordId` from `values`, as in the documented example response. */
const SINGLE_RESPONSE_SELECTION: JsonSelection = {
  metadataIds: DEFAULT_JSON_SELECTION.metadataIds.filter((id) => id !== '_recordId'),
};

/** GET /surveys/{id}/responses/{rid} result: `{responseId, values, labels, displayedFields, displayedValues}`. */
export function singleResponse(survey: SimSurvey, response: SimResponse): Record<string, unknown> {
  return responseObject(survey, response, SINGLE_RESPONSE_SELECTION);
}

/**
 * One line (without its line break) of GET /_sim/surveys/{id}/responses: the response as the json export shows
 * it with default options, plus its recorded and last-modified dates (ISO-8601 UTC, milliseconds).
 */
export function groundTruthLine(survey: SimSurvey, response: SimResponse): string {
  return JSON.stringify({
    responseId: response.responseId,
    recordedDate: response.inProgress ? null : isoMillis(response.meta.recordedDate),
    lastModifiedDate: isoMillis(response.meta.lastModifiedDate),
    values: responseValues(survey, response, DEFAULT_JSON_SELECTION),
  });
}

export { surveyDefinition };

/** All shape builders, as the contract's `SimShapes`. */
export const shapes: SimShapes = { surveyListElement, surveyLegacy, surveyDefinition, singleResponse, groundTruthLine };
