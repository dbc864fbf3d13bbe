import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildExport, defaultExportOptions } from '../../../src/sim/export/index.ts';
import { dosDateTime, zipSingleEntry, zipTrailer } from '../../../src/sim/export/zip.ts';
import { generatedCount } from '../../../src/sim/world/index.ts';
import { unzipAll } from '../unzip.ts';
import { drain, exportBytes, fixture, makeWorld, surveyAt } from './helpers.ts';

/** The zip of an export: Qualtrics' layout, streamed, and correct past 4 GiB. */

const FOUR_GIB = 2 ** 32;

/** The fields of a single-entry zip's local header and central directory entry. */
function layout(zip: Buffer) {
  const end = zip.length - 22;
  expect(zip.readUInt32LE(end)).toBe(0x06054b50);
  const central = zip.readUInt32LE(end + 16);
  const nameLength = zip.readUInt16LE(26);
  return {
    local: {
      signature: zip.readUInt32LE(0),
      version: zip.readUInt16LE(4),
      flags: zip.readUInt16LE(6),
      method: zip.readUInt16LE(8),
      crcAndSizes: [zip.readUInt32LE(14), zip.readUInt32LE(18), zip.readUInt32LE(22)],
      extraLength: zip.readUInt16LE(28),
    },
    central: {
      signature: zip.readUInt32LE(central),
      madeBy: zip.readUInt16LE(central + 4),
      needed: zip.readUInt16LE(central + 6),
      flags: zip.readUInt16LE(central + 8),
      method: zip.readUInt16LE(central + 10),
      extraLength: zip.readUInt16LE(central + 30),
      commentLength: zip.readUInt16LE(central + 32),
      externalAttributes: zip.readUInt32LE(central + 38),
      localOffset: zip.readUInt32LE(central + 42),
    },
    dosTime: zip.readUInt32LE(10),
    name: zip.subarray(30, 30 + nameLength).toString('utf8'),
    dataStart: 30 + nameLength,
    centralOffset: central,
    crc: zip.readUInt32LE(central + 16),
    compressed: zip.readUInt32LE(central + 20),
    size: zip.readUInt32LE(central + 24),
  };
}

