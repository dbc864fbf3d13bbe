import { describe, expect, it } from 'vitest';
import { InvalidParameterError, QualtricsClient, type ResponseExportStartParams } from '../../src/client/index.ts';
import { buildExportBody } from '../../src/client/resources/response-export-params.ts';
import { SV, Script } from './helpers/scripted-fetch.ts';

function error(params: unknown): InvalidParameterError {
  try {
    buildExportBody(params as ResponseExportStartParams);
  } catch (err) {
    if (err instanceof InvalidParameterError) return err;
    throw err;
  }
  throw new Error('expected an InvalidParameterError');
}

describe('export parameters', () => {
  it('builds the body: dates to ISO, absent options left out', () => {
    expect(
      buildExportBody({
        format: 'csv',
        startDate: new Date('2024-01-01T00:00:00Z'),
        endDate: '2024-02-01T00:00:00+01:00',
        useLabels: true,
        timeZone: 'America/Chicago',
        questionIds: ['QID1', 'QID12'],
        newlineReplacement: ' ',
      }),
    ).toEqual({
      format: 'csv',
      startDate: '2024-01-01T00:00:00Z',
      endDate: '2024-02-01T00:00:00+01:00',
      useLabels: true,
      timeZone: 'America/Chicago',
      questionIds: ['QID1', 'QID12'],
      newlineReplacement: ' ',
    });
    expect(buildExportBody({ format: 'ndjson', allowContinuation: true, sortByLastModifiedDate: true })).toEqual({
      format: 'ndjson',
      allowContinuation: true,
      sortByLastModifiedDate: true,
    });
  });

  it('checks the format and option types', () => {
    expect(error({ format: 'xls' }).message).toBe('invalid export parameters: format must be one of csv, tsv, json, ndjson, spss, xml');
    const e = error({ format: 'csv', limit: 0, compress: 'yes', timeZone: 'Mars/Olympus', startDate: '2024-01-01' });
    expect(e.param).toBe('compress');
    expect(e.message).toContain('compress must be true or false');
    expect(e.message).toContain('limit must be a positive integer');
    expect(e.message).toContain('timeZone must be an IANA time zone like America/Chicago');
    expect(e.message).toContain('startDate must be an ISO 8601 date-time with zone');
    expect(error({ format: 'csv', questionIds: ['Q1'] }).message).toContain('questionIds must be an array of question ids (QID…)');
  });

  it('rejects unknown options, with a hint for the legacy name', () => {
    expect(error({ format: 'csv', includedQuestionIds: ['QID1'] }).message).toBe(
      'invalid export parameters: includedQuestionIds is not an export option (did you mean questionIds? includedQuestionIds belongs to the legacy API)',
    );
  });

  it('refuses options Qualtrics rejects for json/ndjson, even when false', () => {
    const e = error({ format: 'json', useLabels: false, breakoutSets: true, timeZone: 'UTC' });
    expect(e.param).toBe('useLabels');
    expect(e.message).toBe(
      'invalid export parameters: useLabels is not allowed with format json (Qualtrics rejects it for json/ndjson exports); omit it; timeZone is not allowed with format json (Qualtrics rejects it for json/ndjson exports); omit it; breakoutSets is not allowed with format json (Qualtrics rejects it for json/ndjson exports); omit it',
    );
    expect(error({ format: 'spss', newlineReplacement: ' ' }).message).toContain('newlineReplacement is only allowed with format csv or tsv (got spss)');
  });

  it('refuses the documented incompatible combinations', () => {
    expect(error({ format: 'csv', filterId: 'f', allowContinuation: true }).message).toContain('filterId cannot be combined with allowContinuation');
    expect(error({ format: 'csv', filterId: 'f', continuationToken: 't' }).message).toContain('filterId cannot be combined with continuationToken');
    expect(error({ format: 'csv', filterId: 'f', sortByLastModifiedDate: true }).message).toContain('filterId cannot be combined with sortByLastModifiedDate');
    expect(error({ format: 'csv', continuationToken: 't', allowContinuation: true }).message).toContain('continuationToken implies allowContinuation: do not send both');
    expect(error({ format: 'csv', useLabels: true, includeLabelColumns: true }).message).toContain('useLabels cannot be combined with includeLabelColumns');
    expect(error({ format: 'csv', startDate: '2024-02-01T00:00:00Z', endDate: '2024-01-01T00:00:00Z' }).message).toContain('startDate must be before endDate');
  });

  it('validation happens before any request', async () => {
    const script = new Script();
    const client = new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0003', dataCenter: 'iad1', fetch: script.fetch });
    await expect(client.responseExports.start(SV, { format: 'json', useLabels: true })).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(client.responseExports.start('SV_bad id', { format: 'csv' })).rejects.toThrow(
      'surveyId must be a survey id like SV_1234567890abcde (SV_ and 11–15 letters or digits) (got "SV_bad id")',
    );
    await expect(client.responseExports.progress(SV, '../../whoami')).rejects.toThrow('progressId must be a Qualtrics id');
    expect(script.seen).toHaveLength(0);
  });
});
