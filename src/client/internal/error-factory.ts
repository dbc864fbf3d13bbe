import {
  APIError,
  type APIErrorInit,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
} from '../errors.ts';

/** Everything the factory needs to explain an error response. */
export interface ErrorResponseInput {
  status: number;
  /** Parsed JSON body, or the text when it was not JSON. */
  body: unknown;
  method: string;
  /** Request path without query, e.g. "/API/v3/surveys/SV_1". */
  path: string;
  /** Which credentials were used: changes the 401 advice. */
  authKind: 'oauth' | 'token' | 'none';
  /** OAuth scope the endpoint needs (403 hint). */
  scope?: string | undefined;
  /** What a 404 on this endpoint usually means. */
  notFound?: string | undefined;
  /** Retries already spent on this request. */
  retries: number;
  retryAfterMs?: number | undefined;
  /** Applied to every text that goes into the message (removes known secrets). */
  redact: (text: string) => string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout',
  409: 'Conflict', 411: 'Length Required', 413: 'Payload Too Large', 429: 'Too Many Requests',
  500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

const DC_HINT = 'check QUALTRICS_DATA_CENTER: tokens are bound to the data center that issued them';

/** Reads `meta` of a Qualtrics envelope, tolerating the legacy capitalised shape (`Meta.ErrorMessage`). */
export function readMeta(body: unknown): { httpStatus?: string; errorCode?: string; errorMessage?: string; requestId?: string; notice?: string } {
  if (!isRecord(body)) return {};
  const meta = isRecord(body.meta) ? body.meta : isRecord(body.Meta) ? body.Meta : undefined;
  if (!meta) return {};
  const error = isRecord(meta.error) ? meta.error : undefined;
  return {
    httpStatus: str(meta.httpStatus),
    errorCode: str(error?.errorCode) ?? str(meta.QualtricsErrorCode),
    errorMessage: str(error?.errorMessage) ?? str(meta.ErrorMessage),
    requestId: str(meta.requestId),
    notice: str(meta.notice),
  };
}

/** The one factory mapping an error response to its class, with a one-line message explaining likely causes. */
export function makeAPIError(input: ErrorResponseInput): APIError {
  const meta = readMeta(input.body);
  const httpStatus = meta.httpStatus ?? `${input.status} - ${REASONS[input.status] ?? 'Error'}`;
  const serverText = meta.errorMessage ?? (typeof input.body === 'string' ? input.body : undefined);
  const summary = explain(input, meta.errorCode);
  const details = [`HTTP ${input.status}`];
  if (meta.errorCode) details.push(`errorCode ${meta.errorCode}`);
  if (meta.requestId) details.push(`requestId ${meta.requestId}`);
  details.push(`${input.method} ${input.path}`);
  const server = serverText ? `: ${oneLine(serverText, 300)}` : '';
  const retried = input.retries > 0 ? ` after ${input.retries} ${input.retries === 1 ? 'retry' : 'retries'}` : '';
  const init: APIErrorInit = {
    message: input.redact(`${summary}${retried}${server} (${details.join(', ')})`),
    status: input.status,
    httpStatus,
    errorCode: meta.errorCode,
    errorMessage: meta.errorMessage === undefined ? undefined : input.redact(meta.errorMessage),
    requestId: meta.requestId,
    body: redactDeep(input.body, input.redact),
    method: input.method,
    path: input.path,
    retryAfterMs: input.retryAfterMs,
  };
  const s = input.status;
  if (s === 400) return new BadRequestError(init);
  if (s === 401) return new AuthenticationError(init);
  if (s === 403) return new PermissionDeniedError(init);
  if (s === 404) return new NotFoundError(init);
  if (s === 429) return new RateLimitError(init);
  if (s >= 500) return new InternalServerError(init);
  return new APIError(init);
}

function explain(input: ErrorResponseInput, errorCode: string | undefined): string {
  switch (input.status) {
    case 400:
      return errorCode === 'ATP_2'
        ? 'no credentials sent (Qualtrics saw neither X-API-TOKEN nor Authorization)'
        : 'Qualtrics rejected the request as invalid';
    case 401:
      if (input.authKind === 'token') {
        return `authentication failed: check QUALTRICS_API_TOKEN (regenerating a token invalidates the old one) and ${DC_HINT}`;
      }
      if (input.authKind === 'oauth') return `authentication failed even with a fresh OAuth token; ${DC_HINT}`;
      return `authentication failed; ${DC_HINT}`;
    case 403:
      return input.scope ? `missing permission or scope (needs ${input.scope})` : 'missing permission or scope';
    case 404:
      return input.notFound ?? 'not found';
    case 408:
      return 'Qualtrics timed out waiting for the request';
    case 413:
      return 'request body too large for Qualtrics';
    case 429:
      return 'rate limited by Qualtrics';
    default:
      return input.status >= 500 ? 'Qualtrics server error' : `unexpected HTTP ${input.status} from Qualtrics`;
  }
}

/** Folds whitespace runs (newlines included) and truncates, so that a message stays one line. */
export function oneLine(text: string, max: number): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

/** The body kept on the error, with known secrets removed from every string (a server may echo a header). */
function redactDeep(value: unknown, redact: (text: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact, depth + 1)]));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}
