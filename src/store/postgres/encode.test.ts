import { describe, expect, it } from 'vitest';
import type { StoreError } from '../errors.ts';
import type { StoreRecord } from '../types.ts';
import { isoFromTimestamptz } from './connect.ts';
import { copyEscape, copyEscapeJson, NulCharacterError } from './copy.ts';
import { copyCell, copyMeta, withRecordContext } from './encode.ts';

describe('COPY text escaping', () => {
  it('escapes backslash, tab, newline and carriage return, so a \\. line stays data', () => {
    expect(copyEscape('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyEscape('\\.')).toBe('\\\\.');
    expect(copyEscape('\\N')).toBe('\\\\N');
    expect(copyEscape('plain 🙂')).toBe('plain 🙂');
  });

  it('refuses NUL, which PostgreSQL text cannot hold', () => {
    expect(() => copyEscape('a\0b')).toThrow(NulCharacterError);
  });

  it('JSON text only needs its backslashes doubled', () => {
    expect(copyEscapeJson(JSON.stringify({ a: 'x\ty\\z"' }))).toBe('{"a":"x\\\\ty\\\\\\\\z\\\\""}');
  });
});

describe('copyCell', () => {
  it('spells each value as the SQLite store writes it, for PostgreSQL input', () => {
    expect(copyCell('boolean', true)).toBe('t');
    expect(copyCell('integer', false)).toBe('0');
    expect(copyCell('text', true)).toBe('true');
    expect(copyCell('real', 2.5)).toBe('2.5');
    expect(copyCell('text', 5)).toBe('5');
    expect(copyCell('json', [1, 'a\tb'])).toBe('[1,"a\\\\tb"]');
    expect(copyCell('text', null)).toBe('\\N');
    expect(copyCell('text', undefined)).toBe('\\N');
  });

  it('refuses JSON holding U+0000 (jsonb cannot store it) but not the literal text \\u0000', () => {
    expect(() => copyCell('json', ['a\0'])).toThrow(NulCharacterError);
    expect(copyCell('json', ['\\u0000'])).toBe('["\\\\\\\\u0000"]');
  });

  it('copyMeta writes every metadata field in order, nulls as \\N', () => {
    const fields = copyMeta({ startDate: '2024-01-01T00:00:00.000Z', status: 0, finished: false }).split('\t');
    expect(fields).toHaveLength(17);
    expect(fields.slice(0, 5)).toEqual(['2024-01-01T00:00:00.000Z', '\\N', '\\N', '\\N', '0']);
    expect(fields[7]).toBe('f');
  });
});

describe('withRecordContext', () => {
  const rec = (values: StoreRecord['values']): StoreRecord => ({ responseId: 'R_1', values, meta: {} });

  it('withRecordContext names survey, response and column of a NUL', () => {
    const err = (() => {
      try {
        withRecordContext('SV_1', rec({}), () => 'column q9', () => copyEscape('\0'));
      } catch (e) {
        return e as StoreError;
      }
    })();
    expect(err?.message).toBe(
      'survey SV_1: response R_1, column q9: text contains a NUL character (U+0000), which PostgreSQL cannot store',
    );
  });
});

describe('isoFromTimestamptz', () => {
  it.each([
    ['2020-02-11 03:44:39+00', '2020-02-11T03:44:39.000Z'],
    ['2020-02-11 03:44:39.5+00', '2020-02-11T03:44:39.500Z'],
    ['2020-02-11 03:44:39.123456+00', '2020-02-11T03:44:39.123Z'],
    ['infinity', 'infinity'],
  ])('%s → %s', (text, iso) => {
    expect(isoFromTimestamptz(text)).toBe(iso);
  });
});
