import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readSavHeader, savRecords } from '../../src/formats/sav-records.ts';
import type { ExportSource } from '../../src/formats/source.ts';
import { ZoneOffsets } from '../../src/formats/time-zone.ts';

/**
 * sav-reader expects each 'readable' event to bring a whole 1 kB read and misses the end of a stream while it waits;
 * a zip entry's inflate stream delivers much smaller pieces. The PSPP fixture, fed in pieces of a few bytes, must
 * read exactly as from disk.
 */
const SAV = readFileSync(join(import.meta.dirname, '../fixtures/formats/qualtrics-like.sav'));

function trickle(size: number): ExportSource {
  return {
    path: 'trickle.sav',
    entryName: 'trickle.sav',
    label: 'trickle.sav',
    size: SAV.length,
    open: async () =>
      Readable.from(
        (async function* () {
          for (let i = 0; i < SAV.length; i += size) {
            // One piece per turn of the event loop, as an inflate stream hands them over.
            await new Promise((resolve) => setImmediate(resolve));
            yield SAV.subarray(i, i + size);
          }
        })(),
        { objectMode: false, highWaterMark: 1 },
      ),
  };
}

describe('SPSS read from a stream of small pieces', () => {
  it.each([1, 7, 1000, 1025])('reads every record when fed %i bytes at a time', async (size) => {
    const source = trickle(size);
    const map = await readSavHeader(source);
    const ids: Array<string | null> = [];
    for await (const record of savRecords(source, map, { timeZone: 'UTC', decimalComma: false, offsets: new ZoneOffsets() })) {
      ids.push(record.responseId);
    }
    expect(map.columns).toHaveLength(11);
    expect(ids).toEqual(['R_1hMCpoT7s2jVxQB', 'R_2abcDEF345ghIJK', 'FS_3xyzXYZ987abcDE']);
  });
});
