/**
 * Every Qualtrics route the simulator serves, with what the pipeline needs to know before the handler runs:
 * the scope a bearer token must cover and the endpoint's own rate limit (FACTS.md §12, requests per minute).
 * `path` is the template used in stats and fault matching (`{name}` for a path parameter).
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** False only for the token endpoint, which authenticates the client itself. */
  auth: boolean;
  /** Scope a bearer token needs; undefined = any valid credential. */
  scope?: string;
  /** Endpoint limit in requests/minute before `--rate-scale`; undefined = only the brand bucket applies. */
  perMinute?: number;
}

const readResponses = 'read:survey_responses';
const writeResponses = 'write:survey_responses';
const readSurveys = 'read:surveys';
const exportBase = '/API/v3/surveys/{surveyId}/export-responses';

/** The route table, by handler name. */
export const routeTable = {
  token: { method: 'POST', path: '/oauth2/token', auth: false },
  whoami: { method: 'GET', path: '/API/v3/whoami', auth: true, perMinute: 3000 },
  listSurveys: { method: 'GET', path: '/API/v3/surveys', auth: true, scope: readSurveys, perMinute: 3000 },
  getSurvey: { method: 'GET', path: '/API/v3/surveys/{surveyId}', auth: true, scope: readSurveys, perMinute: 3000 },
  getSurveyDefinition: {
    method: 'GET',
    path: '/API/v3/survey-definitions/{surveyId}',
    auth: true,
    scope: readSurveys,
    perMinute: 3000,
  },
  listFilters: {
    method: 'GET',
    path: '/API/v3/surveys/{surveyId}/filters',
    auth: true,
    scope: readResponses,
    perMinute: 100,
  },
  startExport: { method: 'POST', path: exportBase, auth: true, scope: readResponses, perMinute: 100 },
  exportProgress: {
    method: 'GET',
    path: `${exportBase}/{progressId}`,
    auth: true,
    scope: readResponses,
    perMinute: 1000,
  },
  exportFile: { method: 'GET', path: `${exportBase}/{fileId}/file`, auth: true, scope: readResponses, perMinute: 100 },
  getResponse: {
    method: 'GET',
    path: '/API/v3/surveys/{surveyId}/responses/{responseId}',
    auth: true,
    scope: readResponses,
    perMinute: 240,
  },
  createResponse: {
    method: 'POST',
    path: '/API/v3/surveys/{surveyId}/responses',
    auth: true,
    scope: writeResponses,
    perMinute: 120,
  },
  updateResponse: {
    method: 'PUT',
    path: '/API/v3/responses/{responseId}',
    auth: true,
    scope: writeResponses,
    perMinute: 3000,
  },
  deleteResponse: {
    method: 'DELETE',
    path: '/API/v3/surveys/{surveyId}/responses/{responseId}',
    auth: true,
    scope: writeResponses,
    perMinute: 60,
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routeTable;

/** `GET /API/v3/surveys/{surveyId}`: the key stats and fault scripts use for a route. */
export function routeKey(spec: RouteSpec): string {
  return `${spec.method} ${spec.path}`;
}

/** The template in hono's syntax (`{surveyId}` → `:surveyId`). */
export function honoPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}
