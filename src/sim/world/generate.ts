import type { SimResponseMeta } from '../contract.ts';
import { AnswerSlots, type GeneratedAnswers } from './answers.ts';
import type { GenPlan, ResponseKind, UnitPlan } from './gen-plan.ts';
import { npsGroup } from './layout.ts';
import { Rng } from './prng.ts';
import {
  CITIES_TYPED,
  ESSAYS,
  FORM_EMAILS,
  FULL_NAMES,
  GEO_POINTS,
  IP_NETS,
  ipAddressText,
  LANGUAGE_WEIGHTS,
  LANGUAGES,
  type Language,
  OTHER_TEXTS,
  PEOPLE,
  PHONES,
  recipientEmailText,
  WORDS,
} from './text-pools.ts';

/**
 * Generates one response as a pure function of (seed, survey, kind, index, version). Metadata depends on the index
 * only; answers and embedded data also on the version, so an edit (version + 1) changes the answers but not when or
 * where the response was taken.
 */

export type { ResponseKind } from './gen-plan.ts';

const CHANNELS = ['anonymous', 'email', 'gl', 'social', 'sms'] as const;
const CHANNEL_WEIGHTS = [62, 22, 8, 5, 3] as const;
/** Share of completed responses that are recorded partial responses (closed after the partial-data window). */
const PARTIAL_RATE = 0.04;
const PREVIEW_RATE = 0.05;
const SEEN_UNANSWERED_RATE = 0.06;

interface MetaDraft {
  meta: SimResponseMeta;
  language: Language;
  /** How many units were reached (all of them for a finished response). */
  reached: number;
}

/**
 * Metadata of a completed response recorded at `at` (epoch ms), or of an in-progress session started then, for
 * the survey and seed of `plan` (from `planOf(seed, model)`).
 */
export function generateMeta(plan: GenPlan, kind: ResponseKind, index: number, at: number): MetaDraft {
  const rng = new Rng(plan.metaKeys[kind].of(index));
  const unitCount = plan.units.length;
  const preview = rng.chance(PREVIEW_RATE);
  const partial = kind === 'FS' || rng.chance(PARTIAL_RATE);
  const language = rng.weighted(LANGUAGES, LANGUAGE_WEIGHTS);
  const channel = preview ? 'preview' : rng.weighted(CHANNELS, CHANNEL_WEIGHTS);
  const reached = partial ? rng.int(unitCount) : unitCount;
  const duration = partial ? rng.range(20, 4000) : Math.round(25 + rng.next() * rng.next() * 1500);
  let startDate: number;
  let endDate: number;
  let recordedDate: number;
  if (kind === 'R') {
    recordedDate = at;
    endDate = Math.floor((at - rng.int(1500)) / 1000) * 1000;
    startDate = endDate - duration * 1000;
  } else {
    recordedDate = 0;
    startDate = Math.floor(at / 1000) * 1000;
    endDate = startDate + duration * 1000;
  }
  const [lat, lon] = rng.pick(GEO_POINTS);
  const personIndex = channel === 'email' ? rng.int(PEOPLE.length) : -1;
  const person = personIndex >= 0 ? PEOPLE[personIndex] : undefined;
  const meta: SimResponseMeta = {
    startDate,
    endDate,
    recordedDate,
    lastModifiedDate: kind === 'R' ? recordedDate : endDate,
    status: preview ? 1 : 0,
    ipAddress: preview ? '' : ipAddressText(rng.int(IP_NETS.length), rng.range(1, 254)),
    progress: partial ? Math.max(1, Math.min(99, Math.round((reached / Math.max(1, unitCount)) * 100))) : 100,
    duration,
    finished: !partial,
    distributionChannel: channel,
    userLanguage: language,
    locationLatitude: lat,
    locationLongitude: lon,
    recipientLastName: person ? person[1] : '',
    recipientFirstName: person ? person[0] : '',
    recipientEmail: person ? recipientEmailText(personIndex, rng.range(1, 99)) : '',
    externalDataReference: person && rng.chance(0.5) ? `EXT-${100000 + rng.int(900000)}` : '',
  };
  return { meta, language, reached };
}

/** Answers, embedded data and shown questions for one version of a response. */
export function generateAnswers(plan: GenPlan, kind: ResponseKind, index: number, version: number, draft: MetaDraft): GeneratedAnswers {
  const rng = new Rng(plan.answerKeys[kind].of2(index, version));
  const answers = new AnswerSlots(plan.table);
  const displayed: string[] = [];
  for (let u = 0; u < draft.reached; u++) {
    const p = plan.units[u]!;
    if (p.shownRate !== undefined && !rng.chance(p.shownRate)) continue;
    displayed.push(p.key);
    if (p.shuffled) answers.put(p.doSlot, rng.shuffle(p.choiceIds));
    if (!p.forced && rng.chance(SEEN_UNANSWERED_RATE)) continue;
    answerUnit(rng, p, draft.language, answers);
  }
  const embedded: Record<string, string> = {};
  for (const [slot, name, pool] of plan.embedded) {
    const value = rng.pick(pool);
    embedded[name] = value;
    answers.put(slot, value);
  }
  return { answers, embedded, displayed };
}

