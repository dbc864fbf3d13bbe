import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ExportFileError } from './errors.ts';
import { openExport, openExportSource } from './open-export.ts';
import { onePassSource } from './source.ts';

const REAL = 'test/fixtures/real/ropensci__qualtRics/tests__fixtures__extract_colmap.yml.r12_GET_200.zip__Cats Can Have a Little Salami.csv';
const INFO = { path: 'dl.part', entryName: 'S.csv', label: 'dl.part!S.csv' };

/** `bytes` as a one-pass stream of `size`-byte chunks that counts what was pulled and whether it was ended. */
function pieces(bytes: Buffer, size: number) {
  const seen = { pulled: 0, ended: false };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for (let at = 0; at < bytes.length; at += size) {
        seen.pulled++;
        await new Promise((resolve) => setImmediate(resolve));
        yield bytes.subarray(at, at + size);
      }
    } finally {
      seen.ended = true;
    }
  }
  return { chunks: chunks(), seen, count: Math.ceil(bytes.length / size) };
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe('onePassSource', () => {
  it('replays what the first stream took, then goes on: every chunk pulled once', async () => {
    const bytes = Buffer.from('0123456789'.repeat(100));
    const p = pieces(bytes, 7);
    const source = onePassSource(INFO, p.chunks);
    expect(source.size).toBe(-1);
    const head = await source.open();
    let got = 0;
    for await (const chunk of head) {
      got += (chunk as Buffer).length;
      if (got >= 30) break;
    }
    expect(await readAll(await source.open())).toEqual(bytes);
    expect(p.seen.pulled).toBe(p.count);
    expect(p.seen.ended).toBe(true);
    await expect(source.open()).rejects.toThrow(ExportFileError);
    await expect(source.open()).rejects.toThrow(/dl\.part!S\.csv: is read once/);
  });

  it('ends the underlying chunks when the second stream stops early', async () => {
    const p = pieces(Buffer.alloc(10_000, 1), 100);
    const source = onePassSource(INFO, p.chunks);
    (await source.open()).destroy();
    for await (const _ of await source.open()) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(p.seen.ended).toBe(true);
    expect(p.seen.pulled).toBeLessThan(p.count);
  });

  it('gives the csv parser the same header and records as the file read from disk', async () => {
    const bytes = await readFile(REAL);
    const fromDisk = await openExport(REAL, { format: 'csv' });
    const streamed = await openExportSource(onePassSource(INFO, pieces(bytes, 333).chunks), null, { format: 'csv' });
    expect(streamed.columns).toEqual(fromDisk.columns);
    const a = [];
    for await (const r of fromDisk.records()) a.push(r);
    const b = [];
    for await (const r of streamed.records()) b.push(r);
    expect(b).toEqual(a);
    expect(b.length).toBe(45);
  });

  it('needs a format when there is no head to detect it from', async () => {
    await expect(openExportSource(onePassSource(INFO, pieces(Buffer.from('a\n'), 1).chunks), null)).rejects.toThrow(
      /dl\.part!S\.csv: is not a known export format/,
    );
  });
});
