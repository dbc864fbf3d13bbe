import type { SimChoice, SimResponse, SimSurvey } from '../contract.ts';
import { GeneratedResponse } from '../world/answers.ts';
import { fieldTable } from '../world/fields.ts';
import { flowUnits, NPS_GROUP_LABELS, type Unit } from '../world/layout.ts';
import { DateText } from './format.ts';
import { FINISHED_LABELS, METADATA_SPECS, STATUS_LABELS } from './metadata-columns.ts';

/**
 * The JSON shape of a response, shared by the json/ndjson exports and the single-response and ground-truth
 * endpoints: `{responseId, values, labels, displayedFields, displayedValues}` (FACTS.md §5.5, and the documented
 * single-response example: ISO-Z dates, `recordedDate` with milliseconds, `finished` 0/1, empty metadata omitted,
 * `QIDn_DO` as an array of choice-id strings).
 */

/** What a key's codes mean: its labels are choice texts (by recode or by choice id), NPS groups, or none. */
export type Role = 'single' | 'multi' | 'row' | 'rowMulti' | 'nps' | 'npsGroup' | 'sbs' | 'do' | 'plain';

/** A question field key of a survey: its unit, role and choices. */
export interface KeyInfo {
  unit: Unit;
  role: Role;
  /** Choices the key's codes refer to. */
  choices: readonly SimChoice[];
}

/** A survey's question field keys, and the displayable ones per unit. */
export interface SurveyKeys {
  byKey: Map<string, KeyInfo>;
  /** Displayable field keys per unit key, in column order. */
  fields: Map<string, string[]>;
}

const cache = new WeakMap<SimSurvey, SurveyKeys>();

/** The question field keys of `survey` (built once per survey object). */
export function surveyKeys(survey: SimSurvey): SurveyKeys {
  const hit = cache.get(survey);
  if (hit) return hit;
  const byKey = new Map<string, KeyInfo>();
  const fields = new Map<string, string[]>();
  for (const unit of flowUnits(survey)) {
    const q = unit.q;
    const choices = q.choices ?? [];
    const own: string[] = [];
    const put = (key: string, role: Role, cs: readonly SimChoice[] = [], displayable = true) => {
      byKey.set(key, { unit, role, choices: cs });
      if (displayable) own.push(key);
    };
    const multi = q.selector === 'MAVR' || q.selector === 'MAHR';
    if (q.type === 'MC') put(unit.key, multi ? 'multi' : 'single', choices);
    if (q.type === 'NPS') {
      put(unit.key, 'nps', choices);
      put(unit.npsGroupKey, 'npsGroup', [], false);
    }
    if (q.type === 'Matrix') {
      for (const k of unit.rowKeys) put(k, q.subSelector === 'MultipleAnswer' ? 'rowMulti' : 'row', choices);
    }
    if (q.type === 'TE') {
      if (q.selector === 'FORM') for (const k of unit.rowKeys) put(k, 'plain');
      else put(unit.textKey, 'plain');
    }
    if (q.type === 'Slider') for (const k of unit.rowKeys) put(k, 'plain');
    if (q.type === 'RO' || q.type === 'CS') for (const k of unit.choiceKeys) put(k, 'plain');
    (q.sbsColumns ?? []).forEach((col, i) => {
      for (const k of unit.sbsKeys[i]!) put(k, 'sbs', col.choices);
    });
    for (const k of unit.otherTextKeys.values()) put(k, 'plain', [], false);
    if (q.randomized) put(unit.doKey, 'do', choices, false);
    fields.set(unit.key, own);
  }
  const keys = { byKey, fields };
  cache.set(survey, keys);
  return keys;
}

/** Which fields a JSON response object carries. */
export interface JsonSelection {
  /** Metadata ImportIds to include, e.g. from `metadataIds(options)`. */
  metadataIds: readonly string[];
  questionIds?: ReadonlySet<string> | undefined;
  embeddedDataIds?: ReadonlySet<string> | undefined;
}

/** Default selection of the json export: every metadata field of the default set. */
export const DEFAULT_JSON_SELECTION: JsonSelection = { metadataIds: METADATA_SPECS.map((s) => s[0]) };

/** A formatting cache (the texts are those of `isoSeconds` and `isoMillis`), shared by every caller. */
const dateText = new DateText();

