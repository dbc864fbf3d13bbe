import type { SimQuestion, SimSurvey } from '../contract.ts';

/**
 * One question as it appears in the data: a plain question, or one iteration of a loop-and-merge question
 * (`prefix` = `"<loop>_"`). Every field key the question can produce is precomputed here, once per survey, because
 * the generator and the exporters touch them for every response.
 */
export interface Unit {
  q: SimQuestion;
  /** `""`, or `"<loop>_"` for a looped question. */
  prefix: string;
  /** Loop label, or undefined. */
  loop?: string;
  /** `<prefix>QIDn`: the single-value field (MC single answer, NPS score) and the `displayed` entry. */
  key: string;
  /** `<key>_TEXT` (text entry). */
  textKey: string;
  /** `<key>_DO` (display order). */
  doKey: string;
  /** `<key>_NPS_GROUP`. */
  npsGroupKey: string;
  /** `<key>_<choice>_TEXT` for text-entry choices, by choice id. */
  otherTextKeys: Map<string, string>;
  /** `<key>_<row>` aligned with `q.answers` (matrix, slider, form rows). */
  rowKeys: string[];
  /** `<key>_<choice>` aligned with `q.choices` (rank order, constant sum, multi-answer breakout). */
  choiceKeys: string[];
  /** `<key>#<column>_<row>` by column then row (side by side). */
  sbsKeys: string[][];
}

const cache = new WeakMap<SimSurvey, Unit[]>();

/**
 * The survey's questions in flow order (blocks in order of first appearance), loop-and-merge blocks expanded once
 * per loop label, iteration by iteration, as Qualtrics orders the columns (`1_Q5`, `1_Q6`, `2_Q5`, `2_Q6`, …).
 * Descriptive-text questions (`DB`) hold no data and are left out.
 */
export function flowUnits(survey: SimSurvey): Unit[] {
  const hit = cache.get(survey);
  if (hit) return hit;
  const blocks: string[] = [];
  for (const q of survey.questions) if (!blocks.includes(q.blockId)) blocks.push(q.blockId);
  const units: Unit[] = [];
  for (const blockId of blocks) {
    const qs = survey.questions.filter((q) => q.blockId === blockId && q.type !== 'DB');
    const looped = qs.some((q) => q.looped) && survey.loops.length > 0;
    if (looped) {
      for (const loop of survey.loops) for (const q of qs) units.push(makeUnit(q, `${loop}_`, loop));
    } else {
      for (const q of qs) units.push(makeUnit(q, '', undefined));
    }
  }
  cache.set(survey, units);
  return units;
}

function makeUnit(q: SimQuestion, prefix: string, loop: string | undefined): Unit {
  const key = prefix + q.id;
  const otherTextKeys = new Map<string, string>();
  for (const c of q.choices ?? []) if (c.textEntry) otherTextKeys.set(c.id, `${key}_${c.id}_TEXT`);
  const unit: Unit = {
    q,
    prefix,
    key,
    textKey: `${key}_TEXT`,
    doKey: `${key}_DO`,
    npsGroupKey: `${key}_NPS_GROUP`,
    otherTextKeys,
    rowKeys: (q.answers ?? []).map((a) => `${key}_${a.id}`),
    choiceKeys: (q.choices ?? []).map((c) => `${key}_${c.id}`),
    sbsKeys: (q.sbsColumns ?? []).map((col) => (q.answers ?? []).map((a) => `${key}#${col.id}_${a.id}`)),
  };
  if (loop !== undefined) unit.loop = loop;
  return unit;
}

/** True when `fieldKey` is one of the unit's fields (`QID1` must not claim `QID10`). */
export function unitOwns(unit: Unit, fieldKey: string): boolean {
  if (fieldKey === unit.key) return true;
  const next = fieldKey.charAt(unit.key.length);
  return fieldKey.startsWith(unit.key) && (next === '_' || next === '#');
}

/** NPS group code from a 0–10 score: 1 Detractor (0–6), 2 Passive (7–8), 3 Promoter (9–10). */
export function npsGroup(score: number): 1 | 2 | 3 {
  return score <= 6 ? 1 : score <= 8 ? 2 : 3;
}

export const NPS_GROUP_LABELS = ['', 'Detractor', 'Passive', 'Promoter'] as const;
