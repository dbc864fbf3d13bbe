import type { ExportFormat, ExportOptions, SimSurvey } from '../contract.ts';
import { NOT_FOR_JSON } from '../export/options.ts';
import { ErrorCodes, SimHttpError } from './envelope.ts';

/**
 * Validation of `POST /surveys/{id}/export-responses` bodies (FACTS.md §5.1). Pure: the continuation token's
 * existence is checked by the job store, everything else here. Unknown fields are refused: the simulator errs on
 * the strict side so that a request it accepts is one the real API accepts too.
 */

/** A validated export request; `since` and `asOf` are filled in by the job store. */
export interface ExportRequest {
  options: Omit<ExportOptions, 'asOf' | 'since'>;
  /** The option names the body carried (json refuses some even at their default value). */
  given: ReadonlySet<string>;
  allowContinuation: boolean;
  continuationToken?: string;
}

const formats: readonly ExportFormat[] = ['csv', 'tsv', 'json', 'ndjson', 'spss', 'xml'];

const booleanFields = [
  'compress',
  'allowContinuation',
  'breakoutSets',
  'exportResponsesInProgress',
  'formatDecimalAsComma',
  'sortByLastModifiedDate',
  'includeDisplayOrder',
  'includeLabelColumns',
  'useLabels',
] as const;
const stringFields = ['filterId', 'continuationToken', 'timeZone', 'newlineReplacement', 'startDate', 'endDate'];
const integerFields = ['limit', 'seenUnansweredRecode', 'multiselectSeenUnansweredRecode'];
const arrayFields = ['questionIds', 'embeddedDataIds', 'surveyMetadataIds'];

/** The metadata fields `surveyMetadataIds` may name. */
export const surveyMetadataFields: ReadonlySet<string> = new Set([
  'startDate',
  'endDate',
  'status',
  'ipAddress',
  'progress',
  'duration',
  'finished',
  'recordedDate',
  '_recordId',
  'locationLatitude',
  'locationLongitude',
  'recipientLastName',
  'recipientFirstName',
  'recipientEmail',
  'externalDataReference',
  'distributionChannel',
  'userLanguage',
]);

const known = new Set<string>(['format', ...booleanFields, ...stringFields, ...integerFields, ...arrayFields]);

/** Validates an export body against `survey`; throws SimHttpError (400) on the first problem found. */
export function parseExportRequest(body: unknown, survey: SimSurvey): ExportRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  checkTypes(b);
  const format = b['format'] as ExportFormat;
  if (format === 'json' || format === 'ndjson') {
    const refused = NOT_FOR_JSON.filter((k) => b[k] !== undefined);
    if (refused.length > 0) {
      throw new SimHttpError(
        400,
        ErrorCodes.optionNotAllowed,
        `${refused.join(', ')} ${refused.length > 1 ? 'are' : 'is'} not allowed with format ${format}.`,
      );
    }
  }
  if (b['newlineReplacement'] !== undefined && format !== 'csv' && format !== 'tsv') {
    throw new SimHttpError(400, ErrorCodes.optionNotAllowed, `newlineReplacement is not allowed with format ${format}.`);
  }
  checkCombinations(b);
  const startDate = parseDate(b, 'startDate');
  const endDate = parseDate(b, 'endDate');
  if (startDate !== undefined && endDate !== undefined && startDate >= endDate) {
    throw value('startDate must be before endDate.');
  }
  checkValues(b, survey);
  const seen = b['seenUnansweredRecode'] as number | undefined;
  const options: ExportRequest['options'] = {
    format,
    compress: (b['compress'] as boolean | undefined) ?? true,
    breakoutSets: (b['breakoutSets'] as boolean | undefined) ?? true,
    exportResponsesInProgress: b['exportResponsesInProgress'] === true,
    formatDecimalAsComma: b['formatDecimalAsComma'] === true,
    sortByLastModifiedDate: b['sortByLastModifiedDate'] === true,
    includeDisplayOrder: b['includeDisplayOrder'] === true,
    includeLabelColumns: b['includeLabelColumns'] === true,
    useLabels: b['useLabels'] === true,
  };
  if (startDate !== undefined) options.startDate = startDate;
  if (endDate !== undefined) options.endDate = endDate;
  for (const k of ['limit', 'filterId', 'timeZone', 'newlineReplacement'] as const) {
    if (b[k] !== undefined) (options as Record<string, unknown>)[k] = b[k];
  }
  for (const k of arrayFields) if (b[k] !== undefined) (options as Record<string, unknown>)[k] = [...(b[k] as [])];
  if (seen !== undefined) options.seenUnansweredRecode = seen;
  // The multi-select recode defaults to the single-select one (FACTS.md §5.1).
  const multi = (b['multiselectSeenUnansweredRecode'] as number | undefined) ?? seen;
  if (multi !== undefined) options.multiselectSeenUnansweredRecode = multi;
  const out: ExportRequest = {
    options,
    given: new Set(Object.keys(b)),
    allowContinuation: b['allowContinuation'] === true,
  };
  if (b['continuationToken'] !== undefined) out.continuationToken = b['continuationToken'] as string;
  return out;
}