function essay(rng: Rng, language: Language): string {
  return rng.pick(rng.chance(0.7) ? ESSAYS[language] : ESSAYS.EN);
}

function shortText(rng: Rng, p: UnitPlan): string {
  if (p.looped) return rng.pick(WORDS);
  if (p.asksCity) return rng.pick(CITIES_TYPED);
  return FULL_NAMES[rng.int(PEOPLE.length)]!;
}

/** Each choice's numeric id with probability `rate`, in choice order (one draw per choice). */
function pickSome(rng: Rng, p: UnitPlan, rate: number): number[] {
  const picked: number[] = [];
  for (let i = 0; i < p.numericIds.length; i++) if (rng.chance(rate)) picked.push(p.numericIds[i]!);
  return picked;
}

/** The "Other" text of choice `i`, when it has one. */
function otherText(rng: Rng, p: UnitPlan, i: number, out: AnswerSlots): void {
  const slot = p.otherSlots[i]!;
  if (slot >= 0) out.put(slot, rng.pick(OTHER_TEXTS));
}

function answerUnit(rng: Rng, p: UnitPlan, language: Language, out: AnswerSlots): void {
  const { choices, rows } = p;
  switch (p.kind) {
    case 'mcMulti': {
      const chosen: number[] = [];
      for (let i = 0; i < choices.length; i++) if (rng.chance(0.35)) chosen.push(i);
      if (chosen.length === 0) chosen.push(rng.int(choices.length));
      out.put(p.keySlot, chosen.map((i) => p.numericIds[i]!));
      for (const i of chosen) otherText(rng, p, i, out);
      return;
    }
    case 'mcSingle': {
      const i = rng.int(choices.length);
      out.put(p.keySlot, choices[i]!.recode);
      otherText(rng, p, i, out);
      return;
    }
    case 'nps': {
      // Skewed towards the top of the scale, as real NPS answers are.
      const score = Math.max(0, 10 - Math.floor(rng.next() * rng.next() * 11));
      out.put(p.keySlot, score);
      out.put(p.npsGroupSlot, npsGroup(score));
      return;
    }
    case 'matrixMulti':
    case 'matrix':
      for (let r = 0; r < rows.length; r++) {
        if (rng.chance(0.05)) continue;
        if (p.kind === 'matrixMulti') {
          const picked = pickSome(rng, p, 0.4);
          if (picked.length > 0) out.put(p.rowSlots[r]!, picked);
        } else {
          out.put(p.rowSlots[r]!, rng.pick(choices).recode);
        }
      }
      return;
    case 'form': {
      const person = rng.int(PEOPLE.length);
      const values = [FULL_NAMES[person]!, FORM_EMAILS[person]!, rng.pick(PHONES)];
      for (let r = 0; r < rows.length; r++) {
        const v = values[r] ?? rng.pick(WORDS);
        if (v !== '') out.put(p.rowSlots[r]!, v);
      }
      return;
    }
    case 'essay':
      out.put(p.textSlot, essay(rng, language));
      return;
    case 'shortText':
      out.put(p.textSlot, shortText(rng, p));
      return;
    case 'slider':
      for (let r = 0; r < rows.length; r++) {
        // Mostly whole numbers, sometimes one decimal: exercises formatDecimalAsComma.
        out.put(p.rowSlots[r]!, rng.chance(0.3) ? rng.int(1000) / 10 : rng.int(101));
      }
      return;
    case 'rank': {
      const order = rng.shuffle(p.choiceIndexes);
      for (let rank = 0; rank < order.length; rank++) out.put(p.choiceSlots[order[rank]!]!, rank + 1);
      return;
    }
    case 'constantSum': {
      let left = 100;
      for (let i = 0; i < choices.length; i++) {
        const v = i === choices.length - 1 ? left : rng.int(left + 1);
        left -= v;
        out.put(p.choiceSlots[i]!, v);
      }
      return;
    }
    case 'sideBySide':
      for (let k = 0; k < p.sbsChoices.length; k++) {
        const scale = p.sbsChoices[k]!;
        for (let r = 0; r < rows.length; r++) {
          if (!rng.chance(0.04)) out.put(p.sbsSlots[k]![r]!, rng.pick(scale).recode);
        }
      }
      return;
    case 'none':
      return;
  }
}
