import { z } from 'zod';
import { InvalidParameterError } from '../errors.ts';

/** File formats of `POST /surveys/{surveyId}/export-responses` (FACTS.md §5.1). */
export const EXPORT_FORMATS = ['csv', 'tsv', 'json', 'ndjson', 'spss', 'xml'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Parameters of `responseExports.start` (FACTS.md §5.1). Checked locally before any request. */
export interface ResponseExportStartParams {
  /** File format (required). */
  format: ExportFormat;
  /** Zip the file; Qualtrics defaults to true and may force it for large files. */
  compress?: boolean;
  /** Responses recorded at/after this instant (modified, with `sortByLastModifiedDate`). ISO 8601 with zone, or a Date. */
  startDate?: string | Date;
  /** Responses recorded before this instant (exclusive). */
  endDate?: string | Date;
  /** Maximum number of responses. */
  limit?: number;
  /** Only these questions (`QID…`). */
  questionIds?: string[];
  /** Only these embedded-data fields. */
  embeddedDataIds?: string[];
  /** Only these metadata fields (giving it drops the default metadata set). */
  surveyMetadataIds?: string[];
  /** A saved filter (see `surveys.filters`). Not combinable with continuation or `sortByLastModifiedDate`. */
  filterId?: string;
  /** Ask for a continuation token for the next incremental export. */
  allowContinuation?: boolean;
  /** Token of a previous export: only responses since then (implies allowContinuation; expires after a week). */
  continuationToken?: string;
  /** Value for seen-but-unanswered questions (not for json/ndjson). */
  seenUnansweredRecode?: number;
  /** Same for multi-select choices (not for json/ndjson). */
  multiselectSeenUnansweredRecode?: number;
  /** IANA time zone for dates, e.g. "America/Chicago"; default UTC (not for json/ndjson). */
  timeZone?: string;
  /** Split multi-value fields into columns (not for json/ndjson). */
  breakoutSets?: boolean;
  /** Export only in-progress responses. */
  exportResponsesInProgress?: boolean;
  /** Comma as decimal separator (not for json/ndjson). */
  formatDecimalAsComma?: boolean;
  /** Sort and filter by last-modified date; adds a LastModifiedDate column. */
  sortByLastModifiedDate?: boolean;
  /** Replacement for newlines in text (csv/tsv only). */
  newlineReplacement?: string;
  /** Display-order columns (`_DO`) (not for json/ndjson). */
  includeDisplayOrder?: boolean;
  /** A label column beside each coded column; incompatible with `useLabels`. */
  includeLabelColumns?: boolean;
  /** Choice text instead of recode values (not for json/ndjson). */
  useLabels?: boolean;
}

/** The JSON body sent to Qualtrics: dates as ISO strings, absent options left out. */
export type ResponseExportStartBody = Omit<ResponseExportStartParams, 'startDate' | 'endDate'> & { startDate?: string; endDate?: string };

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const bool = z.boolean({ error: 'must be true or false' });
const int = z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' });
const date = z.custom<string | Date>(
  (v) => (v instanceof Date && !Number.isNaN(v.getTime())) || (typeof v === 'string' && ISO.test(v) && !Number.isNaN(Date.parse(v))),
  { error: 'must be an ISO 8601 date-time with zone, e.g. 2024-01-31T00:00:00Z, or a Date' },
);
const ids = (what: string, re: RegExp) =>
  z.custom<string[]>((v) => Array.isArray(v) && v.every((x) => typeof x === 'string' && re.test(x)), { error: `must be an array of ${what}` });
const timeZone = z.string({ error: 'must be an IANA time zone like America/Chicago' }).refine(isTimeZone, { error: 'must be an IANA time zone like America/Chicago' });

const Schema = z.strictObject({
  format: z.enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` }),
  compress: bool.optional(),
  startDate: date.optional(),
  endDate: date.optional(),
  limit: int.min(1, { error: 'must be a positive integer' }).optional(),
  questionIds: ids('question ids (QID…)', /^QID[A-Za-z0-9]+$/).optional(),
  embeddedDataIds: ids('embedded-data field names', /\S/).optional(),
  surveyMetadataIds: ids('metadata field names', /^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
  filterId: z.string({ error: 'must be a filter id' }).min(1).optional(),
  allowContinuation: bool.optional(),
  continuationToken: z.string({ error: 'must be a non-empty string' }).min(1, { error: 'must be a non-empty string' }).optional(),
  seenUnansweredRecode: int.optional(),
  multiselectSeenUnansweredRecode: int.optional(),
  timeZone: timeZone.optional(),
  breakoutSets: bool.optional(),
  exportResponsesInProgress: bool.optional(),
  formatDecimalAsComma: bool.optional(),
  sortByLastModifiedDate: bool.optional(),
  newlineReplacement: z.string({ error: 'must be a string' }).optional(),
  includeDisplayOrder: bool.optional(),
  includeLabelColumns: bool.optional(),
  useLabels: bool.optional(),
});

/** Options Qualtrics refuses for json/ndjson exports (FACTS.md §5.1). */
const NOT_FOR_JSON = [
  'includeDisplayOrder', 'useLabels', 'formatDecimalAsComma', 'seenUnansweredRecode',
  'multiselectSeenUnansweredRecode', 'timeZone', 'newlineReplacement', 'breakoutSets',
] as const;

/** Pairs Qualtrics refuses together, with the reason shown to the user. */
const CONFLICTS: ReadonlyArray<[keyof ResponseExportStartParams, keyof ResponseExportStartParams, string]> = [
  ['continuationToken', 'allowContinuation', 'continuationToken implies allowContinuation: do not send both'],
  ['filterId', 'allowContinuation', 'filterId cannot be combined with allowContinuation: Qualtrics refuses continuation on filtered exports'],
  ['filterId', 'continuationToken', 'filterId cannot be combined with continuationToken: Qualtrics refuses continuation on filtered exports'],
  ['filterId', 'sortByLastModifiedDate', 'filterId cannot be combined with sortByLastModifiedDate'],
  ['useLabels', 'includeLabelColumns', 'useLabels cannot be combined with includeLabelColumns (label columns already carry the labels)'],
];

/**
 * Validates export parameters and builds the request body, or throws `InvalidParameterError` naming the first bad
 * parameter (the message lists every problem). A `false` option counts as given: Qualtrics rejects the presence of a
 * json-incompatible option, whatever its value.
 */
export function buildExportBody(params: ResponseExportStartParams): ResponseExportStartBody {
  const parsed = Schema.safeParse(params);
  const problems: Array<[string, string]> = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push([key, `${key} is not an export option${hint(key)}`]);
      } else {
        const key = String(issue.path[0] ?? 'params');
        problems.push([key, `${key} ${issue.message}`]);
      }
    }
    throw invalid(problems);
  }
  const p = parsed.data;
  const given = (k: keyof ResponseExportStartParams) => p[k] !== undefined;
  if (p.format === 'json' || p.format === 'ndjson') {
    for (const k of NOT_FOR_JSON) if (given(k)) problems.push([k, `${k} is not allowed with format ${p.format} (Qualtrics rejects it for json/ndjson exports); omit it`]);
  } else if (given('newlineReplacement') && p.format !== 'csv' && p.format !== 'tsv') {
    problems.push(['newlineReplacement', `newlineReplacement is only allowed with format csv or tsv (got ${p.format})`]);
  }
  for (const [a, b, message] of CONFLICTS) if (given(a) && given(b)) problems.push([a, message]);
  const startDate = p.startDate === undefined ? undefined : isoOf(p.startDate);
  const endDate = p.endDate === undefined ? undefined : isoOf(p.endDate);
  if (startDate && endDate && Date.parse(startDate) >= Date.parse(endDate)) {
    problems.push(['startDate', `startDate must be before endDate (got ${startDate} and ${endDate})`]);
  }
  if (problems.length > 0) throw invalid(problems);
  const body: ResponseExportStartBody = { ...p, format: p.format } as ResponseExportStartBody;
  if (startDate) body.startDate = startDate;
  if (endDate) body.endDate = endDate;
  return body;
}

function invalid(problems: Array<[string, string]>): InvalidParameterError {
  const [first] = problems;
  return new InvalidParameterError(first?.[0] ?? 'params', `invalid export parameters: ${problems.map((p) => p[1]).join('; ')}`);
}

function hint(key: string): string {
  if (key === 'includedQuestionIds') return ' (did you mean questionIds? includedQuestionIds belongs to the legacy API)';
  return '';
}

/** Dates go out as ISO 8601 UTC; whole seconds drop the ".000". */
function isoOf(d: string | Date): string {
  if (typeof d === 'string') return d;
  return d.toISOString().replace(/\.000Z$/, 'Z');
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