function checkTypes(b: Record<string, unknown>): void {
  for (const k of Object.keys(b)) if (!known.has(k)) throw invalid(`Unknown field "${k}".`);
  if (b['format'] === undefined) throw invalid('format is required.');
  if (typeof b['format'] !== 'string' || !formats.includes(b['format'] as ExportFormat)) {
    throw invalid(`format must be one of ${formats.join(', ')}.`);
  }
  for (const k of booleanFields) {
    if (b[k] !== undefined && typeof b[k] !== 'boolean') throw invalid(`${k} must be a boolean.`);
  }
  for (const k of stringFields) {
    if (b[k] !== undefined && typeof b[k] !== 'string') throw invalid(`${k} must be a string.`);
  }
  for (const k of integerFields) {
    if (b[k] !== undefined && !Number.isSafeInteger(b[k])) throw invalid(`${k} must be an integer.`);
  }
  for (const k of arrayFields) {
    const v = b[k];
    if (v !== undefined && (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))) {
      throw invalid(`${k} must be an array of strings.`);
    }
  }
}

function checkCombinations(b: Record<string, unknown>): void {
  if (b['filterId'] !== undefined) {
    const clash = [
      b['allowContinuation'] === true ? 'allowContinuation' : undefined,
      b['continuationToken'] !== undefined ? 'continuationToken' : undefined,
      b['sortByLastModifiedDate'] === true ? 'sortByLastModifiedDate' : undefined,
    ].filter((x) => x !== undefined);
    if (clash.length > 0) throw incompatible(`filterId cannot be combined with ${clash.join(', ')}.`);
  }
  if (b['continuationToken'] !== undefined && b['allowContinuation'] !== undefined) {
    throw incompatible('continuationToken implies allowContinuation; send only one of them.');
  }
  if (b['includeLabelColumns'] === true && b['useLabels'] === true) {
    throw incompatible('includeLabelColumns cannot be combined with useLabels.');
  }
}

function checkValues(b: Record<string, unknown>, survey: SimSurvey): void {
  if (b['limit'] !== undefined && (b['limit'] as number) < 1) throw value('limit must be a positive integer.');
  if (b['continuationToken'] === '') throw value('continuationToken must not be empty.');
  const tz = b['timeZone'] as string | undefined;
  if (tz !== undefined && !isIanaZone(tz)) throw value(`timeZone "${tz}" is not an IANA time zone.`);
  const filterId = b['filterId'] as string | undefined;
  if (filterId !== undefined && !survey.filters.some((f) => f.filterId === filterId)) {
    throw new SimHttpError(400, ErrorCodes.unknownFilter, `Filter ${filterId} does not exist for this survey.`);
  }
  const questions = new Set(survey.questions.map((q) => q.id));
  const embedded = new Set(survey.embeddedData);
  checkIds(b['questionIds'], (id) => questions.has(id), 'questionIds', 'question');
  checkIds(b['embeddedDataIds'], (id) => embedded.has(id), 'embeddedDataIds', 'embedded-data field');
  checkIds(b['surveyMetadataIds'], (id) => surveyMetadataFields.has(id), 'surveyMetadataIds', 'metadata field');
}

function checkIds(ids: unknown, exists: (id: string) => boolean, field: string, what: string): void {
  if (ids === undefined) return;
  const bad = (ids as string[]).find((id) => !exists(id));
  if (bad !== undefined) throw value(`${field}: "${bad}" is not a ${what} of this survey.`);
}

const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses a strict ISO-8601 date-time with a zone (`Z` or an offset) into epoch ms. */
export function parseIsoDateTime(text: string): number | undefined {
  const m = isoDateTime.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

function parseDate(b: Record<string, unknown>, key: 'startDate' | 'endDate'): number | undefined {
  const v = b[key] as string | undefined;
  if (v === undefined) return undefined;
  const ms = parseIsoDateTime(v);
  if (ms === undefined) throw value(`${key} must be an ISO-8601 date-time such as 2024-01-31T00:00:00Z.`);
  return ms;
}

/** True for an IANA zone name the runtime knows (`America/Chicago`, `UTC`); offsets like `+02:00` are refused. */
export function isIanaZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function invalid(message: string): SimHttpError {
  return new SimHttpError(400, ErrorCodes.invalidRequest, message);
}

function incompatible(message: string): SimHttpError {
  return new SimHttpError(400, ErrorCodes.incompatibleOptions, message);
}

function value(message: string): SimHttpError {
  return new SimHttpError(400, ErrorCodes.invalidValue, message);
}