describe('export zips', () => {
  it("are laid out like Qualtrics' own (as java.util.zip writes them) and hold the export's bytes", async () => {
    const world = makeWorld(5, 300);
    const zip = await exportBytes(world, 1, { format: 'csv', compress: true });
    const plain = await exportBytes(world, 1, { format: 'csv' });
    const ours = layout(zip);
    const real = layout(fixture('ropensci__qualtRics/tests__fixtures__fetch_survey.yml.r08_GET_200.zip'));
    expect(ours.local).toEqual(real.local);
    expect(ours.central).toEqual(real.central);
    expect(ours.local).toEqual({ signature: 0x04034b50, version: 20, flags: 0x0808, method: 8, crcAndSizes: [0, 0, 0], extraLength: 0 });
    expect(ours.name).toBe('Employee Pulse 2024_25: Zürich, Montréal & São Paulo.csv');
    // The data descriptor (signed, 32-bit sizes) sits between the deflated data and the central directory.
    const descriptor = ours.dataStart + ours.compressed;
    expect(ours.centralOffset).toBe(descriptor + 16);
    expect(zip.readUInt32LE(descriptor)).toBe(0x08074b50);
    expect([zip.readUInt32LE(descriptor + 4), zip.readUInt32LE(descriptor + 8), zip.readUInt32LE(descriptor + 12)]).toEqual([
      ours.crc,
      ours.compressed,
      ours.size,
    ]);
    expect(inflateRawSync(zip.subarray(ours.dataStart, descriptor)).equals(plain)).toBe(true);
    expect(ours.size).toBe(plain.length);
    const entries = await unzipAll(zip);
    expect(entries.map((e) => e.name)).toEqual([ours.name]);
    expect(entries[0]!.data.equals(plain)).toBe(true);
  });

  it('date the entry with the export time in UTC, and 1980-01-01 for anything earlier', () => {
    const decode = (t: number) => ({
      date: [(t >>> 25) + 1980, (t >>> 21) & 15, (t >>> 16) & 31],
      time: [(t >>> 11) & 31, (t >>> 5) & 63, (t & 31) * 2],
    });
    expect(decode(dosDateTime(Date.UTC(2025, 7, 5, 3, 1, 37)))).toEqual({ date: [2025, 8, 5], time: [3, 1, 36] });
    expect(decode(dosDateTime(0))).toEqual({ date: [1980, 1, 1], time: [0, 0, 0] });
  });

  it('switch to zip64 records when a size or the directory offset reaches 4 GiB', () => {
    const small = zipTrailer('a.csv', 0, { crc: 7, size: 1000, compressed: 300 });
    expect(small.length).toBe(16 + 46 + 5 + 22);

    const big = zipTrailer('a.csv', 0, { crc: 7, size: 5 * FOUR_GIB, compressed: 1000 });
    // Data descriptor with 8-byte sizes.
    expect(big.readUInt32LE(0)).toBe(0x08074b50);
    expect(big.readBigUInt64LE(8)).toBe(1000n);
    expect(big.readBigUInt64LE(16)).toBe(BigInt(5 * FOUR_GIB));
    // Central directory: version 4.5, the size in the zip64 extra field, the compressed size and offset as they are.
    const c = 24;
    expect(big.readUInt32LE(c)).toBe(0x02014b50);
    expect([big.readUInt16LE(c + 4), big.readUInt16LE(c + 6)]).toEqual([45, 45]);
    expect([big.readUInt32LE(c + 20), big.readUInt32LE(c + 24)]).toEqual([1000, 0xffffffff]);
    expect(big.readUInt16LE(c + 30)).toBe(12);
    expect([big.readUInt16LE(c + 46 + 5), big.readUInt16LE(c + 46 + 5 + 2)]).toEqual([0x0001, 8]);
    expect(big.readBigUInt64LE(c + 46 + 5 + 4)).toBe(BigInt(5 * FOUR_GIB));
    // The directory starts below 4 GiB: a plain end record.
    expect(big.readUInt32LE(big.length - 22)).toBe(0x06054b50);
    expect(big.readUInt32LE(big.length - 22 + 16)).toBe(30 + 5 + 1000 + 24);

    const far = zipTrailer('a.csv', 0, { crc: 7, size: 5 * FOUR_GIB, compressed: 2 * FOUR_GIB });
    const centralOffset = 30 + 5 + 2 * FOUR_GIB + 24;
    const end = far.length - 22;
    expect(far.readUInt32LE(end + 16)).toBe(0xffffffff);
    const locator = end - 20;
    expect(far.readUInt32LE(locator)).toBe(0x07064b50);
    const zip64End = locator - 56;
    expect(far.readUInt32LE(zip64End)).toBe(0x06064b50);
    expect(far.readBigUInt64LE(zip64End + 48)).toBe(BigInt(centralOffset));
    expect(far.readBigUInt64LE(locator + 8)).toBe(BigInt(centralOffset + (zip64End - 24)));
  });

  it('fail when generating the file fails', async () => {
    const world = makeWorld(5, 20);
    const file = buildExport(world, surveyAt(world, 0).id, defaultExportOptions({ timeZone: 'Mars/Olympus_Mons', asOf: 0 }));
    await expect(drain(file.open())).rejects.toThrow(RangeError);
    const failing = function* (): Generator<Buffer> {
      yield Buffer.from('first');
      throw new Error('generator broke');
    };
    await expect(drain(zipSingleEntry(failing(), 'x.csv', 0))).rejects.toThrow('generator broke');
  });

  it('stop generating when the reader goes away', async () => {
    const world = makeWorld(5, 30_000, 1);
    const id = surveyAt(world, 0).id;
    const stream = buildExport(world, id, defaultExportOptions({ asOf: world.clock.now() })).open() as NodeJS.ReadableStream & {
      destroy(): void;
    };
    // Read past the local header (into the deflated data), then stop.
    let read = 0;
    for await (const chunk of stream) {
      read += (chunk as Buffer).length;
      if (read > 1000) break;
    }
    await new Promise((r) => setTimeout(r, 50));
    const made = generatedCount(world, id);
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(30_000 / 2);
  });
});
