import { EXPORT_FORMATS, type ExportFormat, type ResponseExportStartParams } from '../../client/index.ts';
import type { ConnectionFlags } from '../connection.ts';
import { UsageError } from '../errors.ts';

/** Flags of `qsync export`, as commander hands them over (values are unparsed strings). */
export interface ExportFlags extends ConnectionFlags {
  format?: string;
  out?: string;
  keepZip?: boolean;
  timeout?: string;
  json?: boolean;
  startDate?: string;
  endDate?: string;
  limit?: string;
  questionIds?: string;
  embeddedDataIds?: string;
  surveyMetadataIds?: string;
  filterId?: string;
  seenUnansweredRecode?: string;
  multiselectSeenUnansweredRecode?: string;
  timeZone?: string;
  /** false only when `--no-breakout-sets` was given. */
  breakoutSets?: boolean;
  inProgress?: boolean;
  decimalComma?: boolean;
  sortByLastModified?: boolean;
  newlineReplacement?: string;
  includeDisplayOrder?: boolean;
  includeLabelColumns?: boolean;
  useLabels?: boolean;
  allowContinuation?: boolean;
  continuationToken?: string;
  /** false only when `--no-compress` was given. */
  compress?: boolean;
}

function integer(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
    throw new UsageError(`--${flag} must be an integer >= ${min} (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

function list(raw: string | undefined): string[] | undefined {
  return raw === undefined ? undefined : raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The export parameters the flags ask for. Only options the user gave are sent: Qualtrics rejects some options'
 * mere presence (e.g. `breakoutSets` with json), so defaults are left to it. The client validates the result.
 */
export function exportParamsOf(flags: ExportFlags): ResponseExportStartParams {
  const format = (flags.format ?? 'csv').toLowerCase();
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')} (got ${JSON.stringify(flags.format)})`);
  }
  const candidates: Partial<Record<keyof ResponseExportStartParams, unknown>> = {
    startDate: flags.startDate,
    endDate: flags.endDate,
    limit: integer('limit', flags.limit, 1),
    questionIds: list(flags.questionIds),
    embeddedDataIds: list(flags.embeddedDataIds),
    surveyMetadataIds: list(flags.surveyMetadataIds),
    filterId: flags.filterId,
    seenUnansweredRecode: integer('seen-unanswered-recode', flags.seenUnansweredRecode, Number.MIN_SAFE_INTEGER),
    multiselectSeenUnansweredRecode: integer('multiselect-seen-unanswered-recode', flags.multiselectSeenUnansweredRecode, Number.MIN_SAFE_INTEGER),
    timeZone: flags.timeZone,
    breakoutSets: flags.breakoutSets === false ? false : undefined,
    exportResponsesInProgress: flags.inProgress || undefined,
    formatDecimalAsComma: flags.decimalComma || undefined,
    sortByLastModifiedDate: flags.sortByLastModified || undefined,
    newlineReplacement: flags.newlineReplacement,
    includeDisplayOrder: flags.includeDisplayOrder || undefined,
    includeLabelColumns: flags.includeLabelColumns || undefined,
    useLabels: flags.useLabels || undefined,
    allowContinuation: flags.allowContinuation || undefined,
    continuationToken: flags.continuationToken,
    compress: flags.compress === false ? false : undefined,
  };
  const params: Record<string, unknown> = { format: format as ExportFormat };
  for (const [key, value] of Object.entries(candidates)) if (value !== undefined) params[key] = value;
  return params as unknown as ResponseExportStartParams;
}

/** `--timeout` in ms. */
export function timeoutMsOf(flags: ExportFlags): number {
  return (integer('timeout', flags.timeout ?? '1800', 1) ?? 1800) * 1000;
}
