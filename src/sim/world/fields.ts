import type { SimSurvey } from '../contract.ts';
import { flowUnits } from './layout.ts';

/**
 * Every key a survey's `answers` can hold, numbered: the question fields unit by unit in flow order, then the
 * embedded-data names. The generator stores a response's answers by these numbers and the export writers read
 * them back the same way, so a response's answers are only made into an object when something asks for one.
 */
export interface FieldTable {
  /** Key of each field number. */
  keys: readonly string[];
  /** Field number of each key. */
  slots: ReadonlyMap<string, number>;
  /**
   * True when a key is an array index (`"7"`): an object lists those first, whatever the order they were set
   * in, so such a survey's answers are only ever listed through a real object.
   */
  hasIndexKeys: boolean;
}

const cache = new WeakMap<SimSurvey, FieldTable>();

/** The field table of `survey` (built once per survey object). */
export function fieldTable(survey: SimSurvey): FieldTable {
  const hit = cache.get(survey);
  if (hit) return hit;
  const keys: string[] = [];
  const slots = new Map<string, number>();
  const add = (key: string) => {
    if (slots.has(key)) return;
    slots.set(key, keys.length);
    keys.push(key);
  };
  for (const unit of flowUnits(survey)) {
    add(unit.key);
    add(unit.doKey);
    add(unit.textKey);
    add(unit.npsGroupKey);
    for (const key of unit.otherTextKeys.values()) add(key);
    for (const key of unit.rowKeys) add(key);
    for (const key of unit.choiceKeys) add(key);
    for (const column of unit.sbsKeys) for (const key of column) add(key);
  }
  for (const name of survey.embeddedData) add(name);
  const table: FieldTable = { keys, slots, hasIndexKeys: keys.some(isArrayIndex) };
  cache.set(survey, table);
  return table;
}

/** Whether an object would order `key` as an array index (a canonical integer below 2^32 - 1). */
function isArrayIndex(key: string): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < 4294967295 && String(n) === key;
}
