import { describe, expect, it } from 'vitest';
import { encodeMeta, rowHash } from '../internal/row-codec.ts';
import type { SqlType, StoreRecord, StoreValue } from '../types.ts';
import { COPY_NULL, copyEscape, copyEscapeJson, NulCharacterError } from './copy.ts';
import { copyCell, copyMeta } from './encode.ts';
import { NeedsWidening, stageChunks, stagePlan, UnknownKey } from './stage-encoder.ts';
import { writtenAsIs } from './stage-text.ts';

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

  it('writtenAsIs holds exactly for text that is its own COPY field and, in quotes, its own JSON', () => {
    const texts = [...TEXTS, 'a\0b', '\udc00', '\ud800x', 'x\udbff', '🙂', '🙂\ud83d', '\ude42🙂', 'é"', 'DEL \u007f', 'z\u001f'];
    for (const text of texts) {
      const asIs = JSON.stringify(text) === `"${text}"` && !/[\\\t\n\r\0]/.test(text);
      expect([text, writtenAsIs(text)]).toEqual([text, asIs]);
    }
  });
});

/** A small deterministic generator (LCG), so a failing case can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('stageChunks on records in any key order', () => {
  const columns: Column[] = COLUMNS.filter((c) => c.key !== '1');
  const pick = <T>(next: () => number, items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const valuesFor: Record<string, readonly StoreValue[]> = {
    QID1_TEXT: [...TEXTS, 7, true, { a: ['x\ty'] }, null],
    n: [0, 7, -3, 2 ** 53 - 1, true, null],
    r: [0.5, -2.25, 1e300, 9, false, null],
    b: [true, false, null],
    bi: [true, false, 4],
    br: [true, 1.5],
    t: ['2024-01-02T03:04:05.678Z', '2024-05-01T12:00:00+02:00', '2024-05-01T12:00:00.1Z', null],
    j: [{ x: 'é\\', y: [1, null] }, ['🙂'], null],
    'k"\\é 🙂': TEXTS,
    untyped: [null],
  };

  /** A record holding a random subset of the columns, in layout order or shuffled, some keys set to undefined. */
  function randomRecord(next: () => number, i: number): StoreRecord {
    const keys = columns.map((c) => c.key).filter(() => next() < 0.8);
    if (next() < 0.5) keys.sort(() => next() - 0.5);
    const values: Record<string, StoreValue | undefined> = {};
    for (const key of keys) values[key] = next() < 0.1 ? undefined : pick(next, valuesFor[key]!);
    if (next() < 0.1) values.notInLayout = undefined;
    return { responseId: `R_${i}`, values: values as Record<string, StoreValue>, meta: { status: i, userLanguage: pick(next, TEXTS) } };
  }

  it('writes what the reference writes, each record alone and in batches, whatever the key order', () => {
    const next = random(20240102);
    const records = Array.from({ length: 400 }, (_, i) => randomRecord(next, i));
    const expected = records.map((r) => Buffer.from(referenceLine(columns, r)).toString('utf8'));
    for (const [i, rec] of records.entries()) expect(encode(columns, [rec]).slice(0, -1)).toBe(expected[i]);
    const inBatches = [0, 100, 200, 300].flatMap((at) => encode(columns, records.slice(at, at + 100)).split('\n').slice(0, -1));
    expect(inBatches).toEqual(expected);
  });

  it('refuses a key outside the layout holding a value, in layout order or not', () => {
    const cases: Array<Record<string, StoreValue>> = [{ QID1_TEXT: 'a', n: 1, zz: 2 }, { zz: 2, QID1_TEXT: 'a' }, { n: 1, QID1_TEXT: 'a', zz: null }];
    for (const values of cases) {
      const run = () => [...stageChunks(stagePlan(columns), [{ responseId: 'R_1', values, meta: {} }], (e) => e)];
      expect(run).toThrow(UnknownKey);
    }
  });

  it('reads enumerable keys a record inherits, as a key-by-key read does', () => {
    const values = Object.create({ n: 5 }) as Record<string, StoreValue>;
    values.QID1_TEXT = 'own';
    const rec: StoreRecord = { responseId: 'R_1', values, meta: {} };
    expect(encode(columns, [rec]).slice(0, -1)).toBe(referenceLine(columns, rec));
    expect(encode(columns, [rec]).split('\t')[18]).toBe('{"QID1_TEXT":"own","n":5}');
  });

  it('refuses a record whose prototype lists a key every object inherits: such a key is read only when owned', () => {
    const values = Object.create({ constructor: 'inherited', n: 5 }) as Record<string, StoreValue>;
    const plan = stagePlan([{ key: 'constructor', sqlType: 'text' }, ...columns]);
    expect(() => [...stageChunks(plan, [{ responseId: 'R_1', values, meta: {} }], (e) => e)]).toThrow(UnknownKey);
  });

  it('refuses a value the record holds without listing it among its keys, as a count of its keys shows', () => {
    for (const [listed, unlisted] of [
      ['QID1_TEXT', 'n'],
      ['n', 'QID1_TEXT'],
    ]) {
      const values: Record<string, StoreValue> = { [listed!]: 1 };
      Object.defineProperty(values, unlisted!, { value: 2, enumerable: false });
      const run = () => [...stageChunks(stagePlan(columns), [{ responseId: 'R_1', values, meta: {} }], (e) => e)];
      expect(run).toThrow(UnknownKey);
    }
  });

  it('sends a small first chunk, so the server starts reading at once, then chunks of about a megabyte', () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({
      responseId: `R_${i}`,
      values: { QID1_TEXT: 'x'.repeat(1000), n: i },
      meta: {},
    }));
    const sizes = [...stageChunks(stagePlan(columns), records, (e) => e)].map((c) => c.length);
    expect(sizes[0]).toBeGreaterThanOrEqual(64 * 1024);
    expect(sizes[0]).toBeLessThan(70 * 1024);
    for (const size of sizes.slice(1, -1)) expect(size).toBeGreaterThanOrEqual(960 * 1024);
  });

  it('grows its buffers for a row longer than a chunk', () => {
    const records: StoreRecord[] = [
      { responseId: 'R_small', values: { n: 1 }, meta: {} },
      { responseId: 'R_huge', values: { QID1_TEXT: 'é\\'.repeat(400_000), 'k"\\é 🙂': 'x'.repeat(300_000) }, meta: {} },
      { responseId: 'R_after', values: { n: 2 }, meta: {} },
    ];
    const chunks = [...stageChunks(stagePlan(columns), records, (e) => e)];
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n').slice(0, -1);
    expect(lines).toEqual(records.map((r) => referenceLine(columns, r)));
  });
});
