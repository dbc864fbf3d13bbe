import { describe, expect, it } from 'vitest';
import { encodeMeta, rowHash } from '../internal/row-codec.ts';
import type { SqlType, StoreRecord, StoreValue } from '../types.ts';
import { COPY_NULL, copyEscape, copyEscapeJson, NulCharacterError } from './copy.ts';
import { copyCell, copyMeta } from './encode.ts';
import { jsonString, NeedsWidening, stageChunks, stagePlan, UnknownKey } from './stage-encoder.ts';

type Column = { key: string; sqlType: SqlType | null };

/**
 * The staging line as the straightforward functions spell it: `values_json` built value by value in layout order,
 * each cell through `copyCell`, the metadata through `copyMeta`, the hash through `rowHash`.
 */
function referenceLine(columns: readonly Column[], rec: StoreRecord): string {
  const members: string[] = [];
  for (const c of columns) {
    const v = rec.values[c.key];
    if (v !== undefined) members.push(`${JSON.stringify(c.key)}:${JSON.stringify(v) ?? 'null'}`);
  }
  const valuesJson = `{${members.join(',')}}`;
  const labelsJson = rec.labels ? JSON.stringify(rec.labels) : null;
  const hash = rowHash(valuesJson, labelsJson, encodeMeta(rec.meta, rec.responseId));
  const cells = columns.filter((c) => c.sqlType !== null).map((c) => copyCell(c.sqlType!, rec.values[c.key]));
  const labels = labelsJson === null ? COPY_NULL : copyEscapeJson(labelsJson);
  return [copyEscape(rec.responseId), copyMeta(rec.meta), copyEscapeJson(valuesJson), labels, hash, ...cells].join('\t');
}

function encode(columns: readonly Column[], records: readonly StoreRecord[]): string {
  const fail = (err: unknown) => err;
  return Buffer.concat([...stageChunks(stagePlan(columns), records, fail)]).toString('utf8');
}

const COLUMNS: Column[] = [
  { key: 'QID1_TEXT', sqlType: 'text' },
  { key: 'n', sqlType: 'integer' },
  { key: 'r', sqlType: 'real' },
  { key: 'b', sqlType: 'boolean' },
  { key: 'bi', sqlType: 'integer' },
  { key: 'br', sqlType: 'real' },
  { key: 't', sqlType: 'timestamp' },
  { key: 'j', sqlType: 'json' },
  { key: 'k"\\é 🙂', sqlType: 'text' },
  { key: '1', sqlType: 'text' },
  { key: 'untyped', sqlType: null },
];

const TEXTS = [
  'plain',
  '',
  'tab\tnew\nline\rcr',
  'back\\slash \\. \\N',
  'quote " and \'',
  'Ünïcødé — 日本語 🙂',
  'lone \ud800 surrogate',
  'line\u2028separator',
  'del \u007f and \u0001',
  '{"looks":"like json"}',
];

/** Records covering every kind of value in every column it may sit in without widening. */
function hostileRecords(): StoreRecord[] {
  return TEXTS.map((text, i) => ({
    responseId: i === 3 ? 'R_tab\there' : `R_${i}`,
    values: {
      QID1_TEXT: [text, 5, -0, 1e21, Number.NaN, true, { a: [text] }, null][i % 8]!,
      n: [0, -7, 2 ** 53 - 1, true, null][i % 5]!,
      r: [1.5e-7, -2.25, 1e300, 3, false][i % 5]!,
      b: i % 3 === 0 ? null : i % 2 === 0,
      bi: i % 2 === 0,
      br: i % 2 === 1,
      t: ['2024-01-02T03:04:05.678Z', '2024-05-01T12:00:00+02:00', '2024-05-01T12:00:00.123456789Z'][i % 3]!,
      j: [{ x: text, y: [1, null, true] }, [text], { '': { nested: '\\u0000 literal' } }][i % 3]!,
      'k"\\é 🙂': text,
      ...(i % 2 === 0 ? { '1': `${text}!` } : {}),
      untyped: null,
      ...(i === 4 ? { gone: undefined } : {}),
    } as unknown as Record<string, StoreValue>,
    ...(i % 3 === 1 ? { labels: { QID1_TEXT: text, n: 'seven' } } : {}),
    meta: {
      startDate: i % 2 === 0 ? '2024-01-01T00:00:00.000Z' : null,
      status: i,
      progress: i % 4 === 0 ? 100 : 12.5,
      finished: i % 2 === 0,
      distributionChannel: text,
      ...(i === 5 ? { latitude: -33.75, longitude: 151.25 } : {}),
    },
  }));
}

