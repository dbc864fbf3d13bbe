import { hash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isOlder, ownValue, rowHash, type SqlScalar } from './row-codec.ts';

describe('isOlder', () => {
  it('is true only for a strictly earlier instant, whatever the spelling of either date', () => {
    expect(isOlder('2024-05-01T09:00:00.000Z', '2024-05-01T10:00:00.000Z')).toBe(true);
    expect(isOlder('2024-05-01T09:59:59.999Z', '2024-05-01T10:00:00Z')).toBe(true);
    expect(isOlder('2024-05-01T11:59:59+02:00', '2024-05-01T10:00:00.000Z')).toBe(true);
    expect(isOlder('2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T10:00:00Z', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T10:00:00.001Z', '2024-05-01T10:00:00.000Z')).toBe(false);
  });

  it('is false when either date is unknown or unreadable', () => {
    expect(isOlder(null, '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T09:00:00.000Z', null)).toBe(false);
    expect(isOlder(undefined, undefined)).toBe(false);
    expect(isOlder('yesterday', '2024-05-01T10:00:00.000Z')).toBe(false);
    expect(isOlder('2024-05-01T09:00:00.000Z', 'tomorrow')).toBe(false);
    expect(isOlder(1, 2)).toBe(false);
  });
});

describe('ownValue', () => {
  it('reads own keys only, never a member every object inherits', () => {
    const values = JSON.parse('{"constructor":"c","__proto__":null,"QID1":1}') as Record<string, string | number | null>;
    expect([ownValue(values, 'constructor'), ownValue(values, '__proto__'), ownValue(values, 'QID1')]).toEqual(['c', null, 1]);
    expect([ownValue({}, 'constructor'), ownValue({}, 'toString'), ownValue({}, '__proto__')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(ownValue(null, 'QID1')).toBeUndefined();
  });
});

describe('rowHash', () => {
  /** The hash as first defined: SHA-1 of the joined string. Stored rows carry it, so it must never change. */
  const reference = (values: string, labels: string | null, meta: readonly SqlScalar[]) =>
    hash('sha1', `${values}\u0001${labels ?? ''}\u0001${JSON.stringify(meta)}`, 'base64');

  it('keeps the digests of the rows already stored', () => {
    const values = JSON.stringify({ QID1: 1, QID2: 'Zürich 👍', QID3: '\ud800x\udc00' });
    expect(rowHash(values, null, ['2020-02-11T03:44:39.000Z', 0, 100, null, 1, 'EN', 47.5])).toBe('RTsrZ4XpSPh0ehnbsyXUIUdWp/4=');
    expect(rowHash('{}', '{"QID1":"Yes"}', [null])).toBe('BOuoMY5aSvQpmRDucMqv1960MOE=');
  });

  it('equals the digest of the joined string for any text, lone surrogates and long rows included', () => {
    const texts = ['', 'a', 'é', '👍', '\ud800', '\udc00', 'x\ud83d', '\u0001\u0000\n"\\', '\u{10ffff}', 'ü'.repeat(30_000), '😀'.repeat(40_000)];
    for (const a of texts) {
      for (const b of [null, '', ...texts.slice(0, 6)]) {
        const values = JSON.stringify({ QID1: a });
        const meta: SqlScalar[] = [a, 1.5, null, b];
        expect(rowHash(values, b, meta)).toBe(reference(values, b, meta));
        // Raw text too (not only JSON, which escapes lone surrogates).
        expect(rowHash(a, b, [])).toBe(reference(a, b, []));
      }
    }
  });

  it('equals the digest of the joined string for every kind of metadata value', () => {
    const values = ['R_1', '2020-02-11T03:44:39.000Z', 'say "hi"', 'back\\slash', 'tab\t', '\u007f', '~', ' ', '', 'Nguyễn', '\ud800'];
    const numbers = [0, -0, 1, -17, 1.5, 47.202999114990234, -122.48819732666016, 1e21, 5e-324, -1.7976931348623157e308];
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, undefined, true] as unknown as SqlScalar[];
    const all: SqlScalar[] = [...values, ...numbers, null];
    for (const v of [...all, ...odd]) {
      for (const meta of [[v], [null, v, 3], [v, v, v]]) expect(rowHash('{}', null, meta)).toBe(reference('{}', null, meta));
    }
    expect(rowHash('{"a":1}', null, all)).toBe(reference('{"a":1}', null, all));
    const long = ['x'.repeat(100_000), 'é'.repeat(50_000)];
    expect(rowHash('{}', null, long)).toBe(reference('{}', null, long));
  });
});
