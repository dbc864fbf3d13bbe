/**
 * The error tree of the client (STYLE.md): every failure a caller can see is a `QualtricsError`. HTTP answers are
 * `APIError`s carrying what Qualtrics support asks for (`requestId`, `errorCode`); messages are one line and never
 * contain headers or secrets.
 */

/** Root of every error thrown by the client. */
export class QualtricsError extends Error {
  override name = 'QualtricsError';
}

/** Fields of an `APIError`, as built by `makeAPIError` (internal/error-factory.ts). */
export interface APIErrorInit {
  /** One-line message, already explained and redacted. */
  message: string;
  /** HTTP status code, e.g. 404. */
  status: number;
  /** `meta.httpStatus` as Qualtrics wrote it ("404 - Not Found"), or built from the status. */
  httpStatus: string;
  /** `meta.error.errorCode`, e.g. "QMST_2.2". */
  errorCode?: string | undefined;
  /** `meta.error.errorMessage` as Qualtrics wrote it. */
  errorMessage?: string | undefined;
  /** `meta.requestId`: quote it to Qualtrics support. */
  requestId?: string | undefined;
  /** Parsed response body (JSON value, or text when not JSON). */
  body?: unknown;
  method: string;
  /** Request path without the query string, e.g. "/API/v3/surveys/SV_abc". */
  path: string;
  /** Server-requested wait before retrying (ms), from `Retry-After`. */
  retryAfterMs?: number | undefined;
}

/** Qualtrics answered with an error status. */
export class APIError extends QualtricsError {
  override name = 'APIError';
  readonly status: number;
  readonly httpStatus: string;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly body: unknown;
  readonly method: string;
  readonly path: string;

  constructor(init: APIErrorInit) {
    super(init.message);
    this.status = init.status;
    this.httpStatus = init.httpStatus;
    this.errorCode = init.errorCode;
    this.errorMessage = init.errorMessage;
    this.requestId = init.requestId;
    this.body = init.body;
    this.method = init.method;
    this.path = init.path;
  }
}

/** 400: the request was invalid (or no credentials were sent: errorCode ATP_2). */
export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}

/** 401: the token or API token was refused (after one refresh and replay for OAuth). */
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}

/** 403: the user lacks a permission or the OAuth client lacks a scope. */
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}

/** 404: the object does not exist or is not visible to this user. */
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}

/** 429: throttled by Qualtrics after the retries were used up. */
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
  /** Wait the server asked for (ms), when it sent `Retry-After`. */
  readonly retryAfterMs: number | undefined;
  constructor(init: APIErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 5xx: a Qualtrics server error that persisted through the retries. */
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** No HTTP answer: the connection failed (refused, reset, DNS, TLS…). */
export class APIConnectionError extends QualtricsError {
  override name = 'APIConnectionError';
  /** System or undici error code, e.g. "ECONNRESET", when known. */
  readonly code: string | undefined;
  /** True when the request provably never reached the server (so even a non-idempotent one was safe to retry). */
  readonly notSent: boolean;
  constructor(message: string, opts: { code?: string | undefined; notSent?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = opts.code;
    this.notSent = opts.notSent ?? false;
  }
}

/** The request (or, for a download, the wait for the next chunk) took longer than `timeoutMs`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
}

/**
 * A download ended before all its bytes arrived (short body, reset mid-body). Nothing usable was kept: the caller
 * can retry the download as a whole.
 */
export class IncompleteDownloadError extends APIConnectionError {
  override name = 'IncompleteDownloadError';
  readonly bytesReceived: number;
  /** `Content-Length` of the response, when the server sent one. */
  readonly expectedBytes: number | undefined;
  constructor(message: string, opts: { bytesReceived: number; expectedBytes?: number | undefined; cause?: unknown }) {
    super(message, { code: 'INCOMPLETE_DOWNLOAD', cause: opts.cause });
    this.bytesReceived = opts.bytesReceived;
    this.expectedBytes = opts.expectedBytes;
  }
}

/** The caller's AbortSignal fired. Never retried. */
export class APIUserAbortError extends QualtricsError {
  override name = 'APIUserAbortError';
  constructor(message = 'request aborted by the caller') {
    super(message);
  }
}

/** The OAuth token endpoint refused the client credentials or answered something unusable. */
export class OAuthError extends QualtricsError {
  override name = 'OAuthError';
  /** HTTP status of the token endpoint's answer, when there was one. */
  readonly status: number | undefined;
  /** OAuth `error` (e.g. "invalid_client") or Qualtrics `errorCode`. */
  readonly errorCode: string | undefined;
  readonly requestId: string | undefined;
  constructor(message: string, opts: { status?: number; errorCode?: string; requestId?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.status = opts.status;
    this.errorCode = opts.errorCode;
    this.requestId = opts.requestId;
  }
}

/** An export job ended with status "failed" (or vanished). Thrown by the export pipeline built on this client. */
export class ExportFailedError extends QualtricsError {
  override name = 'ExportFailedError';
  readonly surveyId: string;
  readonly progressId: string | undefined;
  constructor(message: string, opts: { surveyId: string; progressId?: string; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.surveyId = opts.surveyId;
    this.progressId = opts.progressId;
  }
}

/** A single response is still "not yet available" (HTTP 202) after the allowed wait. */
export class ResponseNotAvailableError extends QualtricsError {
  override name = 'ResponseNotAvailableError';
  readonly surveyId: string;
  readonly responseId: string;
  constructor(message: string, opts: { surveyId: string; responseId: string }) {
    super(message);
    this.surveyId = opts.surveyId;
    this.responseId = opts.responseId;
  }
}

/** One problem with one setting, named as the user wrote it (env variable or option name). */
export interface ConfigIssue {
  setting: string;
  message: string;
}

/** Invalid client configuration; lists every problem at once. Exit code 2 in the CLI. */
export class ConfigError extends QualtricsError {
  override name = 'ConfigError';
  readonly exitCode = 2;
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`invalid Qualtrics client configuration: ${issues.map((i) => `${i.setting} ${i.message}`).join('; ')}`);
    this.issues = issues;
  }
}

/**
 * A parameter failed local validation (bad id, incompatible export options) before any request was sent: the
 * request would have been a 400. Exit code 2 in the CLI.
 */
export class InvalidParameterError extends QualtricsError {
  override name = 'InvalidParameterError';
  readonly exitCode = 2;
  /** Name of the offending parameter, e.g. "surveyId" or "useLabels". */
  readonly param: string;
  constructor(param: string, message: string) {
    super(message);
    this.param = param;
  }
}