/** The value of metadata field `id` in `values`, or undefined when the field is left out (empty). */
export function metaValue(r: SimResponse, id: string): unknown {
  const m = r.meta;
  switch (id) {
    case 'startDate':
      return dateText.isoSeconds(m.startDate);
    case 'endDate':
      return dateText.isoSeconds(m.endDate);
    case 'recordedDate':
      return r.inProgress ? undefined : dateText.isoMillis(m.recordedDate);
    case 'lastModifiedDate':
      return dateText.isoMillis(m.lastModifiedDate);
    case '_recordId':
      return r.responseId;
    case 'finished':
      return m.finished ? 1 : 0;
    case 'externalDataReference':
      return m.externalDataReference || undefined;
    default: {
      const v = (m as unknown as Record<string, unknown>)[id];
      return v === '' ? undefined : v;
    }
  }
}

/** The `values` object. */
export function responseValues(survey: SimSurvey, r: SimResponse, sel: JsonSelection): Record<string, unknown> {
  const { byKey } = surveyKeys(survey);
  const values: Record<string, unknown> = {};
  for (const id of sel.metadataIds) {
    const v = metaValue(r, id);
    if (v !== undefined) values[id] = v;
  }
  for (const [key, v] of GeneratedResponse.entriesOf(r, fieldTable(survey))) {
    if (v === undefined || v === null) continue;
    const info = byKey.get(key);
    if (info) {
      if (!sel.questionIds || sel.questionIds.has(info.unit.q.id)) values[key] = v;
    } else if (survey.embeddedData.includes(key)) {
      if (v !== '' && (!sel.embeddedDataIds || sel.embeddedDataIds.has(key))) values[key] = v;
    }
  }
  return values;
}

/** The text of the choice a code names (by recode, or by choice id with `byId`). */
export function textOf(choices: readonly SimChoice[], code: unknown, byId: boolean): string | undefined {
  const c = choices.find((x) => (byId ? x.id === String(code) : x.recode === Number(code)));
  return c?.text;
}

/** The `labels` object: text for every coded value in `values`. */
export function responseLabels(survey: SimSurvey, values: Record<string, unknown>): Record<string, unknown> {
  const { byKey } = surveyKeys(survey);
  const labels: Record<string, unknown> = {};
  if (typeof values.status === 'number') labels.status = STATUS_LABELS.get(values.status) ?? String(values.status);
  if (typeof values.finished === 'number') labels.finished = FINISHED_LABELS.get(values.finished);
  for (const [key, v] of Object.entries(values)) {
    const info = byKey.get(key);
    if (!info) continue;
    const list = Array.isArray(v) ? v : undefined;
    switch (info.role) {
      case 'single':
      case 'row':
      case 'nps':
      case 'sbs':
        labels[key] = textOf(info.choices, v, false) ?? String(v);
        break;
      case 'multi':
      case 'rowMulti':
      case 'do':
        if (list) labels[key] = list.map((id) => textOf(info.choices, id, true) ?? String(id));
        break;
      case 'npsGroup':
        labels[key] = NPS_GROUP_LABELS[Number(v)] ?? String(v);
        break;
      case 'plain':
        break;
    }
  }
  return labels;
}

/** `displayedFields` and `displayedValues`: the fields shown to the respondent and the codes each offered. */
export function responseDisplayed(
  survey: SimSurvey,
  r: SimResponse,
  sel: JsonSelection,
): { displayedFields: string[]; displayedValues: Record<string, unknown[]> } {
  const { byKey, fields } = surveyKeys(survey);
  const displayedFields: string[] = [];
  const displayedValues: Record<string, unknown[]> = {};
  for (const unit of flowUnits(survey)) {
    if (sel.questionIds && !sel.questionIds.has(unit.q.id)) continue;
    if (r.displayed !== undefined && !r.displayed.includes(unit.key)) continue;
    for (const key of fields.get(unit.key) ?? []) {
      displayedFields.push(key);
      const info = byKey.get(key)!;
      if (info.role === 'multi' || info.role === 'rowMulti') displayedValues[key] = info.choices.map((c) => Number(c.id));
      else if (info.role !== 'plain') displayedValues[key] = info.choices.map((c) => c.recode);
    }
  }
  return { displayedFields, displayedValues };
}

/** The whole response object of the json/ndjson export and GET /surveys/{id}/responses/{rid}. */
export function responseObject(survey: SimSurvey, r: SimResponse, sel: JsonSelection): Record<string, unknown> {
  const values = responseValues(survey, r, sel);
  return { responseId: r.responseId, values, labels: responseLabels(survey, values), ...responseDisplayed(survey, r, sel) };
}
