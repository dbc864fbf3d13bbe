import type { SimResponse, SimResponseMeta } from '../contract.ts';
import type { SurveyModel } from './catalog.ts';
import { flowUnits, npsGroup, type Unit } from './layout.ts';
import { type Rng, rngFor } from './prng.ts';
import {
  CITIES_TYPED,
  ESSAYS,
  GEO_POINTS,
  LANGUAGE_WEIGHTS,
  LANGUAGES,
  type Language,
  OTHER_TEXTS,
  PEOPLE,
  PHONES,
  WORDS,
} from './text-pools.ts';

/**
 * Generates one response as a pure function of (seed, survey, kind, index, version). Metadata depends on the index
 * only; answers and embedded data also on the version, so an edit (version + 1) changes the answers but not when or
 * where the response was taken.
 */

const CHANNELS = ['anonymous', 'email', 'gl', 'social', 'sms'] as const;
const CHANNEL_WEIGHTS = [62, 22, 8, 5, 3] as const;
const IP_NETS = ['192.0.2', '198.51.100', '203.0.113'] as const;
/** Share of completed responses that are recorded partial responses (closed after the partial-data window). */
const PARTIAL_RATE = 0.04;
const PREVIEW_RATE = 0.05;
const SEEN_UNANSWERED_RATE = 0.06;

export type ResponseKind = 'R' | 'FS';

interface MetaDraft {
  meta: SimResponseMeta;
  language: Language;
  /** How many units were reached (all of them for a finished response). */
  reached: number;
}

/** Metadata of a completed response recorded at `recordedDate`, or of an in-progress session started at it. */
export function generateMeta(seed: number, model: SurveyModel, kind: ResponseKind, index: number, at: number): MetaDraft {
  const rng = rngFor(seed, model.survey.id, 'meta', kind, index);
  const units = flowUnits(model.survey);
  const preview = rng.chance(PREVIEW_RATE);
  const partial = kind === 'FS' || rng.chance(PARTIAL_RATE);
  const language = rng.weighted(LANGUAGES, LANGUAGE_WEIGHTS);
  const channel = preview ? 'preview' : rng.weighted(CHANNELS, CHANNEL_WEIGHTS);
  const reached = partial ? rng.int(units.length) : units.length;
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
  const person = channel === 'email' ? rng.pick(PEOPLE) : undefined;
  const meta: SimResponseMeta = {
    startDate,
    endDate,
    recordedDate,
    lastModifiedDate: kind === 'R' ? recordedDate : endDate,
    status: preview ? 1 : 0,
    ipAddress: preview ? '' : `${rng.pick(IP_NETS)}.${rng.range(1, 254)}`,
    progress: partial ? Math.max(1, Math.min(99, Math.round((reached / Math.max(1, units.length)) * 100))) : 100,
    duration,
    finished: !partial,
    distributionChannel: channel,
    userLanguage: language,
    locationLatitude: lat,
    locationLongitude: lon,
    recipientLastName: person ? person[1] : '',
    recipientFirstName: person ? person[0] : '',
    recipientEmail: person ? `${person[2]}${rng.range(1, 99)}@example.com` : '',
    externalDataReference: person && rng.chance(0.5) ? `EXT-${100000 + rng.int(900000)}` : '',
  };
  return { meta, language, reached };
}

/** Answers, embedded data and shown questions for one version of a response. */
export function generateAnswers(
  seed: number,
  model: SurveyModel,
  kind: ResponseKind,
  index: number,
  version: number,
  draft: MetaDraft,
): Pick<SimResponse, 'answers' | 'embedded' | 'displayed'> {
  const rng = rngFor(seed, model.survey.id, 'answers', kind, index, version);
  const units = flowUnits(model.survey);
  const answers: Record<string, unknown> = {};
  const displayed: string[] = [];
  for (let u = 0; u < draft.reached; u++) {
    const unit = units[u]!;
    const knobs = model.knobs.get(unit.q.id);
    if (knobs?.shownRate !== undefined && !rng.chance(knobs.shownRate)) continue;
    displayed.push(unit.key);
    if (unit.q.randomized && unit.q.choices) answers[unit.doKey] = rng.shuffle(unit.q.choices.map((c) => c.id));
    if (!knobs?.forced && rng.chance(SEEN_UNANSWERED_RATE)) continue;
    answerUnit(rng, unit, draft.language, answers);
  }
  const embedded: Record<string, string> = {};
  for (const name of model.survey.embeddedData) {
    const pool = model.template.embeddedValues[name] ?? [''];
    embedded[name] = rng.pick(pool);
    answers[name] = embedded[name];
  }
  return { answers, embedded, displayed };
}

