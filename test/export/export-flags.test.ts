import { describe, expect, it } from 'vitest';
import { exportParamsOf, timeoutMsOf } from '../../src/cli/commands/export-flags.ts';

/** `qsync export` flags → export parameters: only what the user gave is sent. */
describe('export flags', () => {
  it('sends nothing but the format by default (Qualtrics keeps its own defaults)', () => {
    expect(exportParamsOf({ breakoutSets: true, compress: true })).toEqual({ format: 'csv' });
    expect(timeoutMsOf({})).toBe(1_800_000);
  });

  it('maps every flag to its export option', () => {
    const params = exportParamsOf({
      format: 'TSV',
      startDate: '2024-01-01T00:00:00Z',
      endDate: '2024-02-01T00:00:00Z',
      limit: '10',
      questionIds: 'QID1, QID2,',
      embeddedDataIds: 'panel,source',
      surveyMetadataIds: 'startDate,_recordId',
      seenUnansweredRecode: '-99',
      multiselectSeenUnansweredRecode: '0',
      timeZone: 'Europe/Paris',
      breakoutSets: false,
      inProgress: true,
      decimalComma: true,
      sortByLastModified: true,
      newlineReplacement: ' ',
      includeDisplayOrder: true,
      includeLabelColumns: true,
      allowContinuation: true,
      compress: false,
    });
    expect(params).toEqual({
      format: 'tsv',
      startDate: '2024-01-01T00:00:00Z',
      endDate: '2024-02-01T00:00:00Z',
      limit: 10,
      questionIds: ['QID1', 'QID2'],
      embeddedDataIds: ['panel', 'source'],
      surveyMetadataIds: ['startDate', '_recordId'],
      seenUnansweredRecode: -99,
      multiselectSeenUnansweredRecode: 0,
      timeZone: 'Europe/Paris',
      breakoutSets: false,
      exportResponsesInProgress: true,
      formatDecimalAsComma: true,
      sortByLastModifiedDate: true,
      newlineReplacement: ' ',
      includeDisplayOrder: true,
      includeLabelColumns: true,
      allowContinuation: true,
      compress: false,
    });
    expect(exportParamsOf({ format: 'json', filterId: 'F_1', useLabels: true, continuationToken: 'tok' })).toEqual({
      format: 'json',
      filterId: 'F_1',
      useLabels: true,
      continuationToken: 'tok',
    });
  });

  it('refuses bad values with the flag name', () => {
    expect(() => exportParamsOf({ format: 'xlsx' })).toThrow('--format must be one of csv, tsv, json, ndjson, spss, xml (got "xlsx")');
    expect(() => exportParamsOf({ limit: 'ten' })).toThrow('--limit must be an integer >= 1 (got "ten")');
    expect(() => exportParamsOf({ limit: '0' })).toThrow(/--limit must be an integer >= 1/);
    expect(() => exportParamsOf({ seenUnansweredRecode: '1.5' })).toThrow(/--seen-unanswered-recode must be an integer/);
    expect(() => timeoutMsOf({ timeout: '-3' })).toThrow(/--timeout must be an integer >= 1/);
  });
});
