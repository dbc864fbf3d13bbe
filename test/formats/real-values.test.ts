/**
 * Typed values of the real exports, spot-checked against expectations read off the files by hand (the local
 * time and zone of each date were converted to UTC by hand, DST included).
 */

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL, readAll } from './helpers.ts';

const CATS_ZIP = join(REAL, 'ropensci__qualtRics/tests__fixtures__extract_colmap.yml.r12_GET_200.zip');
const BESKAR = join(REAL, 'ropensci__qualtRics/tests__fixtures__fetch_survey.yml.r08_GET_200.zip__Beskar Armor.csv');
const SAMPLE = join(REAL, 'ropensci__qualtRics/inst__extdata__sample.csv');
const RAVEN = join(REAL, 'drsimonj__qualtricsr/inst__extdata__raven.tsv');
const CT = join(REAL, 'ctesta01__QualtricsTools');
const MC_INSIGHTS = join(CT, 'data__Sample Surveys__Single Answer Multiple Choice Questions__Single_Answer_MC_Questions (Insights).csv');
const MC_LEGACY = join(CT, 'data__Sample Surveys__Single Answer Multiple Choice Questions__Single_Answer_MC_Questions.csv');
const LONG_LEGACY = join(CT, 'data__Sample Surveys__Long Exhaustive Sample Survey__SPSS__Long__Exhaustive Pre-Insights.csv');
const LONG_SINGLE = join(CT, 'data__Sample Surveys__Long Exhaustive Sample Survey__SPSS__Long__Exhaustive_Sample_Survey.csv');
const SIDE_INSIGHTS = join(CT, 'data__Sample Surveys__Side-by-Side Questions__SidebySide_Questions (Insights).csv');

describe('Cats Can Have a Little Salami (current dialect, label export, America/Denver, from the zip)', () => {
  it('first response: preview, finished, dates from Denver local time to UTC', async () => {
    const { records } = await readAll(CATS_ZIP);
    const r = records[0]!;
    expect(r.responseId).toBe('R_1hMCpoT7s2jVxQB');
    expect(r.values.startDate).toBe('2020-02-11T03:44:39.000Z'); // 2020-02-10 20:44:39 MST (UTC−7)
    expect(r.values.endDate).toBe('2020-02-11T03:45:47.000Z');
    expect(r.values.recordedDate).toBe('2020-02-11T03:45:47.000Z');
    expect(r.values.status).toBe('Survey Preview');
    expect(r.statusCode).toBe(1);
    expect(r.values.finished).toBe(true);
    expect(r.values.progress).toBe(100);
    expect(r.values.duration).toBe(67);
    expect(r.values.QID1).toBe('Litter Box Maintenance');
    expect(r.values.QID1_10_TEXT).toBeNull();
    expect(r.values.QID18).toBe(9);
    expect(r.values.QID18_NPS_GROUP).toBe('Promoter');
    expect(r.values.QID34_TEXT).toBe('I love salami!');
    expect(r.values['QID36#1']).toBe('Ropes Course');
    expect(r.values['QID36#2']).toBe('Trust Falls');
    expect(r.values['QID36#7']).toBe('Other');
    expect(r.values.SolutionRevision).toBe(2);
  });

  it('a response recorded across the 2020 DST change, a spam one, an unfinished one, an emoji', async () => {
    const { records } = await readAll(CATS_ZIP);
    const march = records[16]!;
    expect(march.responseId).toBe('R_3jW1N4YpYBWFIWu');
    expect(march.values.startDate).toBe('2020-03-04T22:35:48.000Z'); // 15:35:48 MST (UTC−7)
    expect(march.values.recordedDate).toBe('2020-03-11T22:36:31.000Z'); // 16:36:31 MDT (UTC−6), after 8 March
    expect(march.values.finished).toBe(false);
    expect(march.values.progress).toBe(15);
    const spam = records[32]!;
    expect(spam.responseId).toBe('R_p9RTCeiaPLDZY4N');
    expect(spam.values.status).toBe('Spam');
    expect(spam.statusCode).toBe(8);
    const cat = records[23]!;
    expect(cat.responseId).toBe('R_eDJ9kbyNRRtP08V');
    expect(cat.values.QID27_TEXT).toBe("It's fun! 🐈");
    expect(cat.values.startDate).toBe('2023-08-11T22:05:16.000Z'); // 16:05:16 MDT
    expect(records[1]!.statusCode).toBe(0);
    expect(records[1]!.values.status).toBe('IP Address');
  });
});

