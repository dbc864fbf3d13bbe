import type { SimChoice, SimQuestion } from '../contract.ts';
import type { SurveyModel } from './catalog.ts';
import { type FieldTable, fieldTable } from './fields.ts';
import { flowUnits, type Unit } from './layout.ts';
import { HashPrefix } from './prng.ts';

/**
 * What the generator works out once per (seed, survey) rather than for every response: the hash prefixes of its
 * random streams, and per unit the answer kind, choice lists and field numbers.
 */

/** `R` completed responses, `FS` in-progress sessions. */
export type ResponseKind = 'R' | 'FS';

/** How a unit is answered (from the question's type and selectors). */
export type AnswerKind =
  | 'mcMulti'
  | 'mcSingle'
  | 'nps'
  | 'matrixMulti'
  | 'matrix'
  | 'form'
  | 'essay'
  | 'shortText'
  | 'slider'
  | 'rank'
  | 'constantSum'
  | 'sideBySide'
  | 'none';

function answerKind(q: SimQuestion): AnswerKind {
  switch (q.type) {
    case 'MC':
      return q.selector === 'MAVR' || q.selector === 'MAHR' ? 'mcMulti' : 'mcSingle';
    case 'NPS':
      return 'nps';
    case 'Matrix':
      return q.subSelector === 'MultipleAnswer' ? 'matrixMulti' : 'matrix';
    case 'TE':
      return q.selector === 'FORM' ? 'form' : q.selector === 'ESTB' || q.selector === 'ML' ? 'essay' : 'shortText';
    case 'Slider':
      return 'slider';
    case 'RO':
      return 'rank';
    case 'CS':
      return 'constantSum';
    case 'SBS':
      return 'sideBySide';
    case 'DB':
      return 'none';
  }
}

/**
 * A unit with everything the generator would otherwise work out again for every response. The generator reads
 * only these plans (one shape), not the questions (whose shapes vary with their optional fields).
 */
export interface UnitPlan {
  unit: Unit;
  /** The unit's key, listed in `displayed` when shown. */
  key: string;
  kind: AnswerKind;
  /** Randomized choices: the response records their display order. */
  shuffled: boolean;
  looped: boolean;
  /** Choices of each side-by-side column. */
  sbsChoices: SimChoice[][];
  /** Display-logic rate of the question (undefined: always shown). */
  shownRate: number | undefined;
  forced: boolean;
  choices: readonly SimChoice[];
  rows: readonly SimChoice[];
  /** `Number(choice.id)` per choice: multi-answer values hold these. */
  numericIds: number[];
  /** Choice ids as strings, for the display order. */
  choiceIds: string[];
  /** 0 … choices - 1, for rank orders. */
  choiceIndexes: number[];
  /** Short text answers are city names for a question asking for a city. */
  asksCity: boolean;
  /** Field numbers (see `fieldTable`) of the unit's keys. */
  keySlot: number;
  doSlot: number;
  textSlot: number;
  npsGroupSlot: number;
  /** The "Other" text field per choice (-1 for choices without text entry). */
  otherSlots: number[];
  rowSlots: number[];
  choiceSlots: number[];
  sbsSlots: number[][];
}

/** Per (seed, survey): hash prefixes and unit plans, built once and shared by every response. */
export interface GenPlan {
  seed: number;
  table: FieldTable;
  metaKeys: Record<ResponseKind, HashPrefix>;
  answerKeys: Record<ResponseKind, HashPrefix>;
  units: UnitPlan[];
  embedded: Array<readonly [slot: number, name: string, pool: readonly string[]]>;
}

const plans = new WeakMap<SurveyModel, GenPlan>();

/** The plan of the model's survey for `seed` (built once, then kept with the model). */
export function planOf(seed: number, model: SurveyModel): GenPlan {
  const hit = plans.get(model);
  if (hit && hit.seed === seed) return hit;
  const id = model.survey.id;
  const table = fieldTable(model.survey);
  const slot = (key: string) => table.slots.get(key)!;
  const plan: GenPlan = {
    seed,
    table,
    metaKeys: { R: new HashPrefix(seed, id, 'meta', 'R'), FS: new HashPrefix(seed, id, 'meta', 'FS') },
    answerKeys: { R: new HashPrefix(seed, id, 'answers', 'R'), FS: new HashPrefix(seed, id, 'answers', 'FS') },
    units: flowUnits(model.survey).map((unit) => {
      const knobs = model.knobs.get(unit.q.id);
      const choices = unit.q.choices ?? [];
      return {
        unit,
        key: unit.key,
        kind: answerKind(unit.q),
        shuffled: unit.q.randomized === true && unit.q.choices !== undefined,
        looped: unit.loop !== undefined,
        sbsChoices: (unit.q.sbsColumns ?? []).map((col) => col.choices),
        shownRate: knobs?.shownRate,
        forced: knobs?.forced === true,
        choices,
        rows: unit.q.answers ?? [],
        numericIds: choices.map((c) => Number(c.id)),
        choiceIds: choices.map((c) => c.id),
        choiceIndexes: choices.map((_, i) => i),
        asksCity: unit.q.text.includes('city'),
        keySlot: slot(unit.key),
        doSlot: slot(unit.doKey),
        textSlot: slot(unit.textKey),
        npsGroupSlot: slot(unit.npsGroupKey),
        otherSlots: choices.map((c) => (c.textEntry ? slot(unit.otherTextKeys.get(c.id)!) : -1)),
        rowSlots: unit.rowKeys.map(slot),
        choiceSlots: unit.choiceKeys.map(slot),
        sbsSlots: unit.sbsKeys.map((keys) => keys.map(slot)),
      };
    }),
    embedded: model.survey.embeddedData.map((name) => [slot(name), name, model.template.embeddedValues[name] ?? ['']] as const),
  };
  plans.set(model, plan);
  return plan;
}

