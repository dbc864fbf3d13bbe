import { randomUUID } from 'node:crypto';

/**
 * Qualtrics' JSON envelope: `{result, meta:{httpStatus:"200 - OK", requestId}}` on success,
 * `{meta:{httpStatus, error:{errorMessage, errorCode}, requestId}}` on failure (FACTS.md §3).
 */

const reasons: Record<number, string> = {
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  411: 'Length Required',
  413: 'Payload Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** `"<code> - <reason>"`, the string Qualtrics puts in `meta.httpStatus`. */
export function httpStatusText(status: number): string {
  return `${status} - ${reasons[status] ?? 'Unknown'}`;
}

/** Extra fields a response's `meta` may carry (the "Request proxied" notice). */
export interface MetaExtras {
  notice?: string;
}

/** The success body. `metaFirst` reproduces survey-definitions, which serialises `meta` before `result`. */
export function successBody(
  result: unknown,
  extras: MetaExtras = {},
  opts: { status?: number; metaFirst?: boolean; omitResult?: boolean } = {},
): Record<string, unknown> {
  const meta: Record<string, unknown> = { httpStatus: httpStatusText(opts.status ?? 200), requestId: randomUUID() };
  if (extras.notice !== undefined) meta['notice'] = extras.notice;
  if (opts.omitResult) return { meta };
  return opts.metaFirst ? { meta, result } : { result, meta };
}

/** The error body; 5xx bodies may carry an `instanceId` (FACTS.md §3). */
export function errorBody(
  status: number,
  errorCode: string,
  errorMessage: string,
  extras: MetaExtras & { instanceId?: string } = {},
): Record<string, unknown> {
  const error: Record<string, unknown> = { errorMessage, errorCode };
  if (extras.instanceId !== undefined) error['instanceId'] = extras.instanceId;
  const meta: Record<string, unknown> = { httpStatus: httpStatusText(status), error, requestId: randomUUID() };
  if (extras.notice !== undefined) meta['notice'] = extras.notice;
  return { meta };
}

/** What Qualtrics answers for a path (or method) it has no route for: no requestId, no errorCode. */
export const routeLessNotFoundBody = {
  meta: { httpStatus: '404 - Not Found', error: { errorMessage: 'The requested resource does not exist.' } },
};

/** A JSON response with Qualtrics' bare `content-type: application/json` (no charset parameter). */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * Thrown by route handlers; the app turns it into the error envelope. `headers` carries e.g. `Retry-After`.
 */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly errorMessage: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status} ${errorCode}: ${errorMessage}`);
    this.name = 'SimHttpError';
  }
}

/**
 * Error codes. The ones marked "real" were seen on the wire (FACTS.md §1, §3); the others are the simulator's own
 * (the real codes for those cases are not public) and keep Qualtrics' `PREFIX_n` shape so clients can log them.
 */
export const ErrorCodes = {
  /** real: no X-API-TOKEN and no Authorization header. */
  missingAuth: 'ATP_2',
  /** real: unknown X-API-TOKEN. */
  badApiToken: 'DCD_7',
  /** real: OAuth client authentication failed. */
  invalidClient: 'AUTH_6.0',
  /** sim: bad grant_type or form. */
  invalidGrant: 'AUTH_6.1',
  /** sim: unknown scope requested. */
  invalidScope: 'AUTH_6.2',
  /** sim: bearer token unknown, expired or revoked. */
  badBearer: 'AUTH_7.0',
  /** sim: the token lacks the scope this route needs. */
  missingScope: 'AUTH_7.1',
  /** real (GET /surveys/{id}): survey not found. */
  surveyNotFound: 'GSI_2',
  /** sim: response not found. */
  responseNotFound: 'RSP_2',
  /** sim: malformed request body or query (JSON, types, unknown fields). */
  invalidRequest: 'ERS_1',
  /** sim: an option the chosen export format does not allow. */
  optionNotAllowed: 'ERS_2',
  /** sim: two options that cannot be combined. */
  incompatibleOptions: 'ERS_3',
  /** sim: unknown, expired or foreign continuation token. */
  badContinuationToken: 'ERS_4',
  /** sim: unknown filter id. */
  unknownFilter: 'ERS_5',
  /** sim: a value of the right type but out of range (date, time zone, id). */
  invalidValue: 'ERS_6',
  /** sim: unknown export progress id. */
  exportNotFound: 'ERS_7',
  /** sim: unknown or expired export file id. */
  fileNotFound: 'ERS_8',
  /** sim: leaky bucket full. */
  tooManyRequests: 'TOO_MANY_REQUESTS',
  /** sim: injected 500. */
  internalError: 'GEN_1',
  /** sim: injected 503. */
  unavailable: 'GEN_2',
  /** sim: injected 504. */
  gatewayTimeout: 'GEN_3',
} as const;
