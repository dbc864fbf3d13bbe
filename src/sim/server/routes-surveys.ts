import { ok, param, requireSurvey, type ServerState, type SimContext } from './context.ts';
import { ErrorCodes, SimHttpError } from './envelope.ts';

/** Default and largest page of `GET /surveys` (FACTS.md §4: default page 100). */
export const surveysPageSize = 100;

/** `GET /whoami` (FACTS.md §2). */
export function whoami(c: SimContext, state: ServerState): Response {
  return ok(c, { ...state.user });
}

/**
 * `GET /surveys`: `result.elements` plus `result.nextPage`, the full URL of the next page with `?offset=` (null
 * on the last page). `pageSize` is honoured when given and carried into `nextPage`.
 */
export function listSurveys(c: SimContext, state: ServerState): Response {
  const offset = intQuery(c, 'offset', 0, 0);
  const pageSizeGiven = c.req.query('pageSize') !== undefined;
  const pageSize = intQuery(c, 'pageSize', surveysPageSize, 1);
  const all = state.world.surveys();
  const elements = all.slice(offset, offset + pageSize).map((s) => state.shapes.surveyListElement(s));
  const next = offset + pageSize;
  const origin = new URL(c.req.url).origin;
  const nextPage =
    next < all.length ? `${origin}/API/v3/surveys?offset=${next}${pageSizeGiven ? `&pageSize=${pageSize}` : ''}` : null;
  return ok(c, { elements, nextPage });
}

/** `GET /surveys/{surveyId}`: the legacy survey shape. */
export function getSurvey(c: SimContext, state: ServerState): Response {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const counts = { auditable: state.world.count(survey.id), generated: 0, deleted: state.deleted.get(survey.id) ?? 0 };
  return ok(c, state.shapes.surveyLegacy(survey, counts));
}

/** `GET /survey-definitions/{surveyId}`: QSF-like; the real endpoint serialises `meta` before `result`. */
export function getSurveyDefinition(c: SimContext, state: ServerState): Response {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const format = c.req.query('format');
  if (format !== undefined && format !== 'qsf') {
    throw new SimHttpError(400, ErrorCodes.invalidRequest, 'format must be qsf.');
  }
  return ok(c, state.shapes.surveyDefinition(survey), { metaFirst: true });
}

/** `GET /surveys/{surveyId}/filters` (FACTS.md §5.4). */
export function listFilters(c: SimContext, state: ServerState): Response {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const elements = survey.filters.map((f) => ({
    filterId: f.filterId,
    filterName: f.filterName,
    creationDate: f.creationDate,
  }));
  return ok(c, { elements, nextPage: null });
}

function intQuery(c: SimContext, name: string, fallback: number, min: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    throw new SimHttpError(400, ErrorCodes.invalidRequest, `${name} must be an integer >= ${min}.`);
  }
  return n;
}
