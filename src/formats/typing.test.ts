import { describe, expect, it } from 'vitest';
import { ZoneOffsets } from './time-zone.ts';
import { parseBoolean, parseLosslessNumber, statusCodeOf, type TypingOptions, typeCell, typeJsonValue } from './typing.ts';

const options: TypingOptions = { timeZone: 'UTC', decimalComma: false, offsets: new ZoneOffsets() };
const answer = { metadata: null, isText: false, isLabelsColumn: false, timeZone: null };

describe('parseLosslessNumber', () => {
  it('accepts plain decimals that read back the same', () => {
    expect(['0', '42', '-1', '3.5', '-0.25', '47.115097045898'].map((s) => parseLosslessNumber(s))).toEqual([0, 42, -1, 3.5, -0.25, 47.115097045898]);
  });

  it('keeps as text what a number would change', () => {
    for (const s of ['007', '1.50', '1e5', '40.7512969970703125', '9007199254740993', '-0', '', ' 1', '1 ', '+1', '0x10', 'NaN', '1,5']) {
      expect(parseLosslessNumber(s)).toBeNull();
    }
  });

  it('reads numbers without the regex exactly as the regex reading does', () => {
    // The reading before the integer fast path, kept as the reference.
    const reference = (text: string, decimalComma: boolean): number | null => {
      if (decimalComma && text.includes('.')) return null;
      const candidate = decimalComma ? text.replace(',', '.') : text;
      if (!/^-?(?:\d+|\d*\.\d+)$/.test(candidate)) return null;
      const n = Number(candidate);
      const canonical = candidate.startsWith('.') ? `0${candidate}` : candidate.replace(/^-\./, '-0.');
      return Number.isFinite(n) && String(n) === canonical ? n : null;
    };
    const texts = ['-', '--1', '1-', '٣', '0', '-0', '00', '0.0', '0.5', '00.5', '-0.0', '.5', '-.5', '1.', '-1.', '1..2'];
    texts.push('1.2.3', '-12.25', '0.30000000000000004', '1e5', ',5', '-,5', '3,5', 'abc', 'Zürich', ' 1', '1 ', '.', ',');
    for (const digits of ['1', '9', '10', '01', '000', '123456789012345', '999999999999999', '1000000000000000', '012345678901234']) {
      texts.push(digits, `-${digits}`, `${digits}.5`, `${digits},5`, `${digits}a`);
    }
    for (const text of texts) {
      for (const decimalComma of [false, true]) expect(parseLosslessNumber(text, decimalComma)).toBe(reference(text, decimalComma));
    }
  });

  it('reads a decimal comma only when told', () => {
    expect(parseLosslessNumber('3,5', true)).toBe(3.5);
    expect(parseLosslessNumber('3.5', true)).toBeNull();
    expect(parseLosslessNumber('12', true)).toBe(12);
  });
});

describe('parseBoolean and statusCodeOf', () => {
  it('reads Finished in numeric and label exports', () => {
    expect(['1', '0', 'True', 'False', 'true', 'false', 'yes', ''].map(parseBoolean)).toEqual([true, false, true, false, true, false, null, null]);
  });

  it('derives the response type code from a code or a label', () => {
    expect(['IP Address', 'Survey Preview', 'Survey Test', 'Imported', 'Spam', 'Offline', 'Unknown Thing'].map(statusCodeOf)).toEqual([0, 1, 2, 4, 8, 16, null]);
    expect([0, 17, '2', 1.5, null, true].map((v) => statusCodeOf(v))).toEqual([0, 17, 2, null, null, null]);
  });
});

describe('typeCell', () => {
  it('types metadata by field', () => {
    const zoned = { metadata: 'startDate' as const, isText: false, isLabelsColumn: false, timeZone: 'America/Denver' };
    expect(typeCell('2020-02-10 20:44:39', zoned, options)).toBe('2020-02-11T03:44:39.000Z');
    expect(typeCell('2020-02-10 20:44:39', { ...zoned, timeZone: null }, options)).toBe('2020-02-10T20:44:39.000Z');
    expect(typeCell('not a date', zoned, options)).toBe('not a date');
    expect(typeCell('', zoned, options)).toBeNull();
    expect(typeCell('100', { ...answer, metadata: 'progress' }, options)).toBe(100);
    expect(typeCell('12.5', { ...answer, metadata: 'duration' }, options)).toBe(12.5);
    expect(typeCell('True', { ...answer, metadata: 'finished' }, options)).toBe(true);
    expect(typeCell('0', { ...answer, metadata: 'status' }, options)).toBe(0);
    expect(typeCell('Survey Preview', { ...answer, metadata: 'status' }, options)).toBe('Survey Preview');
    expect(typeCell('R_1hMCpoT7s2jVxQB', { ...answer, metadata: '_recordId' }, options)).toBe('R_1hMCpoT7s2jVxQB');
    expect(typeCell('12345', { ...answer, metadata: 'externalDataReference' }, options)).toBe('12345');
    expect(typeCell('40.7512969970703125', { ...answer, metadata: 'locationLatitude' }, options)).toBe('40.7512969970703125');
  });

  it('never coerces text-entry or labels columns', () => {
    expect(typeCell('12345', { ...answer, isText: true }, options)).toBe('12345');
    expect(typeCell('3', { ...answer, isLabelsColumn: true }, options)).toBe('3');
    expect(typeCell('3', answer, options)).toBe(3);
    expect(typeCell('1|2|3', answer, options)).toBe('1|2|3');
  });
});

describe('typeJsonValue', () => {
  it('converts JSON metadata, passes answers through', () => {
    expect(typeJsonValue('finished', 1, options)).toBe(true);
    expect(typeJsonValue('finished', 0, options)).toBe(false);
    expect(typeJsonValue('startDate', '2020-02-11T03:44:39Z', options)).toBe('2020-02-11T03:44:39.000Z');
    expect(typeJsonValue('recordedDate', '', options)).toBeNull();
    expect(typeJsonValue(null, [1, 2], options)).toEqual([1, 2]);
    expect(typeJsonValue(null, '007', options)).toBe('007');
  });
});