describe('Beskar Armor (current dialect, CRLF rows with LF inside quoted answers)', () => {
  it('keeps multi-line answers exact and lat/long lossless', async () => {
    const { file, records } = await readAll(BESKAR);
    expect(file.columns.columns.map((c) => c.key).slice(17)).toEqual([
      'QID63',
      'QID16',
      'QID17',
      'QID18',
      'QID19_TEXT',
      'QID22_TEXT',
      'SolutionRevision',
    ]);
    const first = records[0]!;
    expect(first.values.QID18).toBe('Yes, by me or someone outside the tribe \n\n');
    expect(first.values.QID22_TEXT).toBe('Good, strong armor!');
    expect(first.values.locationLatitude).toBe(40.78759765625);
    expect(first.values.locationLongitude).toBe(-74.05999755859375);
    expect(first.values.ipAddress).toBeNull();
    const second = records[1]!;
    // 17+ significant digits: a double cannot hold them, so the text is kept.
    expect(second.values.locationLatitude).toBe('40.7512969970703125');
    expect(second.values.locationLongitude).toBe('-73.88300323486328125');
    expect(second.values.ipAddress).toBe('192.0.2.2');
    const multi = records[30]!;
    expect(multi.responseId).toBe('R_1f11JMRdx4RF6K6');
    expect(multi.values.QID22_TEXT).toBe('I love beskar.\n\nNew lines are cool. /n/n\n\nI love beskaR but R is the best-R!');
    expect(multi.values.QID19_TEXT).toBe(
      'Two Jedi came along and stole my beskar. They were meanies! They also injected some <html>into</html> the ' +
        'environment; and some arbitrary punctuation.,($&//d as well as a "quote" and some other \'single quotes\' ' +
        "(ps I'm so sorry Julia - I hope that this is useful 😬)",
    );
    expect(records[3]!.values.QID22_TEXT).toBe('🤷🏻\u200d♀️');
    const unfinished = records[24]!;
    expect(unfinished.responseId).toBe('R_2dAv3kvR9ALBSl3');
    expect(unfinished.values.finished).toBe(false);
    expect(unfinished.values.progress).toBe(17);
  });
});

describe('sample.csv (current dialect, numeric export, no zone in the ImportId row)', () => {
  it('reads dates as UTC by default, or in the timeZone option', async () => {
    const { records } = await readAll(SAMPLE);
    const r = records[0]!;
    expect(r.values.startDate).toBe('2017-07-18T08:28:09.000Z');
    expect(r.values.status).toBe(0);
    expect(r.statusCode).toBe(0);
    expect(r.values.finished).toBe(true);
    expect(r.values.duration).toBe(38);
    expect(r.values.locationLatitude).toBe(47.115097045898);
    expect(r.values.locationLongitude).toBe(7.2315979003906);
    expect(r.values.userLanguage).toBe('DE');
    expect(r.values.QID1).toBe(2);
    expect(r.values.QID2_TEXT).toBe('Hello World!');
    const zurich = await readAll(SAMPLE, { timeZone: 'Europe/Zurich' });
    expect(zurich.records[0]!.values.startDate).toBe('2017-07-18T06:28:09.000Z'); // CEST, UTC+2
  });

  it('keeps the German labels of row 2 in the column map', async () => {
    const { file } = await readAll(SAMPLE);
    const recipient = file.columns.columns.find((c) => c.key === 'recipientLastName')!;
    expect(recipient.label).toBe('Nachname des Empfängers');
    expect(recipient.exportTag).toBe('RecipientLastName');
  });
});

