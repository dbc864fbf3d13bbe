/**
 * `qsync convert` writers: NDJSON keyed by de-duplicated export tags, CSV with one header row (RFC 4180).
 */

import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import Papa from 'papaparse';
import { afterAll, describe, expect, it } from 'vitest';
import { csvField, csvLine, openExport, valueToText, writeRecords } from '../../src/formats/index.ts';
import { REAL, tempDir, writeTemp } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const BESKAR = join(REAL, 'ropensci__qualtRics/tests__fixtures__fetch_survey.yml.r08_GET_200.zip__Beskar Armor.csv');
const LONG_LEGACY = join(REAL, 'ctesta01__QualtricsTools/data__Sample Surveys__Long Exhaustive Sample Survey__SPSS__Long__Exhaustive Pre-Insights.csv');

/** Collects everything written to a stream. */
function sink(): { out: Writable; text: () => string } {
  const parts: string[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      parts.push(String(chunk));
      done();
    },
  });
  return { out, text: () => parts.join('') };
}

describe('field encoding', () => {
  it('quotes only what RFC 4180 needs', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvLine(['a', '', 'c,d'])).toBe('a,,"c,d"\r\n');
  });

  it('turns typed values into text', () => {
    expect([null, 'x', 3.5, true, false, [1, 2], { a: 1 }].map(valueToText)).toEqual(['', 'x', '3.5', 'true', 'false', '[1,2]', '{"a":1}']);
  });
});

describe('writeRecords', () => {
  it('NDJSON keyed by export tag, duplicates as cucumbers, cucumbers_2…', async () => {
    const file = await openExport(LONG_LEGACY);
    const { out, text } = sink();
    expect(await writeRecords(file, out, 'ndjson')).toEqual({ records: 31 });
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(31);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first).slice(0, 3)).toEqual(['ResponseID', 'ResponseSet', 'Name']);
    expect(first).toMatchObject({ ResponseID: 'R_5jOny0MNHNU6WS9', StartDate: '2016-07-28T12:53:17.000Z', Finished: true, Status: 2 });
    expect([first.cucumbers, first.cucumbers_2, first.cucumbers_3, first.cucumbers_4]).toEqual([1, 1, -1, -1]);
    expect(Object.keys(first)).toHaveLength(366);
  });

  it('CSV with a single header row that reads back to the same values', async () => {
    const file = await openExport(BESKAR);
    const { out, text } = sink();
    expect(await writeRecords(file, out, 'csv')).toEqual({ records: 44 });
    const parsed = Papa.parse<string[]>(text(), { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header!.slice(0, 9)).toEqual(['StartDate', 'EndDate', 'Status', 'IPAddress', 'Progress', 'Duration (in seconds)', 'Finished', 'RecordedDate', 'ResponseId']);
    expect(rows).toHaveLength(44);
    expect(rows[0]!.slice(0, 9)).toEqual([
      '2020-02-20T01:16:42.000Z', // 2020-02-19 18:16:42 MST
      '2020-02-20T01:17:19.000Z',
      'Survey Preview',
      '',
      '100',
      '37',
      'true',
      '2020-02-20T01:17:20.000Z',
      'R_A7l3qPgjI2gQ6vT',
    ]);
    expect(rows[0]![20]).toBe('Yes, by me or someone outside the tribe \n\n');
    expect(rows[30]![22]).toBe('I love beskar.\n\nNew lines are cool. /n/n\n\nI love beskaR but R is the best-R!');
  });

  it('CSV from NDJSON scans the columns first, and waits for drain on a slow output', async () => {
    const lines = [
      { responseId: 'R_a', values: { _recordId: 'R_a', QID1: 1 } },
      { responseId: 'R_b', values: { _recordId: 'R_b', QID2_TEXT: 'late, "quoted"' } },
    ];
    const path = writeTemp(dir, 'two.ndjson', lines.map((l) => JSON.stringify(l)).join('\n'));
    const file = await openExport(path);
    const out = new PassThrough({ highWaterMark: 1 });
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of out) {
        chunks.push(String(chunk));
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    expect(await writeRecords(file, out, 'csv')).toEqual({ records: 2 });
    out.end();
    await reading;
    expect(chunks.join('')).toBe('_recordId,QID1,QID2_TEXT\r\nR_a,1,\r\nR_b,,"late, ""quoted"""\r\n');
  });
});