function essay(rng: Rng, language: Language): string {
  return rng.pick(rng.chance(0.7) ? ESSAYS[language] : ESSAYS.EN);
}

function shortText(rng: Rng, unit: Unit): string {
  if (unit.loop !== undefined) return rng.pick(WORDS);
  if (unit.q.text.includes('city')) return rng.pick(CITIES_TYPED);
  const person = rng.pick(PEOPLE);
  return `${person[0]} ${person[1]}`;
}

function answerUnit(rng: Rng, unit: Unit, language: Language, out: Record<string, unknown>): void {
  const q = unit.q;
  const choices = q.choices ?? [];
  const rows = q.answers ?? [];
  switch (q.type) {
    case 'MC': {
      if (q.selector === 'MAVR' || q.selector === 'MAHR') {
        const picked = choices.filter(() => rng.chance(0.35));
        if (picked.length === 0) picked.push(rng.pick(choices));
        out[unit.key] = picked.map((c) => Number(c.id));
        for (const c of picked) if (c.textEntry) out[unit.otherTextKeys.get(c.id)!] = rng.pick(OTHER_TEXTS);
      } else {
        const c = rng.pick(choices);
        out[unit.key] = c.recode;
        if (c.textEntry) out[unit.otherTextKeys.get(c.id)!] = rng.pick(OTHER_TEXTS);
      }
      return;
    }
    case 'NPS': {
      // Skewed towards the top of the scale, as real NPS answers are.
      const score = Math.max(0, 10 - Math.floor(rng.next() * rng.next() * 11));
      out[unit.key] = score;
      out[unit.npsGroupKey] = npsGroup(score);
      return;
    }
    case 'Matrix':
      rows.forEach((_, r) => {
        if (rng.chance(0.05)) return;
        if (q.subSelector === 'MultipleAnswer') {
          const picked = choices.filter(() => rng.chance(0.4)).map((c) => Number(c.id));
          if (picked.length > 0) out[unit.rowKeys[r]!] = picked;
        } else {
          out[unit.rowKeys[r]!] = rng.pick(choices).recode;
        }
      });
      return;
    case 'TE':
      if (q.selector === 'FORM') {
        const person = rng.pick(PEOPLE);
        const values = [`${person[0]} ${person[1]}`, `${person[2]}@example.org`, rng.pick(PHONES)];
        rows.forEach((_, r) => {
          const v = values[r] ?? rng.pick(WORDS);
          if (v !== '') out[unit.rowKeys[r]!] = v;
        });
      } else if (q.selector === 'ESTB' || q.selector === 'ML') {
        out[unit.textKey] = essay(rng, language);
      } else {
        out[unit.textKey] = shortText(rng, unit);
      }
      return;
    case 'Slider':
      rows.forEach((_, r) => {
        // Mostly whole numbers, sometimes one decimal: exercises formatDecimalAsComma.
        out[unit.rowKeys[r]!] = rng.chance(0.3) ? rng.int(1000) / 10 : rng.int(101);
      });
      return;
    case 'RO':
      rng.shuffle(choices.map((_, i) => i)).forEach((choiceIndex, rank) => {
        out[unit.choiceKeys[choiceIndex]!] = rank + 1;
      });
      return;
    case 'CS': {
      let left = 100;
      choices.forEach((_, i) => {
        const v = i === choices.length - 1 ? left : rng.int(left + 1);
        left -= v;
        out[unit.choiceKeys[i]!] = v;
      });
      return;
    }
    case 'SBS':
      (q.sbsColumns ?? []).forEach((col, k) => {
        rows.forEach((_, r) => {
          if (!rng.chance(0.04)) out[unit.sbsKeys[k]![r]!] = rng.pick(col.choices).recode;
        });
      });
      return;
    case 'DB':
      return;
  }
}
