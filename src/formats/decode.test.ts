import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { detectNewline, parseDelimitedRows } from './csv-rows.ts';
import { decodeText } from './decode.ts';

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decodeAll(bytes: Uint8Array, size: number): Promise<string> {
  let out = '';
  for await (const text of decodeText(chunked(bytes, size))) out += text;
  return out;
}

describe('decodeText', () => {
  const text = 'a,b\r\ncafé ☕,🐈\u00a0\r\n';

  it('decodes UTF-8 with and without BOM, even one byte at a time', async () => {
    for (const size of [1, 2, 3, 7, 1024]) {
      expect(await decodeAll(Buffer.from(text), size)).toBe(text);
      expect(await decodeAll(Buffer.from(`\uFEFF${text}`), size)).toBe(text);
    }
  });

  it('decodes UTF-16LE/BE and drops the BOM at the start of every line', async () => {
    const perLine = text
      .split('\r\n')
      .map((line) => `\uFEFF${line}`)
      .join('\r\n');
    const le = Buffer.from(perLine, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const size of [1, 3, 5, 4096]) {
      expect(await decodeAll(le, size)).toBe(text);
      expect(await decodeAll(be, size)).toBe(text);
    }
  });

  it('handles files shorter than a BOM', async () => {
    expect(await decodeAll(Buffer.from('a'), 1)).toBe('a');
    expect(await decodeAll(new Uint8Array(), 1)).toBe('');
  });
});

describe('delimited rows', () => {
  it('finds the row terminator outside quotes', () => {
    expect(detectNewline('a,"b\nc"\r\nd')).toBe('\r\n');
    expect(detectNewline('a,b\nc')).toBe('\n');
    expect(detectNewline('a,b\rc')).toBe('\r');
    expect(detectNewline('a,"b\r\n')).toBeNull();
    expect(detectNewline('a,b\r')).toBeNull();
  });

  it('parses CRLF rows with LF in quotes, split into tiny chunks', async () => {
    const csv = 'h1,h2\r\n"x\ny","say ""hi"""\r\n\r\nlast,\r\n';
    async function* pieces() {
      for (const ch of csv) yield ch;
    }
    const rows: string[][] = [];
    for await (const batch of parseDelimitedRows(pieces(), ',')) rows.push(...batch);
    expect(rows).toEqual([
      ['h1', 'h2'],
      ['x\ny', 'say "hi"'],
      [''], // the blank line; the final CRLF makes no row
      ['last', ''],
    ]);
  });

  it('gives the same rows as a whole-string parse, whatever the chunking (real Beskar export)', async () => {
    const path = resolve(import.meta.dirname, '../../test/fixtures/real/ropensci__qualtRics/tests__fixtures__fetch_survey.yml.r08_GET_200.zip__Beskar Armor.csv');
    const text = readFileSync(path, 'utf8');
    const whole = Papa.parse<string[]>(text.replace(/\r\n$/, ''), { newline: '\r\n' }).data;
    expect(whole).toHaveLength(47);
    for (const size of [1, 5, 64, 333, 4096]) {
      async function* pieces() {
        for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
      }
      const rows: string[][] = [];
      for await (const batch of parseDelimitedRows(pieces(), ',')) rows.push(...batch);
      expect(rows).toEqual(whole);
    }
  });
});
