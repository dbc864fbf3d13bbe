import { ok, param, readJson, requireSurvey, type ServerState, type SimContext } from './context.ts';
import { ErrorCodes, SimHttpError } from './envelope.ts';

/** The 202 body of a response fetched too soon after completion (FACTS.md §6). */
export const notYetAvailableMessage = 'The Survey Response is not yet available. Please try again later.';

function notFound(): SimHttpError {
  return new SimHttpError(404, ErrorCodes.responseNotFound, 'Response not found.');
}

function invalid(message: string): SimHttpError {
  return new SimHttpError(400, ErrorCodes.invalidRequest, message);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * `GET /surveys/{surveyId}/responses/{responseId}`: 202 "not yet available" for `notYetAvailableMs` simulated ms
 * after the response was recorded, then 200. In-progress sessions are not retrievable.
 */
export function getResponse(c: SimContext, state: ServerState): Response {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const response = state.world.response(survey.id, param(c, 'responseId'));
  if (!response || response.inProgress) throw notFound();
  if (state.world.clock.now() - response.meta.recordedDate < state.notYetAvailableMs) {
    return ok(c, { message: notYetAvailableMessage }, { status: 202 });
  }
  return ok(c, state.shapes.singleResponse(survey, response));
}

/** `POST /surveys/{surveyId}/responses` with `{"values":{…}}` → `{responseId}`. */
export async function createResponse(c: SimContext, state: ServerState): Promise<Response> {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const body = await readJson(c);
  if (!isPlainObject(body)) throw invalid('The request body must be a JSON object.');
  for (const k of Object.keys(body)) if (k !== 'values') throw invalid(`Unknown field "${k}".`);
  if (!isPlainObject(body['values'])) throw invalid('values must be an object.');
  let responseId: string;
  try {
    responseId = state.world.create(survey.id, body['values']);
  } catch (err) {
    throw invalid(err instanceof Error ? err.message : 'Invalid values.');
  }
  return ok(c, { responseId });
}

/** `PUT /responses/{responseId}` with `{surveyId, embeddedData, resetRecordedDate}` (embedded data only). */
export async function updateResponse(c: SimContext, state: ServerState): Promise<Response> {
  const body = await readJson(c);
  if (!isPlainObject(body)) throw invalid('The request body must be a JSON object.');
  const allowed = new Set(['surveyId', 'embeddedData', 'resetRecordedDate']);
  for (const k of Object.keys(body)) if (!allowed.has(k)) throw invalid(`Unknown field "${k}".`);
  const { surveyId, embeddedData, resetRecordedDate } = body;
  if (typeof surveyId !== 'string') throw invalid('surveyId is required.');
  if (!isPlainObject(embeddedData) || !Object.values(embeddedData).every((v) => typeof v === 'string')) {
    throw invalid('embeddedData must be an object of strings.');
  }
  if (resetRecordedDate !== undefined && typeof resetRecordedDate !== 'boolean') {
    throw invalid('resetRecordedDate must be a boolean.');
  }
  const survey = requireSurvey(state, surveyId);
  const done = state.world.updateEmbeddedData(
    survey.id,
    param(c, 'responseId'),
    embeddedData as Record<string, string>,
    resetRecordedDate ?? true,
  );
  if (!done) throw notFound();
  return ok(c, undefined, { omitResult: true });
}

/** `DELETE /surveys/{surveyId}/responses/{responseId}[?decrementQuotas=true|false]` → meta only. */
export function deleteResponse(c: SimContext, state: ServerState): Response {
  const survey = requireSurvey(state, param(c, 'surveyId'));
  const decrement = c.req.query('decrementQuotas');
  if (decrement !== undefined && decrement !== 'true' && decrement !== 'false') {
    throw invalid('decrementQuotas must be true or false.');
  }
  const deleted = state.world.delete(survey.id, { responseIds: [param(c, 'responseId')] });
  if (deleted.length === 0) throw notFound();
  state.deleted.set(survey.id, (state.deleted.get(survey.id) ?? 0) + deleted.length);
  return ok(c, undefined, { omitResult: true });
}
