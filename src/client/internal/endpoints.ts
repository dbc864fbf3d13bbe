/**
 * What the client knows about each endpoint: its path template (for logs, no ids), its rate-limit group with the
 * published per-minute limit (FACTS.md §12, leaky bucket per endpoint family), the OAuth scope it needs and what a
 * 404 there usually means. Pure data plus one pure `classifyEndpoint`.
 */

/** Classification of one request. */
export interface EndpointInfo {
  /** Path with ids replaced by names, e.g. "/surveys/{surveyId}/export-responses". Safe to log. */
  template: string;
  /** Rate-limit group, or undefined when only the brand bucket applies. */
  group: string | undefined;
  /** Published limit of the group (requests per minute). */
  perMinute: number | undefined;
  /** OAuth scope the endpoint needs, for the 403 hint. */
  scope: string | undefined;
  /** What a 404 here usually means, for the error message. */
  notFound: string | undefined;
}

interface Rule {
  methods: readonly string[];
  pattern: RegExp;
  template: string;
  group?: string;
  perMinute?: number;
  scope?: string;
  notFound?: string;
}

const S = '[^/]+';
const ANY = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
const SURVEY_404 = 'survey not found or not visible to this user';

function rule(methods: readonly string[], path: string, template: string, extra: Omit<Rule, 'methods' | 'pattern' | 'template'> = {}): Rule {
  return { methods, pattern: new RegExp(`^${path}/?$`), template, ...extra };
}

