import { describe, expect, it } from 'vitest';
import { ISO_TIMESTAMP } from '../sql-types.ts';
import type { ResponseMeta, StoreValue } from '../types.ts';
import { encodeBatch } from './batch-encoder.ts';

const meta = {} as ResponseMeta;

describe('encodeBatch', () => {
  it('keeps a timestamp column for every ISO spelling with a zone and widens it to text for anything else', () => {
    const texts = [
      '2020-02-11T03:44:39.000Z',
      '0001-01-01T00:00:00.000Z',
      '9999-12-31T23:59:59.999Z',
      '2020-02-11T03:44:39Z',
      '2020-02-11T03:44:39.5Z',
      '2020-02-11T03:44:39.123456789Z',
      '2020-02-11T03:44:39+01:00',
      '2020-02-11T03:44:39.000+01:00',
      '2020-02-11 03:44:39.000Z',
      '2020-02-11T03:44:39.000z',
      '2020-02-11T03:44:39.000',
      '2020-02-11T03:44:39.0000Z',
      '2020-02-1aT03:44:39.000Z',
      '2020-02-11T03:44:39.00xZ',
      '２020-02-11T03:44:39.000Z',
      'not a date at all, 24ch',
    ];
    for (const text of texts) {
      const batch = encodeBatch('SV_1', [{ key: 'd', sqlType: 'timestamp' }], [{ responseId: 'R_1', values: { d: text }, meta }]);
      expect([text, batch.observed.get(0) ?? 'timestamp']).toEqual([text, ISO_TIMESTAMP.test(text) ? 'timestamp' : 'text']);
    }
  });

  it('gives cells in layout order, its JSON in the record order, and refuses keys outside the layout', () => {
    const columns = [
      { key: 'b', sqlType: null },
      { key: 'a', sqlType: 'integer' as const },
      { key: 'constructor', sqlType: null },
    ];
    const values: Record<string, StoreValue> = { a: 1.5, b: 'x' };
    const batch = encodeBatch('SV_1', columns, [{ responseId: 'R_1', values, meta }]);
    expect(batch.records[0]!.cells).toEqual(['x', 1.5, null]);
    expect(batch.records[0]!.valuesJson).toBe('{"a":1.5,"b":"x"}');
    expect([...batch.observed]).toEqual([
      [0, 'text'],
      [1, 'real'],
    ]);
    expect(() => encodeBatch('SV_1', columns, [{ responseId: 'R_2', values: { ...values, c: 1 }, meta }])).toThrow(
      'survey SV_1: response R_2 has column key "c" that is not in the layout',
    );
  });
});