describe('raven.tsv (UTF-16LE, a BOM on every line, ImportIds in row 1, loop and merge)', () => {
  it('types the first response and maps loop-and-merge columns', async () => {
    const { file, records } = await readAll(RAVEN);
    const r = records[0]!;
    expect(r.responseId).toBe('R_eu0zBI875ijlgpv');
    expect(r.values.startDate).toBe('2016-09-15T13:33:49.000Z');
    expect(r.values.status).toBe('IP Address');
    expect(r.statusCode).toBe(0);
    expect(r.values.finished).toBe(true);
    expect(r.values.duration).toBe(78);
    expect(r.values.locationLatitude).toBe(-33.877807617188);
    expect(r.values.ipAddress).toBe('192.0.2.1');
    expect(r.values.QRTE_exitQuestions).toBe('ExitTest');
    expect(r.values.uid).toBe('TEST');
    expect(String(r.values['1_QID5_1'])).toMatch(/^\{"InitPre\[OnsetTime\]":"undefined",/);
    expect(r.values['1_QID5_2']).toBe('APMtest');
    const loop = file.columns.columns.find((c) => c.key === '2_QID5_1')!;
    expect(loop).toMatchObject({ questionId: 'QID5', loopId: '2', part: '1', exportTag: '2_QID5_1' });
    expect(loop.label).toBe('2_ExitTest_1 - ');
    expect(file.columns.columns[0]!.exportTag).toBe('startDate');
  });
});

describe('Insights and legacy exports of the same survey', () => {
  it('Insights: tolerant ImportId row, numeric status, text kept', async () => {
    const { file, records } = await readAll(MC_INSIGHTS);
    const r = records[0]!;
    expect(r.values._recordId).toBeUndefined();
    expect(r.values.responseId).toBe('R_862TbryT6hpIAfP');
    expect(r.values.startDate).toBe('2016-05-27T11:44:08.000Z');
    expect(r.values.finished).toBe(true);
    expect(r.values.status).toBe(2);
    expect(r.statusCode).toBe(2);
    expect(r.values.QID2).toBe(3);
    expect(r.values['QID4-TEXT']).toBe('Dictumst mattis ultricies sem? Ligula morbi rhoncus tincidunt iaculis elementum suscipit.');
    expect(r.values['Location-LocationLatitude']).toBe(42.401901245117);
    expect(r.values['Location-LocationAccuracy']).toBe(-1);
    expect(r.values.ipAddress).toBeNull();
    const text = file.columns.columns.find((c) => c.key === 'QID4-TEXT')!;
    expect(text).toMatchObject({ exportTag: 'mc_question_five_TEXT', questionId: 'QID4', part: 'TEXT', isText: true });
    expect(file.columns.columns.find((c) => c.key === 'panel-RecipientEmail')!.metadata).toBe('recipientEmail');
  });

  it('legacy: V1…V10 named from row 2, typed like the Insights file', async () => {
    const { file, records } = await readAll(MC_LEGACY);
    const r = records[0]!;
    expect(file.columns.columns.slice(0, 10).map((c) => c.name)).toEqual([
      'ResponseID',
      'ResponseSet',
      'Name',
      'ExternalDataReference',
      'EmailAddress',
      'IPAddress',
      'Status',
      'StartDate',
      'EndDate',
      'Finished',
    ]);
    expect(r.values.V1).toBe('R_862TbryT6hpIAfP');
    expect(r.values.V3).toBe('Anonymous');
    expect(r.values.V7).toBe(2);
    expect(r.statusCode).toBe(2);
    expect(r.values.V8).toBe('2016-05-27T11:44:08.000Z');
    expect(r.values.V10).toBe(true);
    expect(r.values.Q2).toBe(3);
    expect(r.values.LocationLongitude).toBe(-71.119300842285);
  });

  it('legacy duplicate export tags get distinct keys by position', async () => {
    const { file, records } = await readAll(LONG_LEGACY);
    const cucumbers = file.columns.columns.filter((c) => c.exportTag === 'cucumbers');
    expect(cucumbers.map((c) => [c.index, c.key, c.name])).toEqual([
      [74, 'cucumbers', 'cucumbers'],
      [78, 'cucumbers~2', 'cucumbers_2'],
      [82, 'cucumbers~3', 'cucumbers_3'],
      [86, 'cucumbers~4', 'cucumbers_4'],
    ]);
    const r = records[0]!;
    expect(cucumbers.map((c) => r.values[c.key])).toEqual([1, 1, -1, -1]);
    expect(file.columns.columns.find((c) => c.exportTag === 'Q2')!.label).toBe(
      'This is a plain mcsa question.\u00a0 What kind of fruit do you like most?',
    );
  });

  it('single-header file (re-saved): metadata typed by name', async () => {
    const { records } = await readAll(LONG_SINGLE);
    const r = records[0]!;
    expect(r.responseId).toBe('R_5jOny0MNHNU6WS9');
    expect(r.values.StartDate).toBe('2016-07-28T12:53:17.000Z');
    expect(r.values.Finished).toBe(true);
    expect(r.values.Status).toBe(2);
    expect(r.values.Q26_Q26_5_TEXT).toBe(
      'Vestibulum? Curabitur luctus lacus bibendum suspendisse molestie scelerisque integer magna iaculis suspendisse.',
    );
    expect(r.values.Q25_cucumbers).toBe(-1);
  });

  it('side-by-side ImportIds keep their # group', async () => {
    const { file, records } = await readAll(SIDE_INSIGHTS);
    const column = file.columns.columns[11]!;
    expect(column).toMatchObject({ key: 'QID1#1-1', exportTag: 'Q1#1_1', questionId: 'QID1', part: '#1-1' });
    expect(records[0]!.values['QID1#1-1']).toBe(2);
  });
});
