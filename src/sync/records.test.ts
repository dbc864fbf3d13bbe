import { describe, expect, it } from 'vitest';
import type { ColumnInfo, ColumnMap, ExportRecord } from '../formats/index.ts';
import { laterDate, metadataKeys, toStoreColumns, toStoreRecord } from './records.ts';

function column(patch: Partial<ColumnInfo> & Pick<ColumnInfo, 'key'>): ColumnInfo {
  return {
    index: 0,
    name: patch.key,
    exportTag: patch.key,
    label: null,
    importId: patch.key,
    choiceId: null,
    timeZone: null,
    isLabelsColumn: false,
    questionId: null,
    loopId: null,
    part: null,
    metadata: null,
    isText: false,
    ...patch,
  };
}

const map: ColumnMap = {
  dialect: 'current',
  headerRows: 3,
  columns: [
    column({ key: 'startDate', exportTag: 'StartDate', metadata: 'startDate' }),
    column({ key: 'status', exportTag: 'Status', metadata: 'status' }),
    column({ key: 'finished', exportTag: 'Finished', metadata: 'finished' }),
    column({ key: '_recordId', exportTag: 'ResponseId', metadata: '_recordId' }),
    column({ key: 'locationLatitude', exportTag: 'LocationLatitude', metadata: 'locationLatitude' }),
    column({ key: 'lastModifiedDate', exportTag: 'LastModifiedDate', metadata: 'lastModifiedDate' }),
    column({ key: 'QID1', exportTag: 'Q1', questionId: 'QID1', label: 'Pick one' }),
    column({ key: 'QID2#3', exportTag: 'Q2_3', questionId: 'QID2', choiceId: '3' }),
    column({ key: 'QID5_TEXT', exportTag: 'Q5', questionId: 'QID5', isText: true, part: 'TEXT' }),
    column({ key: 'segment', exportTag: 'segment', importId: 'segment' }),
  ],
};

describe('toStoreColumns', () => {
  it('keeps keys, tags and ImportIds, marks metadata, hints types, and takes question types from the survey', () => {
    const survey = { questions: { QID1: { questionType: { type: 'MC', selector: 'SAVR' } }, QID5: { questionType: { type: 'TE', selector: 'SL' } } } };
    const columns = toStoreColumns(map, survey as never);
    expect(columns.map((c) => [c.key, c.sqlType, c.isMetadata, c.questionType])).toEqual([
      ['startDate', 'timestamp', true, null],
      ['status', null, true, null],
      ['finished', 'boolean', true, null],
      ['_recordId', 'text', true, null],
      ['locationLatitude', 'text', true, null],
      ['lastModifiedDate', 'timestamp', true, null],
      ['QID1', null, false, 'MC'],
      ['QID2#3', null, false, null],
      ['QID5_TEXT', 'text', false, 'TE'],
      ['segment', null, false, null],
    ]);
    expect(columns[6]).toMatchObject({ exportTag: 'Q1', importId: 'QID1', questionId: 'QID1', label: 'Pick one' });
    expect(columns[7]).toMatchObject({ choiceId: '3' });
  });
});

describe('toStoreRecord', () => {
  const keys = metadataKeys(map);
  const record: ExportRecord = {
    responseId: 'R_abc1234567890',
    index: 4,
    statusCode: 0,
    values: {
      startDate: '2025-01-01T10:00:00.000Z',
      status: 0,
      finished: true,
      _recordId: 'R_abc1234567890',
      locationLatitude: '45.50170135498046875',
      lastModifiedDate: '2025-01-02T00:00:00.000Z',
      QID1: 3,
      'QID2#3': null,
      QID5_TEXT: 'hello',
      segment: 'b',
    },
  };

  it('passes the values through and pulls the metadata into typed fields', () => {
    const out = toStoreRecord(record, keys);
    expect(out.responseId).toBe('R_abc1234567890');
    expect(out.values).toBe(record.values);
    expect(out.meta).toMatchObject({
      startDate: '2025-01-01T10:00:00.000Z',
      lastModifiedDate: '2025-01-02T00:00:00.000Z',
      status: 0,
      finished: true,
      latitude: Number("45.50170135498046875"),
      progress: null,
      recordedDate: null,
    });
    expect(out.labels).toBeUndefined();
  });

  it('reads label-export metadata (Finished as True/False) and refuses a record without an id', () => {
    expect(toStoreRecord({ ...record, values: { ...record.values, finished: 'False' } }, keys).meta.finished).toBe(false);
    expect(() => toStoreRecord({ ...record, responseId: null }, keys)).toThrow('record 5 has no response id');
  });
});

describe('laterDate', () => {
  it('keeps the later of two dates, ignoring nulls', () => {
    expect(laterDate(null, '2025-01-01T00:00:00.000Z')).toBe('2025-01-01T00:00:00.000Z');
    expect(laterDate('2025-01-02T00:00:00.000Z', '2025-01-01T00:00:00.000Z')).toBe('2025-01-02T00:00:00.000Z');
    expect(laterDate('2025-01-02T00:00:00.000Z', null)).toBe('2025-01-02T00:00:00.000Z');
  });
});
