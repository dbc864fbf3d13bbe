import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APIUserAbortError } from '../../src/client/index.ts';
import { type FollowedEntry, followZipEntry } from '../../src/export/internal/follow-zip.ts';
import { FollowerClosedError, GrowingFile } from '../../src/export/internal/growing-file.ts';
import { checkDescriptor, readLocalHeader } from '../../src/export/internal/zip-layout.ts';
import { ExportFileError } from '../../src/formats/index.ts';
import { csvLike, FakeDownload, javaZip } from './java-zip.ts';

const REAL = 'test/fixtures/real/ropensci__qualtRics/tests__fixtures__extract_colmap.yml.r12_GET_200.zip';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qsync-follow-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A download of attempt 1 into the test directory. */
async function download(file = new GrowingFile(), name = 'download-1.part'): Promise<FakeDownload> {
  const d = new FakeDownload(file, join(dir, name));
  await d.start();
  return d;
}

/** Reads every chunk; resolves with the bytes or rejects with what the reader threw (and the bytes before it). */
async function drain(entry: FollowedEntry): Promise<{ bytes: Buffer; error?: unknown }> {
  const parts: Buffer[] = [];
  try {
    for await (const chunk of entry.chunks) parts.push(chunk);
    return { bytes: Buffer.concat(parts) };
  } catch (error) {
    return { bytes: Buffer.concat(parts), error };
  }
}

describe('following a zip as it downloads', () => {
  it('inflates a real Qualtrics download written in small pieces to its exact member, verified', async () => {
    const zip = await readFile(REAL);
    const member = await readFile(`${REAL}__Cats Can Have a Little Salami.csv`);
    const d = await download();
    const writing = d.writeAll(zip, 7).then(() => d.file.complete());
    const entry = await followZipEntry(d.file);
    expect(entry?.entry).toMatchObject({ name: 'Cats Can Have a Little Salami.csv', sizesInDescriptor: true });
    const { bytes, error } = await drain(entry!);
    await writing;
    expect(error).toBeUndefined();
    expect(bytes.equals(member)).toBe(true);
    expect(entry!.verified).toBe(true);
  });

  it('hands on data before the download ends, and ends only after it completed', async () => {
    const content = csvLike(40_000);
    const zip = javaZip('S.csv', content).bytes;
    const d = await download();
    await d.write(zip.subarray(0, zip.length >> 1));
    const entry = (await followZipEntry(d.file))!;
    // Half the file is on disk and nothing more will come until the reader has produced data.
    const first = await entry.chunks.next();
    expect(first.done).toBe(false);
    expect(d.written).toBe(zip.length >> 1);
    const parts = [first.value as Buffer];
    const rest = (async () => {
      for await (const chunk of entry.chunks) parts.push(chunk);
    })();
    let ended = false;
    void rest.then(() => {
      ended = true;
    });
    await d.writeAll(zip.subarray(zip.length >> 1), 64 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Every byte is on disk, but the download has not said it completed: the reader waits.
    expect(ended).toBe(false);
    d.file.complete();
    await rest;
    expect(Buffer.concat(parts).equals(content)).toBe(true);
    expect(entry.verified).toBe(true);
  });

  it('reads on from the same offset when the download starts again after a cut', async () => {
    const content = csvLike(20_000);
    const zip = javaZip('S.csv', content).bytes;
    const file = new GrowingFile();
    const first = await download(file, 'download-1.part');
    await first.write(zip.subarray(0, Math.floor(zip.length * 0.6)));
    const entry = (await followZipEntry(file))!;
    const reading = drain(entry);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await download(file, 'download-2.part');
    await second.writeAll(zip, 32 * 1024);
    file.complete();
    const { bytes, error } = await reading;
    expect(error).toBeUndefined();
    expect(bytes.equals(content)).toBe(true);
    expect(entry.verified).toBe(true);
  });

  it('throws the download error when the download fails midway, after what it had', async () => {
    const content = csvLike(20_000);
    const zip = javaZip('S.csv', content).bytes;
    const d = await download();
    await d.write(zip.subarray(0, zip.length >> 1));
    const entry = (await followZipEntry(d.file))!;
    const reading = drain(entry);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const cut = new Error('download broke after 1234 bytes');
    d.file.fail(cut);
    const { bytes, error } = await reading;
    expect(error).toBe(cut);
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.length).toBeLessThan(content.length);
    expect(entry.verified).toBe(false);
  });

  it('calls a download that completed inside the compressed data a truncated zip', async () => {
    const zip = javaZip('S.csv', csvLike(5000)).bytes;
    const d = await download();
    await d.write(zip.subarray(0, zip.length >> 1));
    d.file.complete();
    const { error } = await drain((await followZipEntry(d.file))!);
    expect(error).toBeInstanceOf(ExportFileError);
    expect((error as Error).message).toMatch(/download-1\.part!S\.csv: ends inside the compressed data of its entry \(truncated zip\)/);
  });

  it('throws after the last byte when the CRC-32 does not match the data descriptor', async () => {
    const content = csvLike(5000);
    const built = javaZip('S.csv', content);
    const zip = Buffer.from(built.bytes);
    zip[built.descriptorAt + 4]! ^= 0xff;
    const d = await download();
    await d.writeAll(zip, 16 * 1024);
    d.file.complete();
    const entry = (await followZipEntry(d.file))!;
    const { bytes, error } = await drain(entry);
    expect(bytes.equals(content)).toBe(true);
    expect((error as Error).message).toMatch(/CRC-32 or size does not match the data descriptor/);
    expect(entry.verified).toBe(false);
  });

  it('checks the central directory too', async () => {
    const built = javaZip('S.csv', csvLike(100));
    const zip = Buffer.from(built.bytes);
    zip[built.centralAt + 24]! ^= 0x01; // uncompressed size
    const d = await download();
    await d.write(zip);
    d.file.complete();
    const { error } = await drain((await followZipEntry(d.file))!);
    expect((error as Error).message).toMatch(/CRC-32 or size does not match the zip directory/);
  });

  it('reads a data descriptor with zip64 (8-byte) sizes', async () => {
    const content = csvLike(300);
    const d = await download();
    await d.write(javaZip('S.csv', content, { zip64Descriptor: true }).bytes);
    d.file.complete();
    const entry = (await followZipEntry(d.file))!;
    const { bytes, error } = await drain(entry);
    expect(error).toBeUndefined();
    expect(bytes.equals(content)).toBe(true);
    expect(entry.verified).toBe(true);
  });

  it('stops a reader waiting for bytes when the download is aborted or the reader closed', async () => {
    const zip = javaZip('S.csv', csvLike(20_000)).bytes;
    const aborted = await download(new GrowingFile(), 'a.part');
    await aborted.write(zip.subarray(0, 4096));
    const a = (await followZipEntry(aborted.file))!;
    const readingA = drain(a);
    await new Promise((resolve) => setTimeout(resolve, 20));
    aborted.file.fail(new APIUserAbortError('download aborted by the caller'));
    expect((await readingA).error).toBeInstanceOf(APIUserAbortError);

    const closed = await download(new GrowingFile(), 'b.part');
    await closed.write(zip.subarray(0, 4096));
    const b = (await followZipEntry(closed.file))!;
    const readingB = drain(b);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await b.close();
    expect((await readingB).error).toBeInstanceOf(FollowerClosedError);
  });

  it('declines what it cannot follow: a stored entry, a plain file, a folder first', async () => {
    const stored = Buffer.from(javaZip('S.csv', Buffer.from('a\n')).bytes);
    stored.writeUInt16LE(0, 8);
    expect(readLocalHeader(stored)).toEqual({ unusual: 'compression method 0' });
    const folder = javaZip('dir/', Buffer.alloc(0)).bytes;
    expect(readLocalHeader(folder)).toEqual({ unusual: 'first entry "dir/" is not a data file' });
    expect(readLocalHeader(Buffer.alloc(10))).toEqual({ need: 30 });
    const d = await download();
    await d.write(Buffer.from('StartDate,ResponseId\n2024-01-01,R_1\n'));
    d.file.complete();
    expect(await followZipEntry(d.file)).toBeNull();
  });
});

