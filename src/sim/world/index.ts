import type { CreateWorld, ResponseSelector, SimResponse, SimWorld } from '../contract.ts';
import { buildSurvey } from './catalog.ts';
import { rngFor } from './prng.ts';
import { SurveyState } from './survey-state.ts';

export { createClock, createFixedClock } from './clock.ts';

const stateRegistry = new WeakMap<SimWorld, Map<string, SurveyState>>();

/**
 * The simulator's world: `opts.surveys` generated surveys (default 3) with `opts.responsesPerSurvey` completed
 * responses each, all derived from `opts.seed`, plus an in-memory overlay of what happened since start (added,
 * edited, deleted and created responses, embedded-data updates). Base responses are never stored: they are
 * generated again whenever they are read, so memory does not grow with the response count.
 */
export const createWorld: CreateWorld = (opts) => {
  const { seed, clock } = opts;
  const surveyCount = opts.surveys ?? 3;
  const anchor = clock.now();
  const states = new Map<string, SurveyState>();
  for (let i = 0; i < surveyCount; i++) {
    const model = buildSurvey(seed, i, anchor);
    states.set(model.survey.id, new SurveyState(seed, model, Math.max(0, Math.floor(opts.responsesPerSurvey)), anchor));
  }
  let opCounter = 0;

  const stateOf = (surveyId: string): SurveyState => {
    const state = states.get(surveyId);
    if (!state) throw new Error(`unknown survey: ${surveyId}`);
    return state;
  };

  /** Indices a selector designates among live completed responses (ids that are not live are skipped). */
  const select = (state: SurveyState, selector: ResponseSelector): number[] => {
    const now = clock.now();
    if ('responseIds' in selector) {
      const out: number[] = [];
      for (const id of selector.responseIds) {
        const index = state.codec.decode(id);
        if (index !== undefined && state.exists(index, now) && !out.includes(index)) out.push(index);
      }
      return out;
    }
    const want = Math.min(Math.max(0, Math.floor(selector.count)), state.liveCount());
    const rng = rngFor(seed, state.model.survey.id, 'op', opCounter++);
    const picked = new Set<number>();
    // Random picks first; a sequential sweep guarantees termination when most responses are wanted.
    for (let tries = 0; picked.size < want && tries < want * 8; tries++) {
      const index = rng.int(state.nextIndex);
      if (state.exists(index, now)) picked.add(index);
    }
    for (let i = 0; picked.size < want && i < state.nextIndex; i++) if (state.exists(i, now)) picked.add(i);
    return [...picked];
  };

  const world: SimWorld = {
    seed,
    clock,
    surveys: () => [...states.values()].map((s) => s.model.survey),
    survey: (surveyId) => states.get(surveyId)?.model.survey,
    responses(surveyId, o = {}): Iterable<SimResponse> {
      const state = stateOf(surveyId);
      if (o.inProgress) return state.sessionsAsOf();
      return state.responsesAsOf(o.asOf ?? clock.now(), o.order ?? 'recorded', o.from, o.to);
    },
    response(surveyId, responseId) {
      const state = states.get(surveyId);
      if (!state) return undefined;
      const session = state.sessionCodec.decode(responseId);
      if (session !== undefined) return session < state.sessions ? state.buildSession(session) : undefined;
      const index = state.codec.decode(responseId);
      const now = clock.now();
      return index !== undefined && state.exists(index, now) ? state.build(index, now) : undefined;
    },
    count: (surveyId) => stateOf(surveyId).liveCount(),
    add(surveyId, count) {
      const state = stateOf(surveyId);
      const ids: string[] = [];
      for (let i = 0; i < Math.max(0, Math.floor(count)); i++) ids.push(state.codec.encode(state.add(clock.now())));
      return ids;
    },
    edit(surveyId, selector) {
      const state = stateOf(surveyId);
      const now = clock.now();
      return select(state, selector).map((index) => {
        state.edit(index, now);
        return state.codec.encode(index);
      });
    },
    delete(surveyId, selector) {
      const state = stateOf(surveyId);
      const now = clock.now();
      return select(state, selector).map((index) => {
        state.remove(index, now);
        return state.codec.encode(index);
      });
    },
    create(surveyId, values) {
      const state = stateOf(surveyId);
      return state.codec.encode(state.create(clock.now(), { ...values }));
    },
    updateEmbeddedData(surveyId, responseId, embeddedData, resetRecordedDate) {
      const state = states.get(surveyId);
      const index = state?.codec.decode(responseId);
      const now = clock.now();
      if (!state || index === undefined || !state.exists(index, now)) return false;
      state.updateEmbedded(index, now, embeddedData, resetRecordedDate);
      return true;
    },
    filterAdmits(surveyId, filterId, response) {
      const rule = states.get(surveyId)?.model.filterRules.get(filterId);
      if (rule === 'finished') return response.meta.finished;
      if (rule === 'language-en') return response.meta.userLanguage === 'EN';
      if (rule === 'channel-email') return response.meta.distributionChannel === 'email';
      return false;
    },
  };
  stateRegistry.set(world, states);
  return world;
};

/**
 * Overlay entries held for a survey (added, created, edited, deleted, updated responses): what the world keeps in
 * memory. Exposed for the memory test and for diagnostics; 0 for a survey nobody touched.
 */
export function overlaySize(world: SimWorld, surveyId: string): number {
  return stateRegistry.get(world)?.get(surveyId)?.overlaySize() ?? 0;
}

/**
 * Completed responses the world has generated so far for a survey (every base, added or created response built for
 * an iteration or a single read; in-progress sessions not counted): how much work reads did, for tests and
 * diagnostics. 0 for an unknown survey.
 */
export function generatedCount(world: SimWorld, surveyId: string): number {
  return stateRegistry.get(world)?.get(surveyId)?.generated ?? 0;
}
