import type { ExportOptions } from '../contract.ts';

/**
 * Export options with the simulator's defaults (FACTS.md §5.1: compress true, breakoutSets true, every other flag
 * false, dates unrestricted), overridden by `overrides`. `asOf` defaults to 0 only so the type is complete: callers
 * set it to the simulated time the export starts.
 */
export function defaultExportOptions(overrides: Partial<ExportOptions> = {}): ExportOptions {
  return {
    format: 'csv',
    compress: true,
    breakoutSets: true,
    exportResponsesInProgress: false,
    formatDecimalAsComma: false,
    sortByLastModifiedDate: false,
    includeDisplayOrder: false,
    includeLabelColumns: false,
    useLabels: false,
    asOf: 0,
    ...overrides,
  };
}

/** Options the json and ndjson formats refuse (FACTS.md §5.1). */
export const NOT_FOR_JSON = [
  'includeDisplayOrder',
  'useLabels',
  'formatDecimalAsComma',
  'seenUnansweredRecode',
  'multiselectSeenUnansweredRecode',
  'timeZone',
  'newlineReplacement',
  'breakoutSets',
] as const;

/**
 * Problems with a combination of options, one message per problem (empty when valid). Pure; the HTTP side decides
 * how to answer them. `given` names the options the request actually carried (defaults are not "given"), since
 * json refuses e.g. `breakoutSets` even when it is sent with its default value.
 */
export function validateExportOptions(o: ExportOptions, given: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  if (o.format === 'json' || o.format === 'ndjson') {
    for (const name of NOT_FOR_JSON) if (given.has(name)) problems.push(`${name} is not allowed with format ${o.format}`);
  }
  if (o.useLabels && o.includeLabelColumns) problems.push('useLabels cannot be combined with includeLabelColumns');
  if (o.sortByLastModifiedDate && o.filterId !== undefined) problems.push('sortByLastModifiedDate cannot be combined with filterId');
  if (o.startDate !== undefined && o.endDate !== undefined && o.startDate >= o.endDate) problems.push('startDate must be before endDate');
  if (o.limit !== undefined && (!Number.isInteger(o.limit) || o.limit < 1)) problems.push('limit must be a positive integer');
  if (o.timeZone !== undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: o.timeZone });
    } catch {
      problems.push(`unknown timeZone: ${o.timeZone}`);
    }
  }
  return problems;
}
