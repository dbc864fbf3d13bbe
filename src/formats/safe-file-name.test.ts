import { describe, expect, it } from 'vitest';
import { safeFileName } from './safe-file-name.ts';

describe('safeFileName', () => {
  it('replaces separators, reserved and control characters', () => {
    expect(safeFileName('Cats Can Have a Little Salami')).toBe('Cats Can Have a Little Salami');
    expect(safeFileName('Q1/Q2: results\\final?*')).toBe('Q1_Q2_ results_final__');
    expect(safeFileName('a\u0000b\u0007c\nd\te')).toBe('a_b_c_d_e');
    expect(safeFileName('<script>"x"|y')).toBe('_script__x__y');
  });

  it('never yields a path, a dot name or an empty name', () => {
    expect(safeFileName('..')).toBe('export');
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('.hidden')).toBe('hidden');
    expect(safeFileName('   ')).toBe('export');
    expect(safeFileName('///')).toBe('export');
    expect(safeFileName('', { fallback: 'survey' })).toBe('survey');
    expect(safeFileName('trailing dots...  ')).toBe('trailing dots');
  });

  it('prefixes Windows device names', () => {
    expect(['CON', 'nul', 'Com1', 'LPT9.csv', 'aux.tar.gz'].map((n) => safeFileName(n))).toEqual(['_CON', '_nul', '_Com1', '_LPT9.csv', '_aux.tar.gz']);
    expect(safeFileName('CONTEST')).toBe('CONTEST');
  });

  it('bounds the length in UTF-8 bytes without splitting characters, keeping a short extension', () => {
    const long = `${'🐈'.repeat(100)}.csv`;
    const out = safeFileName(long, { maxBytes: 50 });
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(50);
    expect(out).toBe(`${'🐈'.repeat(11)}.csv`);
    expect(Buffer.byteLength(safeFileName('x'.repeat(1000)))).toBe(200);
    expect(safeFileName('bad \uD800 surrogate')).toBe('bad _ surrogate');
  });
});