describe('stageChunks', () => {
  it('writes each record exactly as the reference functions spell it, hash included', () => {
    const records = hostileRecords();
    // Compared as the bytes sent: a lone surrogate goes out as U+FFFD either way.
    const expected = records.map((r) => Buffer.from(referenceLine(COLUMNS, r)).toString('utf8'));
    const lines = encode(COLUMNS, records).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual(expected);
  });

  it('keeps values_json in layout order whatever the order of the record keys', () => {
    const columns: Column[] = [
      { key: 'b', sqlType: 'text' },
      { key: 'a', sqlType: 'integer' },
    ];
    const line = encode(columns, [{ responseId: 'R_1', values: { a: 1, b: 'x' }, meta: {} }]);
    expect(line.split('\t')[18]).toBe('{"b":"x","a":1}');
    expect(encode(columns, [{ responseId: 'R_2', values: {}, meta: {} }]).split('\t')[18]).toBe('{}');
  });

  it('reads a key every object inherits (constructor, __proto__) only when the record has it', () => {
    const columns: Column[] = [
      { key: 'constructor', sqlType: 'text' },
      { key: '__proto__', sqlType: 'text' },
    ];
    const fields = (rec: StoreRecord) => encode(columns, [rec]).trimEnd().split('\t');
    expect(fields({ responseId: 'R_1', values: {}, meta: {} }).slice(18)).toEqual(['{}', '\\N', expect.any(String), '\\N', '\\N']);
    const own = JSON.parse('{"constructor":"c","__proto__":"p"}') as Record<string, StoreValue>;
    expect(fields({ responseId: 'R_2', values: own, meta: {} }).slice(18)).toEqual([
      '{"constructor":"c","__proto__":"p"}',
      '\\N',
      expect.any(String),
      'c',
      'p',
    ]);
  });

  it('splits many rows into chunks of whole lines', () => {
    const records: StoreRecord[] = Array.from({ length: 3000 }, (_, i) => ({
      responseId: `R_${i}`,
      values: { QID1_TEXT: 'x'.repeat(400 + (i % 50)), n: i, r: i / 7, t: '2024-01-02T03:04:05.678Z' },
      meta: { progress: 100 },
    }));
    const chunks = [...stageChunks(stagePlan(COLUMNS), records, (e) => e)];
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').slice(0, -1);
    expect(lines).toHaveLength(records.length);
    expect(lines[2999]).toBe(referenceLine(COLUMNS, records[2999]!));
  });

  it.each<[string, SqlType | null, StoreValue]>([
    ['an untyped column', null, 1],
    ['text in an integer column', 'integer', 'x'],
    ['a fraction in an integer column', 'integer', 1.5],
    ['a number in a boolean column', 'boolean', 1],
    ['a non-date in a timestamp column', 'timestamp', '2024-01-02'],
    ['NaN in a real column', 'real', Number.NaN],
    ['an object in a real column', 'real', { a: 1 }],
    ['text in a json column', 'json', 'x'],
  ])('stops for widening on %s', (_, sqlType, value) => {
    const run = () => encode([{ key: 'c', sqlType }], [{ responseId: 'R_1', values: { c: value }, meta: {} }]);
    expect(run).toThrow(NeedsWidening);
  });

  it('hands a NUL character or a key outside the layout to the error callback, with the record', () => {
    const seen: Array<[string, string]> = [];
    const fail = (err: unknown, rec: StoreRecord) => {
      seen.push([(err as Error).name, rec.responseId]);
      return err;
    };
    const run = (rec: StoreRecord) => () => [...stageChunks(stagePlan(COLUMNS), [rec], fail)];
    expect(run({ responseId: 'R_nul', values: { QID1_TEXT: 'a\0b' }, meta: {} })).toThrow(NulCharacterError);
    expect(run({ responseId: 'R_jnul', values: { j: ['\0'] }, meta: {} })).toThrow(NulCharacterError);
    expect(run({ responseId: 'R_meta', values: {}, meta: { userLanguage: 'E\0N' } })).toThrow(NulCharacterError);
    expect(run({ responseId: 'R_key', values: { n: 1, zz: 2 }, meta: {} })).toThrow(UnknownKey);
    expect(run({ responseId: 'R_nan', values: {}, meta: { latitude: Number.NaN } })).toThrow(
      'response R_nan: meta.latitude is not text, a number or a boolean',
    );
    expect(seen).toEqual([
      ['NulCharacterError', 'R_nul'],
      ['NulCharacterError', 'R_jnul'],
      ['NulCharacterError', 'R_meta'],
      ['UnknownKey', 'R_key'],
      ['StoreError', 'R_nan'],
    ]);
  });

  it('jsonString equals JSON.stringify for every kind of text', () => {
    for (const text of [...TEXTS, 'a\0b', '\udc00', '🙂']) expect(jsonString(text)).toBe(JSON.stringify(text));
  });
});
