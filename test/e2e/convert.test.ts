import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

/**
 * `qsync convert` on real Qualtrics files from test/fixtures/real: one NDJSON object per response keyed by export
 * tag with typed values (checked against the raw cells), or CSV with a single header row.
 */

const REAL = join(import.meta.dirname, '../fixtures/real');
const FILES = {
  current: join(REAL, 'ropensci__qualtRics/inst__extdata__sample.csv'),
  insights: join(REAL, 'ctesta01__QualtricsTools/data__Sample Surveys__Better Sample Survey__Better_Sample_Survey.csv'),
  legacy: join(REAL, 'ctesta01__QualtricsTools/data__Sample Surveys__Many Different Question Types__Sample_Survey.csv'),
  utf16tsv: join(REAL, 'drsimonj__qualtricsr/inst__extdata__raven.tsv'),
  zip: join(REAL, 'ropensci__qualtRics/tests__fixtures__fetch_survey.yml.r08_GET_200.zip'),
};

type Row = Record<string, unknown>;

async function convert(path: string, ...args: string[]): Promise<{ code: number | null; rows: Row[]; stdout: string; stderr: string }> {
  const run = await runCli(['convert', path, ...args]);
  const rows = args.includes('csv') ? [] : run.stdout.trimEnd().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Row);
  return { ...run, rows };
}

describe('qsync convert on real exports', () => {
  it('reads each dialect into the right number of typed records', async () => {
    const [current, insights, legacy, tsv, zip] = await Promise.all([
      convert(FILES.current),
      convert(FILES.insights),
      convert(FILES.legacy),
      convert(FILES.utf16tsv),
      convert(FILES.zip),
    ]);
    expect([current, insights, legacy, tsv, zip].map((r) => [r.code, r.stderr])).toEqual(Array(5).fill([0, '']));
    expect([current, insights, legacy, tsv, zip].map((r) => r.rows.length)).toEqual([1, 10, 5, 31, 44]);

    // Current dialect: `2017-07-18 08:28:09,…,0,192.0.2.2,100,38,1,…,R_2YPOQ602ER1jkf1,…,2,Hello World!` (UTC).
    expect(current.rows[0]).toMatchObject({
      StartDate: '2017-07-18T08:28:09.000Z',
      Status: 0,
      IPAddress: '192.0.2.2',
      'Duration (in seconds)': 38,
      Finished: true,
      ResponseId: 'R_2YPOQ602ER1jkf1',
      RecipientEmail: null,
      Q1: 2,
      Q2: 'Hello World!',
    });
    // Insights dialect ({'ImportId': …} row): first response R_9RWrgh1F9m7488l, a test response (Status 2).
    expect(insights.rows[0]).toMatchObject({ ResponseID: 'R_9RWrgh1F9m7488l', Status: 2, Finished: true, StartDate: '2016-07-20T12:49:25.000Z' });
    // Legacy V1…V10 header: named after row 2 (ResponseID, StartDate…); `…,2,2016-05-13 12:14:41,…,1,2,1,1,1,…`.
    expect(legacy.rows[1]).toMatchObject({ ResponseID: 'R_7NT5RemfRQtuKzz', Status: 2, StartDate: '2016-05-13T12:14:41.000Z', Finished: true, fruits: 2, Q2_1: 1 });
    // UTF-16LE TSV with a BOM on every line, labels for Status and Finished.
    expect(tsv.rows[1]).toMatchObject({ startDate: '2016-09-18T18:52:35.000Z', status: 'IP Address', duration: 156, finished: true, _recordId: 'R_8BAvSMmC58A2DyJ' });
    // Zip download whose ImportId row puts dates in America/Denver: 2020-02-19 18:16:42 MST is 01:16:42 UTC.
    expect(zip.rows[0]).toMatchObject({ StartDate: '2020-02-20T01:16:42.000Z', Status: 'Survey Preview', ResponseId: 'R_A7l3qPgjI2gQ6vT', Q63: 'monthly' });
  });

  it('writes CSV with a single header row, and applies --time-zone to dates without a zone', async () => {
    const [csv, zurich] = await Promise.all([convert(FILES.zip, '--to', 'csv'), convert(FILES.current, '--time-zone', 'Europe/Zurich')]);
    expect(csv.code).toBe(0);
    const parsed = Papa.parse<string[]>(csv.stdout, { skipEmptyLines: true }).data;
    expect(parsed).toHaveLength(1 + 44);
    expect(parsed[0]!.slice(0, 4)).toEqual(['StartDate', 'EndDate', 'Status', 'IPAddress']);
    expect(parsed[1]![0]).toBe('2020-02-20T01:16:42.000Z');
    // Zurich is UTC+2 in July.
    expect(zurich.rows[0]).toMatchObject({ StartDate: '2017-07-18T06:28:09.000Z' });
  });

  it('refuses bad input with one line: unknown output format, unknown zone, xml', async () => {
    const xml = join(REAL, 'welltok__qualtrics/spec__fixtures__sample_survey.xml');
    const runs = await Promise.all([
      runCli(['convert', FILES.current, '--to', 'parquet']),
      runCli(['convert', FILES.current, '--time-zone', 'Mars/Olympus']),
      runCli(['convert', xml]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2]);
    expect(runs.map((r) => r.stderr.trimEnd().split('\n').length)).toEqual([1, 1, 1]);
    expect(runs[0]!.stderr).toMatch(/--to must be ndjson or csv/);
    expect(runs[1]!.stderr).toMatch(/--time-zone must be an IANA time zone/);
    expect(runs[2]!.stderr).toMatch(/xml exports are file-only/);
  });
});
