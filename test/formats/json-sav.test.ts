/**
 * JSON, NDJSON and SPSS exports: the same record shape as CSV. The JSON documents follow the export shape in
 * FACTS.md §5.5 (no real JSON export is among the fixtures); the .sav file was written by PSPP from
 * test/fixtures/formats/qualtrics-like.sps.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { openExport } from '../../src/formats/index.ts';
import { OWN, readAll, tempDir, writeTemp } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const RESPONSES = [
  {
    responseId: 'R_1hMCpoT7s2jVxQB',
    values: {
      startDate: '2020-02-11T03:44:39Z',
      endDate: '2020-02-11T03:45:47Z',
      status: 1,
      progress: 100,
      duration: 67,
      finished: 1,
      recordedDate: '2020-02-11T03:45:47.517Z',
      _recordId: 'R_1hMCpoT7s2jVxQB',
      locationLatitude: '40.7512969970703125',
      locationLongitude: '-74.0599975585',
      distributionChannel: 'preview',
      userLanguage: 'EN',
      QID1: 2,
      QID1_DO: [1, 2, 3],
      QID2_TEXT: '12345',
      QID36: [1, 2],
      QID36_7_TEXT: 'Other 🐈',
    },
    labels: { status: 'Survey Preview', finished: 'True', QID1: 'Weekly', QID36: ['Ropes Course', 'Trust Falls'] },
    displayedFields: ['QID1', 'QID36', 'QID2_TEXT'],
    displayedValues: { QID1: [1, 2, 3], QID36: [1, 2, 7] },
  },
  {
    responseId: 'FS_3xyzXYZ987abcDE',
    values: { startDate: '2020-03-08T09:30:00Z', status: 0, progress: 50, finished: 0, recordedDate: '', QID9: 'extra' },
    labels: { status: 'IP Address', finished: 'False' },
    displayedFields: [],
    displayedValues: {},
  },
];

async function zipOf(name: string, content: Buffer): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(content, name);
  zip.end();
  const parts: Buffer[] = [];
  for await (const chunk of zip.outputStream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

function checkJsonRecords(records: Awaited<ReturnType<typeof readAll>>['records']): void {
  expect(records).toHaveLength(2);
  const [first, second] = records;
  expect(first).toMatchObject({ responseId: 'R_1hMCpoT7s2jVxQB', index: 0, statusCode: 1 });
  expect(first!.values).toEqual({
    startDate: '2020-02-11T03:44:39.000Z',
    endDate: '2020-02-11T03:45:47.000Z',
    status: 1,
    progress: 100,
    duration: 67,
    finished: true,
    recordedDate: '2020-02-11T03:45:47.517Z',
    _recordId: 'R_1hMCpoT7s2jVxQB',
    locationLatitude: '40.7512969970703125',
    locationLongitude: -74.0599975585,
    distributionChannel: 'preview',
    userLanguage: 'EN',
    QID1: 2,
    QID1_DO: [1, 2, 3],
    QID2_TEXT: '12345',
    QID36: [1, 2],
    QID36_7_TEXT: 'Other 🐈',
  });
  expect(first!.labels).toEqual({ status: 'Survey Preview', finished: 'True', QID1: 'Weekly', QID36: ['Ropes Course', 'Trust Falls'] });
  expect(first!.displayedFields).toEqual(['QID1', 'QID36', 'QID2_TEXT']);
  expect(first!.displayedValues).toEqual({ QID1: [1, 2, 3], QID36: [1, 2, 7] });
  expect(second).toMatchObject({ responseId: 'FS_3xyzXYZ987abcDE', index: 1, statusCode: 0 });
  expect(second!.values).toEqual({
    startDate: '2020-03-08T09:30:00.000Z',
    status: 0,
    progress: 50,
    finished: false,
    recordedDate: null,
    QID9: 'extra',
  });
}

describe('JSON and NDJSON exports', () => {
  it('JSON {"responses": […]}, plain and zipped, with a growing column map', async () => {
    const json = Buffer.from(JSON.stringify({ responses: RESPONSES }, null, 2));
    for (const path of [
      writeTemp(dir, 'export.json', json),
      writeTemp(dir, 'export-json.zip', await zipOf('My Survey.json', json)),
    ]) {
      const { file, records } = await readAll(path);
      expect(file.format).toBe('json');
      expect(file.columns.dialect).toBe('json');
      checkJsonRecords(records);
      expect(file.columns.columns.map((c) => c.key)).toEqual([...Object.keys(RESPONSES[0]!.values), 'QID9']);
      expect(file.columns.columns.find((c) => c.key === 'QID36_7_TEXT')).toMatchObject({ questionId: 'QID36', part: '7_TEXT', isText: true });
    }
  });

  it('NDJSON with CRLF lines, a BOM and a blank line; scanColumns finds every key', async () => {
    const text = `\uFEFF${RESPONSES.map((r) => JSON.stringify(r)).join('\r\n')}\r\n\r\n`;
    const path = writeTemp(dir, 'export.ndjson', text);
    const { file, records } = await readAll(path);
    expect(file.format).toBe('ndjson');
    checkJsonRecords(records);
    const again = await openExport(path);
    expect(again.columns.columns).toEqual([]);
    expect((await again.scanColumns()).columns).toHaveLength(18);
  });
});

describe('SPSS .sav export (written by PSPP)', () => {
  const SAV = join(OWN, 'qualtrics-like.sav');

  it('reads variables, variable labels and value labels into the column map', async () => {
    const { file } = await readAll(SAV);
    expect(file.format).toBe('sav');
    expect(file.columns.columns.map((c) => c.key)).toEqual([
      'StartDate',
      'EndDate',
      'Status',
      'Progress',
      'Duration__in_seconds_',
      'Finished',
      'RecordedDate',
      'ResponseId',
      'Q1',
      'Q1_4_TEXT',
      'Q2',
    ]);
    const status = file.columns.columns[2]!;
    expect(status).toMatchObject({ label: 'Response Type', metadata: 'status' });
    expect(status.valueLabels).toEqual({ '0': 'IP Address', '1': 'Survey Preview', '2': 'Survey Test' });
    expect(file.columns.columns[8]!.valueLabels).toEqual({ '1': 'Daily', '2': 'Weekly', '3': 'Never', '4': 'Other' });
    expect(file.columns.columns[9]!.label).toBe('How often do you eat salami? - Other - Text');
  });

  it('types the records; dates are read in the timeZone option, DST included', async () => {
    const { records } = await readAll(SAV, { timeZone: 'America/Denver' });
    expect(records.map((r) => [r.responseId, r.statusCode])).toEqual([
      ['R_1hMCpoT7s2jVxQB', 1],
      ['R_2abcDEF345ghIJK', 0],
      ['FS_3xyzXYZ987abcDE', 0],
    ]);
    expect(records[0]!.values).toEqual({
      StartDate: '2020-02-11T03:44:39.000Z',
      EndDate: '2020-02-11T03:45:47.000Z',
      Status: 1,
      Progress: 100,
      Duration__in_seconds_: 67,
      Finished: true,
      RecordedDate: '2020-02-11T03:45:47.000Z',
      ResponseId: 'R_1hMCpoT7s2jVxQB',
      Q1: 1,
      Q1_4_TEXT: null,
      Q2: 3.5,
    });
    // 02:30 on 8 March 2020 does not exist in Denver: read as 03:30 MDT. The emoji straddles sav-reader's
    // 8-byte string segments.
    expect(records[1]!.values).toMatchObject({ StartDate: '2020-03-08T09:30:00.000Z', Q1_4_TEXT: 'Cats 🐈 and salami', Q2: null });
    // 01:30 on 1 November 2020 happens twice in Denver: the first (MDT) is taken.
    expect(records[2]!.values).toMatchObject({ StartDate: '2020-11-01T07:30:00.000Z', RecordedDate: null, Finished: false, Q1: null });
    const utc = await readAll(SAV);
    expect(utc.records[0]!.values.StartDate).toBe('2020-02-10T20:44:39.000Z');
  });

  it('reads a .sav inside a zip', async () => {
    const path = writeTemp(dir, 'spss.zip', await zipOf('My Survey.sav', readFileSync(SAV)));
    const { file, records } = await readAll(path);
    expect(file.format).toBe('sav');
    expect(records.map((r) => r.responseId)).toEqual(['R_1hMCpoT7s2jVxQB', 'R_2abcDEF345ghIJK', 'FS_3xyzXYZ987abcDE']);
  });
});