// Order matters: the first rule whose method and path match wins.
const RULES: readonly Rule[] = [
  rule(['POST'], `/surveys/${S}/export-responses`, '/surveys/{surveyId}/export-responses', {
    group: 'export-responses:start', perMinute: 100, scope: 'read:survey_responses', notFound: SURVEY_404,
  }),
  rule(['GET'], `/surveys/${S}/export-responses/${S}/file`, '/surveys/{surveyId}/export-responses/{fileId}/file', {
    group: 'export-responses:file', perMinute: 100, scope: 'read:survey_responses',
    notFound: 'export file not found or expired (files expire one week after the export completed)',
  }),
  rule(['GET'], `/surveys/${S}/export-responses/${S}`, '/surveys/{surveyId}/export-responses/{progressId}', {
    group: 'export-responses:progress', perMinute: 1000, scope: 'read:survey_responses',
    notFound: 'export job not found (wrong survey or progress id, or the job expired)',
  }),
  rule(['GET'], `/surveys/${S}/filters`, '/surveys/{surveyId}/filters', {
    group: 'survey-filters', perMinute: 100, scope: 'read:surveys', notFound: SURVEY_404,
  }),
  rule(['POST', 'GET'], `/surveys/${S}/import-responses(?:/${S})?`, '/surveys/{surveyId}/import-responses', {
    group: 'import-responses', perMinute: 100, scope: 'write:survey_responses', notFound: SURVEY_404,
  }),
  rule(['POST'], `/surveys/${S}/responses`, '/surveys/{surveyId}/responses', {
    group: 'responses:create', perMinute: 120, scope: 'write:survey_responses', notFound: SURVEY_404,
  }),
  rule(['GET'], `/surveys/${S}/responses/${S}`, '/surveys/{surveyId}/responses/{responseId}', {
    group: 'responses:get', perMinute: 240, scope: 'read:survey_responses',
    notFound: 'survey or response not found or not visible to this user',
  }),
  rule(['DELETE'], `/surveys/${S}/responses/${S}`, '/surveys/{surveyId}/responses/{responseId}', {
    group: 'responses:delete', perMinute: 60, scope: 'manage:survey_responses',
    notFound: 'survey or response not found (already deleted?)',
  }),
  rule(['GET'], `/surveys/${S}/response-schema`, '/surveys/{surveyId}/response-schema', {
    group: 'responses:delete', perMinute: 60, scope: 'read:survey_responses', notFound: SURVEY_404,
  }),
  rule(['PUT'], `/responses/${S}`, '/responses/{responseId}', {
    group: 'responses:update', perMinute: 3000, scope: 'write:survey_responses', notFound: 'response not found',
  }),
  rule(['POST'], `/surveys/${S}/(?:update|delete)-responses`, '/surveys/{surveyId}/batch-responses', {
    group: 'responses:batch', perMinute: 10, scope: 'write:survey_responses', notFound: SURVEY_404,
  }),
  rule(['GET'], `/surveys/${S}/(?:update|delete)-responses/${S}`, '/surveys/{surveyId}/batch-responses/{progressId}', {
    group: 'responses:batch-progress', perMinute: 240, scope: 'write:survey_responses',
  }),
  rule(['GET'], `/surveys/${S}/translations/${S}`, '/surveys/{surveyId}/translations/{language}', {
    group: 'translations', perMinute: 2000, scope: 'read:surveys', notFound: SURVEY_404,
  }),
  rule(['PUT'], `/surveys/${S}/translations/${S}`, '/surveys/{surveyId}/translations/{language}', {
    group: 'translations', perMinute: 2000, scope: 'write:surveys', notFound: SURVEY_404,
  }),
  rule(['GET'], '/surveys', '/surveys', { scope: 'read:surveys' }),
  rule(['GET'], `/surveys/${S}`, '/surveys/{surveyId}', { scope: 'read:surveys', notFound: SURVEY_404 }),
  rule(['GET'], `/survey-definitions/${S}(?:/.*)?`, '/survey-definitions/{surveyId}', {
    scope: 'read:surveys', notFound: SURVEY_404,
  }),
  rule(['GET'], '/whoami', '/whoami', {}),
  rule(ANY, `/eventsubscriptions(?:/${S})?`, '/eventsubscriptions', {
    group: 'eventsubscriptions', perMinute: 120, scope: 'manage:subscriptions',
  }),
  rule(ANY, `/customer-data-requests(?:/.*)?`, '/customer-data-requests', {
    group: 'customer-data-requests', perMinute: 100, scope: 'manage:customer_data_requests',
  }),
  rule(ANY, `/op-erase-personal-data(?:/${S})?`, '/op-erase-personal-data', {
    group: 'erasure', perMinute: 20, scope: 'manage:erasure_requests',
  }),
  rule(ANY, `/directories/${S}/export-contacts(?:/.*)?`, '/directories/{directoryId}/export-contacts', {
    group: 'directory:export-contacts', perMinute: 10, scope: 'read:directory_contacts',
  }),
  rule(['POST'], `/directories/${S}/contacts(?:/search)?`, '/directories/{directoryId}/contacts', {
    group: 'directory:contacts-write', perMinute: 500, scope: 'write:directory_contacts',
  }),
  rule(['PUT', 'DELETE'], `/directories/${S}/contacts/${S}`, '/directories/{directoryId}/contacts/{contactId}', {
    group: 'directory:contacts-write', perMinute: 500, scope: 'write:directory_contacts',
  }),
  rule(['POST'], `/directories/${S}/mailinglists/${S}/transactioncontacts`, '/directories/{directoryId}/mailinglists/{mailingListId}/transactioncontacts', {
    group: 'directory:transactioncontacts', perMinute: 100, scope: 'write:mailing_list_contacts',
  }),
  rule(['POST', 'PUT', 'DELETE'], `/directories/${S}/mailinglists(?:/.*)?`, '/directories/{directoryId}/mailinglists', {
    group: 'directory:mailinglists-write', perMinute: 500, scope: 'write:mailing_lists',
  }),
  rule(['GET'], `/distributions/${S}/links`, '/distributions/{distributionId}/links', {
    group: 'distributions:links', perMinute: 500, scope: 'read:distributions',
  }),
  rule(['GET'], `/distributions/${S}/history`, '/distributions/{distributionId}/history', {
    group: 'distributions:history', perMinute: 300, scope: 'read:distributions',
  }),
  rule(ANY, `/distributions/(?:sms|whatsapp)(?:/.*)?`, '/distributions/{channel}', {
    group: 'distributions:sms', perMinute: 1000, scope: 'write:distributions',
  }),
  rule(['GET'], `/organizations/${S}`, '/organizations/{organizationId}', {
    group: 'organizations', perMinute: 5, scope: 'read:organizations',
  }),
  rule(ANY, `/groups(?:/.*)?`, '/groups', { group: 'groups', perMinute: 600, scope: 'read:groups' }),
  rule(ANY, `/segments(?:/.*)?`, '/segments', { group: 'segments', perMinute: 60 }),
  rule(ANY, `/audit-exports(?:/.*)?`, '/audit-exports', { group: 'audit-exports', perMinute: 30 }),
  rule(ANY, `/audit-events(?:/.*)?`, '/audit-events', { group: 'audit-events', perMinute: 120 }),
];

/** Published brand-wide ceiling (requests per minute). */
export const BRAND_PER_MINUTE = 3000;

/**
 * Classifies a request by method and path relative to `/API/v3` (e.g. "/surveys/SV_1/filters"). Paths of other
 * API versions (`apiPath` undefined) only count against the brand bucket.
 */
export function classifyEndpoint(method: string, apiPath: string | undefined, rawPath: string): EndpointInfo {
  if (apiPath !== undefined) {
    for (const r of RULES) {
      if (r.methods.includes(method) && r.pattern.test(apiPath)) {
        return { template: r.template, group: r.group, perMinute: r.perMinute, scope: r.scope, notFound: r.notFound };
      }
    }
  }
  return { template: genericTemplate(rawPath), group: undefined, perMinute: undefined, scope: undefined, notFound: undefined };
}

/** Replaces id-like path segments (SV_…, R_…, uuids, numbers, emails) by "{id}" so that logs carry no ids. */
export function genericTemplate(path: string): string {
  return path
    .split('/')
    .map((seg) => (/^[A-Z]{1,5}_[A-Za-z0-9-]+$|^[0-9a-f-]{16,}(-def)?$|^\d+$|@|^OP-/i.test(seg) ? '{id}' : seg))
    .join('/');
}
