import { describe, expect, it } from 'vitest';
import { StoreError } from './errors.ts';
import { MAX_IDENTIFIER_BYTES, quoteIdent, readableName, slugify } from './internal/names.ts';
import { RESERVED_WORDS } from './internal/reserved-words.ts';
import { type MappedColumn, planColumns, planTableName, WIDE_FIXED_COLUMNS } from './plan-columns.ts';
import type { StoreColumn } from './types.ts';

/** Deterministic PRNG (mulberry32) so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['Q', 'q', '1', '2_', '_TEXT', ' ', '"', "'", ';', '--', 'select', 'ORDER', 'é', 'ß', '質問', '🙂', '\t', 'x'.repeat(70), '#', '%', 'response_id', 'rowid', '0'];

function randomTag(next: () => number): string {
  const n = Math.floor(next() * 6);
  let tag = '';
  for (let i = 0; i < n; i++) tag += PIECES[Math.floor(next() * PIECES.length)];
  return tag;
}

function randomColumns(next: () => number, count: number, prefix: string): StoreColumn[] {
  return Array.from({ length: count }, (_, i) => ({ key: `${prefix}${i}`, exportTag: randomTag(next) }));
}

/** Every way `names` breaks the naming rules (empty when they hold). */
function problems(names: readonly string[]): string[] {
  const out: string[] = [];
  const lower = names.map((n) => n.toLowerCase());
  if (new Set(lower).size !== names.length) out.push(`duplicates in ${names.join(',')}`);
  for (const n of names) {
    if (!/^[a-z_][a-z0-9_]*$/.test(n)) out.push(`bad characters: ${n}`);
    if (Buffer.byteLength(n) > MAX_IDENTIFIER_BYTES) out.push(`too long: ${n}`);
    if (RESERVED_WORDS.has(n) || WIDE_FIXED_COLUMNS.includes(n)) out.push(`reserved: ${n}`);
  }
  return out;
}

describe('planColumns (property-style, 200 seeded cases)', () => {
  it('gives every column a unique, valid, bounded, non-reserved name', () => {
    const found: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const next = rng(seed);
      const plan = planColumns([], randomColumns(next, 1 + Math.floor(next() * 80), 'K'));
      found.push(...problems(plan.add.map((p) => p.sqlName)).map((p) => `seed ${seed}: ${p}`));
      if (plan.keep.length > 0) found.push(`seed ${seed}: keep not empty`);
    }
    expect(found).toEqual([]);
  });

  it('is stable: stored names are kept whatever the new tags and order; new names never collide with them', () => {
    const found: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const next = rng(seed);
      const first = planColumns([], randomColumns(next, 1 + Math.floor(next() * 40), 'K'));
      const existing: MappedColumn[] = first.add.map((p) => ({ key: p.column.key, sqlName: p.sqlName }));
      const retagged = first.add.map((p) => ({ key: p.column.key, exportTag: randomTag(next) })).reverse();
      const second = planColumns(existing, [...randomColumns(next, Math.floor(next() * 40), 'N'), ...retagged]);
      for (const { column, sqlName } of second.keep) {
        if (sqlName !== first.names.get(column.key)) found.push(`seed ${seed}: ${column.key} renamed to ${sqlName}`);
      }
      if (second.keep.length !== existing.length) found.push(`seed ${seed}: a stored column was not kept`);
      found.push(...problems([...second.names.values()]).map((p) => `seed ${seed}: ${p}`));
      const again = planColumns(existing, retagged).names;
      if (JSON.stringify([...again]) !== JSON.stringify([...first.names])) found.push(`seed ${seed}: not stable`);
    }
    expect(found).toEqual([]);
  });

  it('is deterministic: the same input gives the same names', () => {
    const cols = randomColumns(rng(7), 60, 'K');
    expect(planColumns([], cols).names).toEqual(planColumns([], cols).names);
  });
});

describe('planColumns examples', () => {
  it('slugs tags readably and de-duplicates', () => {
    const plan = planColumns(
      [],
      [
        { key: 'a', exportTag: 'Q1' },
        { key: 'b', exportTag: 'Q3_2_TEXT' },
        { key: 'c', exportTag: 'Q1' },
        { key: 'd', exportTag: 'q1' },
        { key: 'e', exportTag: 'select' },
        { key: 'f', exportTag: '1_Q5' },
        { key: 'g', exportTag: '🙂', importId: 'QID7' },
        { key: 'h', exportTag: '🙂' },
        { key: 'i', exportTag: 'Response ID' },
        { key: 'j', exportTag: 'response_id' },
      ],
    );
    expect(plan.add.map((p) => p.sqlName)).toEqual([
      'q1',
      'q3_2_text',
      'q1_2',
      'q1_3',
      'select_',
      'c_1_q5',
      'qid7',
      'h',
      'response_id_2',
      'response_id_3',
    ]);
  });

  it('bounds long names to 63 bytes, keeping room for the suffix', () => {
    const long = 'x'.repeat(500);
    const names = planColumns(
      [],
      [
        { key: 'a', exportTag: long },
        { key: 'b', exportTag: `${long}y` },
      ],
    ).add.map((p) => p.sqlName);
    expect(names).toEqual(['x'.repeat(63), `${'x'.repeat(61)}_2`]);
  });

  it('refuses a key given twice', () => {
    expect(() =>
      planColumns(
        [],
        [
          { key: 'a', exportTag: 'Q1' },
          { key: 'a', exportTag: 'Q2' },
        ],
      ),
    ).toThrow(StoreError);
  });
});

describe('names', () => {
  it('slugify folds accents and collapses everything else', () => {
    expect(slugify('Âge (années) — 2024')).toBe('age_annees_2024');
    expect(slugify('"; DROP TABLE x; --')).toBe('drop_table_x');
    expect(slugify('質問')).toBe('');
  });

  it('readableName falls back through candidates, then to the fallback', () => {
    expect(readableName(['🙂', null, 'QID9'], 'col')).toBe('qid9');
    expect(readableName(['🙂'], 'col')).toBe('col');
    expect(readableName(['ORDER'], 'col')).toBe('order_');
  });

  it('quoteIdent doubles quotes and refuses NUL and empty names', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(() => quoteIdent('a\0b')).toThrow();
    expect(() => quoteIdent('')).toThrow();
  });

  it('planTableName avoids every taken name, case-insensitively, within 63 bytes', () => {
    expect(planTableName('Customer Feedback', 'SV_1', ['RESPONSES_CUSTOMER_FEEDBACK'])).toBe('responses_customer_feedback_2');
    expect(planTableName('🙂', 'SV_AbC123', [])).toBe('responses_sv_abc123');
    const long = planTableName('y'.repeat(200), 'SV_1', [`responses_${'y'.repeat(53)}`]);
    expect(long).toBe(`responses_${'y'.repeat(51)}_2`);
    expect(Buffer.byteLength(long)).toBe(63);
  });
});
