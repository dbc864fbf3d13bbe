// Public surface of the Qualtrics API client. Private helpers stay in ./internal/.
export { type ClientSettings, QualtricsClient, type RawOptions, type RawResponse } from './client.ts';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  type APIErrorInit,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  type ConfigIssue,
  ExportFailedError,
  IncompleteDownloadError,
  InternalServerError,
  InvalidParameterError,
  NotFoundError,
  OAuthError,
  PermissionDeniedError,
  QualtricsError,
  RateLimitError,
  ResponseNotAvailableError,
} from './errors.ts';
export type { RequestOptions } from './internal/resource.ts';
export type { SleepFn } from './internal/sleep.ts';
export { type Logger, silentLogger } from './logger.ts';
export type { ClientOptions, Clock, FetchLike } from './options.ts';
export { type Page, PagedList } from './pagination.ts';
export { type BudgetKey, RateBudget, type RateBudgetOptions } from './rate-budget.ts';
export {
  EXPORT_FORMATS,
  type ExportFormat,
  type ResponseExportStartBody,
  type ResponseExportStartParams,
} from './resources/response-export-params.ts';
export type {
  DownloadResult,
  ExportStatus,
  ResponseExportDownloadOptions,
  ResponseExportProgress,
  ResponseExportStartResult,
  ResponseExports,
} from './resources/response-exports.ts';
export type {
  ResponseCreateParams,
  ResponseDeleteParams,
  ResponseGetOptions,
  Responses,
  ResponseUpdateEmbeddedDataParams,
  SingleResponse,
} from './resources/responses.ts';
export type { SurveyDefinition, SurveyDefinitionGetParams, SurveyDefinitions } from './resources/survey-definitions.ts';
export type { Survey, SurveyFilter, SurveyListParams, SurveyQuestion, Surveys, SurveySummary } from './resources/surveys.ts';
export type { WhoAmI, WhoAmIResource } from './resources/whoami.ts';
