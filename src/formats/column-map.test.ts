import { describe, expect, it } from 'vitest';
import { buildColumnMap, metadataOfImportId, parseQuestionImportId } from './column-map.ts';

describe('ImportId parts', () => {
  it('derives question, loop and part', () => {
    expect(parseQuestionImportId('QID12_3_TEXT')).toEqual({ questionId: 'QID12', loopId: null, part: '3_TEXT' });
    expect(parseQuestionImportId('2_QID5_1')).toEqual({ questionId: 'QID5', loopId: '2', part: '1' });
    expect(parseQuestionImportId('QID6#1-1')).toEqual({ questionId: 'QID6', loopId: null, part: '#1-1' });
    expect(parseQuestionImportId('QID10')).toEqual({ questionId: 'QID10', loopId: null, part: null });
    expect(parseQuestionImportId('startDate')).toEqual({ questionId: null, loopId: null, part: null });
  });

  it('normalises metadata ImportIds of both generations', () => {
    expect(['startDate', '_recordId', 'responseId', 'panel-RecipientEmail', 'Location-LocationLatitude', 'QID1', 'SolutionRevision'].map(metadataOfImportId)).toEqual([
      'startDate',
      '_recordId',
      '_recordId',
      'recipientEmail',
      'locationLatitude',
      null,
      null,
    ]);
  });
});

describe('buildColumnMap', () => {
  it('drops trailing columns that are empty in every header row', () => {
    const map = buildColumnMap('legacy', [
      ['V1', 'Q1', ''],
      ['ResponseID', 'Question', ''],
    ]);
    expect(map.columns.map((c) => [c.key, c.name, c.metadata])).toEqual([
      ['V1', 'ResponseID', '_recordId'],
      ['Q1', 'Q1', null],
    ]);
    expect(map.headerRows).toBe(2);
  });

  it('names empty tags by position', () => {
    const map = buildColumnMap('single-header', [['ResponseID', '', 'Q1']]);
    expect(map.columns.map((c) => [c.key, c.name])).toEqual([
      ['ResponseID', 'ResponseID'],
      ['column_2', 'column_2'],
      ['Q1', 'Q1'],
    ]);
  });

  it('keys choice columns by ImportId#choiceId and keeps the zone', () => {
    const map = buildColumnMap('current', [
      ['StartDate', 'Q3_1', 'Q3_2'],
      ['Start Date', 'Pick - A', 'Pick - B'],
      ['{"ImportId":"startDate","timeZone":"Europe/Paris"}', '{"ImportId":"QID3","choiceId":"1"}', '{"ImportId":"QID3","choiceId":"2"}'],
    ]);
    expect(map.columns.map((c) => [c.key, c.choiceId, c.timeZone, c.questionId])).toEqual([
      ['startDate', null, 'Europe/Paris', null],
      ['QID3#1', '1', null, 'QID3'],
      ['QID3#2', '2', null, 'QID3'],
    ]);
  });
});
