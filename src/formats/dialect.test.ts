import { describe, expect, it } from 'vitest';
import { detectDialect, headerRowCount, parseJsonImportId, parsePythonImportId } from './dialect.ts';

describe('detectDialect', () => {
  it('tells the five CSV/TSV layouts apart', () => {
    expect(detectDialect([['StartDate'], ['Start Date'], ['{"ImportId":"startDate","timeZone":"America/Denver"}']])).toBe('current');
    expect(detectDialect([['ResponseID'], ['ResponseID'], ["{'ImportId': 'responseId'}"]])).toBe('insights');
    expect(detectDialect([['V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', 'V8', 'V9', 'V10', 'Q1'], ['ResponseID'], ['R_862TbryT6hpIAfP']])).toBe('legacy');
    expect(detectDialect([['startDate', '_recordId'], ['Start Date', 'Response ID'], ['2016-09-15 13:33:49', 'R_eu0zBI875ijlgpv']])).toBe('importid-tags');
    expect(detectDialect([['ResponseID', 'Q1'], ['R_5jOny0MNHNU6WS9', '1'], ['R_2606AqfRTGJkCvH', '2']])).toBe('single-header');
    expect(detectDialect([['_recordId', 'QID1'], ['R_5jOny0MNHNU6WS9', '1']])).toBe('single-header');
    expect(detectDialect([['SolutionRevision'], ['SolutionRevision'], ['{"ImportId":"SolutionRevision"}']])).toBe('current');
    expect(detectDialect([['Q3_1'], ['Pick - A'], ['{"choiceId":"1","ImportId":"QID3"}']])).toBe('current');
    expect(detectDialect([['Data'], ['{"a":1}'], ['{"b":2}']])).toBe('single-header');
  });

  it('knows how many header rows each has', () => {
    expect(['current', 'insights', 'legacy', 'importid-tags', 'single-header', 'json'].map((d) => headerRowCount(d as never))).toEqual([3, 3, 2, 2, 1, 0]);
  });
});

describe('ImportId cells', () => {
  it('reads the JSON form', () => {
    expect(parseJsonImportId('{"ImportId":"QID36","choiceId":"7"}')).toMatchObject({ ImportId: 'QID36', choiceId: '7', IsLabelsColumn: false });
    expect(parseJsonImportId('{"ImportId":"QID2","IsLabelsColumn":true}').IsLabelsColumn).toBe(true);
    expect(() => parseJsonImportId('{"ImportId":')).toThrow(/is not valid JSON/);
    expect(() => parseJsonImportId('["QID1"]')).toThrow(/is not an object/);
    expect(() => parseJsonImportId('{"ImportId":""}')).toThrow(/has no ImportId/);
  });

  it('reads the Python-literal form tolerantly', () => {
    expect(parsePythonImportId("{'ImportId': 'QID4-TEXT'}").ImportId).toBe('QID4-TEXT');
    expect(parsePythonImportId(`{'ImportId': 'QID1', "choiceId": 2, 'IsLabelsColumn': True}`)).toMatchObject({ ImportId: 'QID1', choiceId: '2', IsLabelsColumn: true });
    expect(parsePythonImportId("{'ImportId': 'it\\'s', 'timeZone': None}").ImportId).toBe("it's");
    expect(() => parsePythonImportId("{'ImportId' 'QID1'}")).toThrow(/is not a \{'ImportId': …\} literal/);
    expect(() => parsePythonImportId("{'ImportId': 'QID1'")).toThrow(/literal/);
  });
});
