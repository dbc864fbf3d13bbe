/**
 * A simulator world whose first survey changes over time, on top of the generated world: hostile export tags from
 * the start, a question added at stage 1, and an embedded-data field whose values stop being numbers at stage 2.
 * Values depend on each response's last-modified date relative to the stage changes, so the ground truth is what an
 * incremental export after each change really holds.
 */
import type { SimQuestion, SimResponse, SimSurvey, SimWorld } from '../../src/sim/contract.ts';

/** Export tags no SQL identifier should be built from by hand. */
export const HOSTILE_TAGS = [
  'Q"uoted" \'tag\'',
  'select',
  'DROP TABLE responses;--',
  'Ünïcödé 名前 🎉',
  `long_${'x'.repeat(495)}`,
  'response_id',
  'deleted_at',
  'a; DELETE FROM surveys',
  'Q1',
  'Q1',
];

/** Embedded-data field added to the survey; integers until stage 2, text after. */
export const SCORE_FIELD = 'score"; DROP TABLE answers; --';
/** The question added at stage 1. */
export const ADDED_QUESTION = 'QID900';
export const ADDED_TAG = 'New question, added later';

export interface EvolvingWorld extends SimWorld {
  /** Moves to stage 1 (question added) or 2 (score becomes text) at the simulated clock's current time. */
  advanceStage(): void;
}

export function evolvingWorld(base: SimWorld): EvolvingWorld {
  const target = base.surveys()[0]!.id;
  const stageAt: number[] = [];
  const cache = new Map<number, SimSurvey>();
  const stage = () => stageAt.length;

  const surveyAt = (s: number): SimSurvey => {
    const hit = cache.get(s);
    if (hit) return hit;
    const original = base.survey(target)!;
    const questions: SimQuestion[] = original.questions.map((q, i) => ({ ...q, exportTag: HOSTILE_TAGS[i % HOSTILE_TAGS.length]! }));
    if (s >= 1) {
      questions.push({ id: ADDED_QUESTION, exportTag: ADDED_TAG, type: 'TE', selector: 'SL', text: 'Anything new?', blockId: questions[0]!.blockId });
    }
    const survey: SimSurvey = { ...original, questions, embeddedData: [...original.embeddedData, SCORE_FIELD] };
    cache.set(s, survey);
    return survey;
  };

  const mapResponse = (r: SimResponse): SimResponse => {
    if (r.surveyId !== target) return r;
    const modified = r.meta.lastModifiedDate;
    const n = [...r.responseId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1000, 7);
    const score = stageAt[1] !== undefined && modified >= stageAt[1] ? `n/a (${n})` : String(n % 10);
    const answers: Record<string, unknown> = { ...r.answers, [SCORE_FIELD]: score };
    if (stageAt[0] !== undefined && modified >= stageAt[0]) answers[`${ADDED_QUESTION}_TEXT`] = `added answer ${n}`;
    return { ...r, answers, embedded: { ...r.embedded, [SCORE_FIELD]: score } };
  };

  return {
    ...base,
    seed: base.seed,
    clock: base.clock,
    surveys: () => base.surveys().map((s) => (s.id === target ? surveyAt(stage()) : s)),
    survey: (id) => (id === target ? surveyAt(stage()) : base.survey(id)),
    *responses(surveyId, opts) {
      for (const r of base.responses(surveyId, opts)) yield mapResponse(r);
    },
    response: (surveyId, responseId) => {
      const r = base.response(surveyId, responseId);
      return r ? mapResponse(r) : undefined;
    },
    count: (id) => base.count(id),
    add: (id, count) => base.add(id, count),
    edit: (id, selector) => base.edit(id, selector),
    delete: (id, selector) => base.delete(id, selector),
    create: (id, values) => base.create(id, values),
    updateEmbeddedData: (...args) => base.updateEmbeddedData(...args),
    filterAdmits: (id, filterId, r) => base.filterAdmits(id, filterId, r),
    advanceStage() {
      // Strictly later than anything modified so far, so that older responses keep their old values.
      base.clock.advance(1000);
      stageAt.push(base.clock.now());
      base.clock.advance(1000);
    },
  };
}
