/**
 * One test per export quirk, on small files written here in the shape Qualtrics writes them.
 */

import { afterAll, describe, expect, it } from 'vitest';
import { byTag, importIdCell as id, readAll, tempDir, writeTemp } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** A current-dialect CSV (CRLF rows) from its three header rows and data rows (cells already CSV-quoted). */
function currentCsv(tags: string[], labels: string[], ids: string[], rows: string[][]): string {
  return [tags, labels, ids, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

const META_TAGS = ['StartDate', 'RecordedDate', 'Status', 'Finished', 'ResponseId'];
const META_LABELS = ['Start Date', 'Recorded Date', 'Response Type', 'Finished', 'Response ID'];
const metaIds = (zone?: string) => [
  id(zone ? { ImportId: 'startDate', timeZone: zone } : { ImportId: 'startDate' }),
  id(zone ? { ImportId: 'recordedDate', timeZone: zone } : { ImportId: 'recordedDate' }),
  id({ ImportId: 'status' }),
  id({ ImportId: 'finished' }),
  id({ ImportId: '_recordId' }),
];

describe('export quirks', () => {
  it('multi-line quoted fields: CRLF rows with bare LF inside quotes, in labels and answers, across chunks', async () => {
    const long = `${'x'.repeat(100_000)}\n${'y'.repeat(50_000)}`;
    const csv = currentCsv(
      [...META_TAGS, 'Q1'],
      [...META_LABELS, '"Tell us more:\nanything at all"'],
      [...metaIds(), id({ ImportId: 'QID1_TEXT' })],
      [
        ['2024-01-02 03:04:05', '2024-01-02 03:05:00', '0', '1', 'R_aaaaaaaaaaaaaaa', '"line one\nline two\n\n""quoted"", and, commas"'],
        ['2024-01-02 03:04:06', '2024-01-02 03:05:01', '0', '1', 'R_bbbbbbbbbbbbbbb', `"${long}"`],
        ['2024-01-02 03:04:07', '2024-01-02 03:05:02', '0', '1', 'R_ccccccccccccccc', 'plain'],
      ],
    );
    const { file, records } = await readAll(writeTemp(dir, 'multiline.csv', csv));
    expect(file.columns.columns.at(-1)!.label).toBe('Tell us more:\nanything at all');
    expect(records.map((r) => r.responseId)).toEqual(['R_aaaaaaaaaaaaaaa', 'R_bbbbbbbbbbbbbbb', 'R_ccccccccccccccc']);
    expect(records[0]!.values.QID1_TEXT).toBe('line one\nline two\n\n"quoted", and, commas');
    expect(records[1]!.values.QID1_TEXT).toBe(long);
    expect(records[2]!.values.QID1_TEXT).toBe('plain');
  });

  it('duplicate column names: keyed by ImportId, repeated ImportIds by position, names de-duplicated', async () => {
    const csv = currentCsv(
      ['ResponseId', 'Q1', 'Q1', 'Q1_2', 'Q2', 'Q2'],
      ['Response ID', 'Pick one', 'Pick one', 'Other', 'Rate', 'Rate'],
      [
        id({ ImportId: '_recordId' }),
        id({ ImportId: 'QID1' }),
        id({ ImportId: 'QID7' }),
        id({ ImportId: 'QID1_2' }),
        id({ ImportId: 'QID2' }),
        id({ ImportId: 'QID2', IsLabelsColumn: true }),
      ],
      [['R_aaaaaaaaaaaaaaa', '1', '2', '3', '4', 'Four']],
    );
    const { file, records } = await readAll(writeTemp(dir, 'dupes.csv', csv));
    expect(file.columns.columns.map((c) => [c.key, c.name])).toEqual([
      ['_recordId', 'ResponseId'],
      ['QID1', 'Q1'],
      ['QID7', 'Q1_3'], // Q1_2 is another column's tag, so the duplicate skips it
      ['QID1_2', 'Q1_2'],
      ['QID2', 'Q2'],
      ['QID2~2', 'Q2_2'],
    ]);
    expect(file.columns.columns[5]!.isLabelsColumn).toBe(true);
    expect(records[0]!.values).toEqual({ _recordId: 'R_aaaaaaaaaaaaaaa', QID1: 1, QID7: 2, QID1_2: 3, QID2: 4, 'QID2~2': 'Four' });
  });

  it('loop-and-merge columns: loop prefix, question id, choice columns', async () => {
    const csv = currentCsv(
      ['ResponseId', '1_Q1', '2_Q1', '1_Q2_3', '2_Q2_3_TEXT'],
      ['Response ID', 'Apples - Rate', 'Pears - Rate', 'Apples - Pick - C', 'Pears - Pick - C - Text'],
      [
        id({ ImportId: '_recordId' }),
        id({ ImportId: '1_QID1' }),
        id({ ImportId: '2_QID1' }),
        id({ ImportId: '1_QID2', choiceId: '3' }),
        id({ ImportId: '2_QID2_3_TEXT' }),
      ],
      [['R_aaaaaaaaaaaaaaa', '5', '4', '1', '42']],
    );
    const { file, records } = await readAll(writeTemp(dir, 'loop.csv', csv));
    const cols = file.columns.columns;
    expect(cols.map((c) => [c.key, c.questionId, c.loopId, c.part, c.choiceId])).toEqual([
      ['_recordId', null, null, null, null],
      ['1_QID1', 'QID1', '1', null, null],
      ['2_QID1', 'QID1', '2', null, null],
      ['1_QID2#3', 'QID2', '1', null, '3'],
      ['2_QID2_3_TEXT', 'QID2', '2', '3_TEXT', null],
    ]);
    // A text entry stays text even when it looks like a number.
    expect(records[0]!.values).toMatchObject({ '1_QID1': 5, '2_QID1': 4, '1_QID2#3': 1, '2_QID2_3_TEXT': '42' });
  });

  it('label vs numeric exports: Status and Finished', async () => {
    const ids = metaIds();
    const labels = currentCsv(META_TAGS, META_LABELS, ids, [
      ['2024-01-02 03:04:05', '2024-01-02 03:05:00', 'Survey Test', 'False', 'R_aaaaaaaaaaaaaaa'],
      ['2024-01-02 03:04:05', '2024-01-02 03:05:00', 'Imported', 'True', 'R_bbbbbbbbbbbbbbb'],
      ['2024-01-02 03:04:05', '2024-01-02 03:05:00', 'Some New Type', 'True', 'R_ccccccccccccccc'],
    ]);
    const numeric = currentCsv(META_TAGS, META_LABELS, ids, [
      ['2024-01-02 03:04:05', '2024-01-02 03:05:00', '2', '0', 'R_aaaaaaaaaaaaaaa'],
      ['2024-01-02 03:04:05', '2024-01-02 03:05:00', '4', '1', 'R_bbbbbbbbbbbbbbb'],
      ['2024-01-02 03:04:05', '2024-01-02 03:05:00', '16', '1', 'R_ccccccccccccccc'],
    ]);
    const byLabel = (await readAll(writeTemp(dir, 'labels.csv', labels))).records;
    const byCode = (await readAll(writeTemp(dir, 'codes.csv', numeric))).records;
    expect(byLabel.map((r) => [r.values.status, r.statusCode, r.values.finished])).toEqual([
      ['Survey Test', 2, false],
      ['Imported', 4, true],
      ['Some New Type', null, true],
    ]);
    expect(byCode.map((r) => [r.values.status, r.statusCode, r.values.finished])).toEqual([
      [2, 2, false],
      [4, 4, true],
      [16, 16, true],
    ]);
  });

  it('zone only in the ImportId row: it wins over the timeZone option, which serves columns without one', async () => {
    const csv = currentCsv(
      ['StartDate', 'EndDate', 'ResponseId'],
      ['Start Date', 'End Date', 'Response ID'],
      [id({ ImportId: 'startDate', timeZone: 'Asia/Kolkata' }), id({ ImportId: 'endDate' }), id({ ImportId: '_recordId' })],
      [['2024-07-01 12:00:00', '2024-07-01 12:00:00', 'R_aaaaaaaaaaaaaaa']],
    );
    const path = writeTemp(dir, 'zone.csv', csv);
    const utc = (await readAll(path)).records[0]!;
    expect(utc.values.startDate).toBe('2024-07-01T06:30:00.000Z'); // IST, UTC+5:30
    expect(utc.values.endDate).toBe('2024-07-01T12:00:00.000Z');
    const ny = (await readAll(path, { timeZone: 'America/New_York' })).records[0]!;
    expect(ny.values.startDate).toBe('2024-07-01T06:30:00.000Z');
    expect(ny.values.endDate).toBe('2024-07-01T16:00:00.000Z'); // EDT, UTC−4
  });

  it('latitude/longitude: long decimal strings stay text, short ones become numbers, decimal comma on request', async () => {
    const tags = ['ResponseId', 'LocationLatitude', 'LocationLongitude', 'Q1'];
    const ids = [id({ ImportId: '_recordId' }), id({ ImportId: 'locationLatitude' }), id({ ImportId: 'locationLongitude' }), id({ ImportId: 'QID1' })];
    const csv = currentCsv(tags, tags, ids, [
      ['R_aaaaaaaaaaaaaaa', '40.7512969970703125', '-73.88300323486328125', '007'],
      ['R_bbbbbbbbbbbbbbb', '47.115097045898', '7.2315979003906', '1.50'],
    ]);
    const { records } = await readAll(writeTemp(dir, 'latlong.csv', csv));
    expect(records.map((r) => [r.values.locationLatitude, r.values.locationLongitude, r.values.QID1])).toEqual([
      ['40.7512969970703125', '-73.88300323486328125', '007'],
      [47.115097045898, 7.2315979003906, '1.50'],
    ]);
    const comma = currentCsv(tags, tags, ids, [['R_aaaaaaaaaaaaaaa', '"47,115097045898"', '"7,25"', '"3,5"']]);
    const decimal = (await readAll(writeTemp(dir, 'comma.csv', comma), { decimalComma: true })).records[0]!;
    expect([decimal.values.locationLatitude, decimal.values.locationLongitude, decimal.values.QID1]).toEqual([47.115097045898, 7.25, 3.5]);
  });

  it('in-progress FS_ responses with an empty RecordedDate', async () => {
    const csv = currentCsv(
      [...META_TAGS, 'Progress'],
      [...META_LABELS, 'Progress'],
      [...metaIds('America/Denver'), id({ ImportId: 'progress' })],
      [['2024-01-02 03:04:05', '', 'IP Address', 'False', 'FS_1aBcDeFgHiJkLmN', '42']],
    );
    const { records } = await readAll(writeTemp(dir, 'inprogress.csv', csv));
    expect(records[0]).toMatchObject({ responseId: 'FS_1aBcDeFgHiJkLmN', statusCode: 0 });
    expect(records[0]!.values).toEqual({
      startDate: '2024-01-02T10:04:05.000Z',
      recordedDate: null,
      status: 'IP Address',
      finished: false,
      _recordId: 'FS_1aBcDeFgHiJkLmN',
      progress: 42,
    });
  });

  it('UTF-8 BOM before the first header', async () => {
    const csv = `\uFEFF${currentCsv(['ResponseId', 'Q1'], ['Response ID', 'Q'], [id({ ImportId: '_recordId' }), id({ ImportId: 'QID1' })], [['R_aaaaaaaaaaaaaaa', '1']])}`;
    const { file, records } = await readAll(writeTemp(dir, 'bom.csv', csv));
    expect(file.columns.dialect).toBe('current');
    expect(file.columns.columns[0]!.exportTag).toBe('ResponseId');
    expect(records[0]!.responseId).toBe('R_aaaaaaaaaaaaaaa');
  });

  it('UTF-16LE and UTF-16BE TSV with a BOM on every line', async () => {
    const lines = ['startDate\t_recordId\tQID1_TEXT', 'Start Date\tResponse ID\tComment', '2016-09-15 13:33:49\tR_aaaaaaaaaaaaaaa\tcafé ☕ 🐈'];
    const text = lines.map((l) => `\uFEFF${l}\r\n`).join('');
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const [name, bytes] of [
      ['le.tsv', le],
      ['be.tsv', be],
    ] as const) {
      const { file, records } = await readAll(writeTemp(dir, name, bytes));
      expect(file.format).toBe('tsv');
      expect(file.columns.dialect).toBe('importid-tags');
      expect(file.columns.columns.map((c) => c.key)).toEqual(['startDate', '_recordId', 'QID1_TEXT']);
      expect(records).toEqual([
        {
          responseId: 'R_aaaaaaaaaaaaaaa',
          index: 0,
          statusCode: null,
          values: { startDate: '2016-09-15T13:33:49.000Z', _recordId: 'R_aaaaaaaaaaaaaaa', QID1_TEXT: 'café ☕ 🐈' },
        },
      ]);
    }
  });

  it('emoji and non-breaking spaces pass through exactly and are never numbers', async () => {
    const csv = currentCsv(
      ['ResponseId', 'Q1', 'Q2', 'Q3'],
      ['Response ID', 'Label\u00a0with nbsp', 'Q2', 'Q3'],
      [id({ ImportId: '_recordId' }), id({ ImportId: 'QID1' }), id({ ImportId: 'QID2' }), id({ ImportId: 'QID3' })],
      [['R_aaaaaaaaaaaaaaa', '🤷🏻\u200d♀️ 😬', '5\u00a0', '\u00a012']],
    );
    const { file, records } = await readAll(writeTemp(dir, 'emoji.csv', csv));
    expect(file.columns.columns[1]!.label).toBe('Label\u00a0with nbsp');
    expect(records[0]!.values).toEqual({ _recordId: 'R_aaaaaaaaaaaaaaa', QID1: '🤷🏻\u200d♀️ 😬', QID2: '5\u00a0', QID3: '\u00a012' });
  });

  it('DST boundaries through the whole parser (America/Denver 2024)', async () => {
    const csv = currentCsv(
      ['StartDate', 'ResponseId'],
      ['Start Date', 'Response ID'],
      [id({ ImportId: 'startDate', timeZone: 'America/Denver' }), id({ ImportId: '_recordId' })],
      [
        ['2024-03-10 01:59:59', 'R_aaaaaaaaaaaaaaa'], // MST, last second before the change
        ['2024-03-10 02:30:00', 'R_bbbbbbbbbbbbbbb'], // does not exist: read as 03:30 MDT
        ['2024-03-10 03:00:00', 'R_ccccccccccccccc'], // MDT
        ['2024-11-03 01:30:00', 'R_ddddddddddddddd'], // happens twice: the first (MDT) is taken
        ['2024-11-03 02:00:00', 'R_eeeeeeeeeeeeeee'], // MST again
      ],
    );
    const { records } = await readAll(writeTemp(dir, 'dst.csv', csv));
    expect(records.map((r) => r.values.startDate)).toEqual([
      '2024-03-10T08:59:59.000Z',
      '2024-03-10T09:30:00.000Z',
      '2024-03-10T09:00:00.000Z',
      '2024-11-03T07:30:00.000Z',
      '2024-11-03T09:00:00.000Z',
    ]);
  });

  it('a row-2 header that is itself a response makes a single-header file', async () => {
    const csv = 'ResponseID,StartDate,Finished,Q1\nR_aaaaaaaaaaaaaaa,2016-07-28 12:53:17,1,3\nR_bbbbbbbbbbbbbbb,2016-07-28 12:53:18,0,\n';
    const { file, records } = await readAll(writeTemp(dir, 'single.csv', csv));
    expect(file.columns.dialect).toBe('single-header');
    expect(records.map((r) => [r.responseId, byTag(file, r, 'StartDate'), r.values.Finished, r.values.Q1])).toEqual([
      ['R_aaaaaaaaaaaaaaa', '2016-07-28T12:53:17.000Z', true, 3],
      ['R_bbbbbbbbbbbbbbb', '2016-07-28T12:53:18.000Z', false, null],
    ]);
  });

  it('a one-column export keeps blank answers as records; blank lines elsewhere are skipped', async () => {
    const one = ['Q5', 'Comment', id({ ImportId: 'QID5_TEXT' }), 'first', '', '"two\nlines"', ''].join('\r\n') + '\r\n';
    const { records } = await readAll(writeTemp(dir, 'one-column.csv', one));
    expect(records.map((r) => r.values.QID5_TEXT)).toEqual(['first', null, 'two\nlines', null]);
    const many = currentCsv(['ResponseId', 'Q1'], ['Response ID', 'Q'], [id({ ImportId: '_recordId' }), id({ ImportId: 'QID1' })], [
      ['R_aaaaaaaaaaaaaaa', '1'],
      [''],
      ['R_bbbbbbbbbbbbbbb', '2'],
    ]);
    expect((await readAll(writeTemp(dir, 'blank-line.csv', many))).records.map((r) => r.responseId)).toEqual(['R_aaaaaaaaaaaaaaa', 'R_bbbbbbbbbbbbbbb']);
  });

  it('an export with no responses has its columns and no records; keepRaw keeps the cells', async () => {
    const empty = currentCsv(['ResponseId', 'Q1'], ['Response ID', 'Q'], [id({ ImportId: '_recordId' }), id({ ImportId: 'QID1' })], []);
    const none = await readAll(writeTemp(dir, 'no-responses.csv', empty));
    expect(none.file.columns.columns.map((c) => c.key)).toEqual(['_recordId', 'QID1']);
    expect(none.records).toEqual([]);
    const one = currentCsv(['ResponseId', 'Q1'], ['Response ID', 'Q'], [id({ ImportId: '_recordId' }), id({ ImportId: 'QID1' })], [['R_aaaaaaaaaaaaaaa', '007']]);
    const raw = await readAll(writeTemp(dir, 'raw.csv', one), { keepRaw: true });
    expect(raw.records[0]!.raw).toEqual(['R_aaaaaaaaaaaaaaa', '007']);
  });
});
