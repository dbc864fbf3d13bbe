import { describe, expect, it } from 'vitest';
import { compileRowTyper } from './row-typer.ts';
import { ZoneOffsets } from './time-zone.ts';
import { type TypingOptions, typeCell } from './typing.ts';
import type { ColumnInfo, MetadataField, TypedValue } from './types.ts';

type Column = Pick<ColumnInfo, 'key' | 'index' | 'metadata' | 'isText' | 'isLabelsColumn' | 'timeZone'>;

const FIELDS: Array<MetadataField | null> = [
  null,
  'startDate',
  'endDate',
  'recordedDate',
  'lastModifiedDate',
  'status',
  'ipAddress',
  'progress',
  'duration',
  'finished',
  '_recordId',
  'externalDataReference',
  'locationLatitude',
  'locationLongitude',
  'locationAccuracy',
  'userLanguage',
];

const CELLS = [
  '',
  '0',
  '-0',
  '7',
  '-7',
  '007',
  '-07',
  '00',
  '42',
  '123456789012345',
  '1234567890123456',
  '9007199254740993',
  '-999999999999999',
  '3.5',
  '-0.25',
  '.5',
  '-.5',
  '1.50',
  '3,5',
  '1,000',
  '1e5',
  '+1',
  ' 1',
  '1 ',
  '-',
  '0x10',
  'NaN',
  'Infinity',
  '40.7512969970703125',
  '47.115097045898',
  '100',
  '12.5',
  '1',
  'True',
  'false',
  'FALSE',
  'yes',
  'Survey Preview',
  '2020-02-10 20:44:39',
  '2020-02-10 20:44',
  '2020-02-10T20:44:39.5',
  '2020-03-08 02:30:00',
  '2020-11-01 01:30:00',
  '0050-01-01 00:00:00',
  '2020-02-30 00:00:00',
  '2020-02-11T05:44:39+02:00',
  '2020-02-11T03:44:39Z',
  'R_1hMCpoT7s2jVxQB',
  'Zürich 👍',
  '\ud800',
];

function columnsFor(field: MetadataField | null): Column[] {
  const base = { metadata: field, isText: false, isLabelsColumn: false };
  return [
    { ...base, key: 'a', index: 0, timeZone: null },
    { ...base, key: 'b', index: 0, timeZone: 'America/Denver' },
    { ...base, key: 'c', index: 0, timeZone: null, isText: true },
    { ...base, key: 'd', index: 0, timeZone: 'Asia/Kathmandu', isLabelsColumn: true },
  ];
}

describe('compileRowTyper', () => {
  it('types every cell as typeCell does, for every kind of column and option', () => {
    for (const decimalComma of [false, true]) {
      for (const timeZone of ['UTC', 'Europe/Berlin']) {
        const options: TypingOptions = { timeZone, decimalComma, offsets: new ZoneOffsets() };
        const columns = FIELDS.flatMap((field, f) => columnsFor(field).map((c, i) => ({ ...c, key: `${c.key}${f}` , index: f * 4 + i })));
        const typeRow = compileRowTyper(columns, options);
        // Each cell twice in a row, then in another order: the date memo must not leak between texts or zones.
        for (const cell of [...CELLS, ...CELLS, ...[...CELLS].reverse()]) {
          const row = columns.map(() => cell);
          const expected: Record<string, TypedValue> = {};
          for (const column of columns) expected[column.key] = typeCell(cell, column, options);
          const values = typeRow(row);
          expect(values).toEqual(expected);
          expect(JSON.stringify(values)).toBe(JSON.stringify(expected));
        }
      }
    }
  });

  it('gives the keys in column order, whatever they look like, and reads cells by column index', () => {
    const options: TypingOptions = { timeZone: 'UTC', decimalComma: false, offsets: new ZoneOffsets() };
    const keys = ['QID2', '10', 'constructor', '__proto__', 'toString', '2', 'QID1'];
    const columns: Column[] = keys.map((key, i) => ({
      key,
      index: keys.length - 1 - i,
      metadata: null,
      isText: false,
      isLabelsColumn: false,
      timeZone: null,
    }));
    const typeRow = compileRowTyper(columns, options);
    for (const row of [['a', 'b', '', 'd', '5', '', 'g'], ['x', '1', '2', '3', '4', '5', '6'], ['only one']]) {
      const expected: Record<string, TypedValue> = {};
      for (const column of columns) expected[column.key] = typeCell(row[column.index] ?? '', column, options);
      const values = typeRow(row);
      expect(JSON.stringify(values)).toBe(JSON.stringify(expected));
      expect(Object.keys(values)).toEqual(Object.keys(expected));
      expect(Object.getPrototypeOf(values)).toBe(Object.getPrototypeOf(expected));
    }
    expect(JSON.stringify(typeRow(['a', 'b', 'c', 'd', 'e', 'f', 'g']))).toBe('{"2":"b","10":"f","QID2":"g","constructor":"e","toString":"c","QID1":"a"}');
  });
});