describe('checkDescriptor', () => {
  const tally = { crc: 0xcafebabe, size: 5 * 2 ** 32 + 17, compressed: 2 ** 32 + 3 };
  const zip64 = Buffer.alloc(24);
  zip64.writeUInt32LE(0x08074b50, 0);
  zip64.writeUInt32LE(tally.crc, 4);
  zip64.writeBigUInt64LE(BigInt(tally.compressed), 8);
  zip64.writeBigUInt64LE(BigInt(tally.size), 16);

  it('accepts zip64 sizes past 4 GiB, with or without the signature', () => {
    expect(checkDescriptor(zip64, tally)).toBeNull();
    expect(checkDescriptor(Buffer.concat([zip64.subarray(4), Buffer.alloc(4)]), tally)).toBeNull();
  });

  it('refuses sizes that wrapped at 4 GiB and a short descriptor', () => {
    const wrapped = Buffer.alloc(16);
    wrapped.writeUInt32LE(0x08074b50, 0);
    wrapped.writeUInt32LE(tally.crc, 4);
    wrapped.writeUInt32LE(tally.compressed % 2 ** 32, 8);
    wrapped.writeUInt32LE(tally.size % 2 ** 32, 12);
    expect(checkDescriptor(wrapped, tally)).toMatch(/does not match the data descriptor/);
    expect(checkDescriptor(Buffer.alloc(6), tally)).toMatch(/truncated zip/);
  });

  it('matches what zlib measured on a small entry', () => {
    const data = Buffer.from('x'.repeat(1000));
    const built = javaZip('S.csv', data);
    const compressed = deflateRawSync(data, { level: 1 }).length;
    const descriptor = built.bytes.subarray(built.descriptorAt, built.centralAt);
    expect(checkDescriptor(descriptor, { crc: descriptor.readUInt32LE(4), size: 1000, compressed })).toBeNull();
  });
});
