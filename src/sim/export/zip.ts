import { once } from 'node:events';
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { crc32, createDeflateRaw } from 'node:zlib';
import { CHUNK_BYTES } from './encode.ts';

/**
 * The zip of an export: one deflated entry, laid out like the real Qualtrics downloads in test/fixtures/real
 * (written by java.util.zip.ZipOutputStream): version 2.0, flags 0x0808 (sizes in a data descriptor after the
 * data, UTF-8 name), no extra fields, a signed data descriptor, MS-DOS attributes. Sizes of 4 GiB or more get the
 * zip64 records ZipOutputStream writes (8-byte data descriptor sizes, a zip64 extra field in the central directory,
 * the zip64 end records). The whole file streams: nothing but the running CRC and sizes is kept.
 */

/** Deflate level of export zips: level 1 is several times faster than zlib's default 6 for ~25% more bytes. */
export const ZIP_LEVEL = 1;

const LOCAL_SIG = 0x04034b50;
const DESCRIPTOR_SIG = 0x08074b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const ZIP64_END_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const FLAGS = 0x0808;
const DEFLATE = 8;
const VERSION = 20;
const VERSION_ZIP64 = 45;
const MAX32 = 0xffffffff;
/** What ZipOutputStream writes for a time before 1980, the first instant MS-DOS dates can hold. */
const DOS_1980 = (1 << 21) | (1 << 16);
/** Bytes of each piece of deflated output. */
const OUTPUT_BYTES = 64 * 1024;
/** Bytes written to the deflate stream and not yet deflated, at most (two chunks). */
const BUFFERED = 2 * CHUNK_BYTES;

/** MS-DOS date (high 16 bits) and time (low 16 bits) of epoch ms `ms`, read as UTC (the servers' zone). */
export function dosDateTime(ms: number): number {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  if (!(year >= 1980)) return DOS_1980;
  if (year > 2107) return dosDateTime(Date.UTC(2107, 11, 31, 23, 59, 58));
  const date = ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1);
  return ((date << 16) | time) >>> 0;
}

/** What the data descriptor and central directory need once the data has been written. */
export interface ZipTally {
  /** CRC-32 of the uncompressed bytes. */
  crc: number;
  /** Uncompressed bytes. */
  size: number;
  /** Deflated bytes. */
  compressed: number;
}

function localHeader(name: Buffer, dosTime: number): Buffer {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(LOCAL_SIG, 0);
  b.writeUInt16LE(VERSION, 4);
  b.writeUInt16LE(FLAGS, 6);
  b.writeUInt16LE(DEFLATE, 8);
  b.writeUInt32LE(dosTime, 10);
  // CRC and sizes (offsets 14–25) stay 0: they follow the data, in the descriptor.
  b.writeUInt16LE(name.length, 26);
  return Buffer.concat([b, name]);
}

function dataDescriptor(t: ZipTally): Buffer {
  const zip64 = t.size >= MAX32 || t.compressed >= MAX32;
  const b = Buffer.alloc(zip64 ? 24 : 16);
  b.writeUInt32LE(DESCRIPTOR_SIG, 0);
  b.writeUInt32LE(t.crc, 4);
  if (zip64) {
    b.writeBigUInt64LE(BigInt(t.compressed), 8);
    b.writeBigUInt64LE(BigInt(t.size), 16);
  } else {
    b.writeUInt32LE(t.compressed, 8);
    b.writeUInt32LE(t.size, 12);
  }
  return b;
}

/** Central directory (one entry) and end records, for an entry whose local header is at offset 0. */
function directory(name: Buffer, dosTime: number, t: ZipTally, centralOffset: number): Buffer {
  const big = [t.size >= MAX32, t.compressed >= MAX32];
  const extra = Buffer.alloc(big.filter(Boolean).length * 8 + (big.some(Boolean) ? 4 : 0));
  if (extra.length > 0) {
    extra.writeUInt16LE(0x0001, 0);
    extra.writeUInt16LE(extra.length - 4, 2);
    let at = 4;
    if (big[0]) at = extra.writeBigUInt64LE(BigInt(t.size), at);
    if (big[1]) extra.writeBigUInt64LE(BigInt(t.compressed), at);
  }
  const version = extra.length > 0 ? VERSION_ZIP64 : VERSION;
  const c = Buffer.alloc(46);
  c.writeUInt32LE(CENTRAL_SIG, 0);
  c.writeUInt16LE(version, 4);
  c.writeUInt16LE(version, 6);
  c.writeUInt16LE(FLAGS, 8);
  c.writeUInt16LE(DEFLATE, 10);
  c.writeUInt32LE(dosTime, 12);
  c.writeUInt32LE(t.crc, 16);
  c.writeUInt32LE(big[1] ? MAX32 : t.compressed, 20);
  c.writeUInt32LE(big[0] ? MAX32 : t.size, 24);
  c.writeUInt16LE(name.length, 28);
  c.writeUInt16LE(extra.length, 30);
  // Comment length, disk, internal and external attributes, and the local header's offset (0) stay 0.
  const central = Buffer.concat([c, name, extra]);
  const parts: Buffer[] = [central];
  const zip64End = centralOffset >= MAX32;
  if (zip64End) parts.push(zip64EndRecords(central.length, centralOffset));
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_SIG, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length, 12);
  end.writeUInt32LE(zip64End ? MAX32 : centralOffset, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

function zip64EndRecords(centralSize: number, centralOffset: number): Buffer {
  const b = Buffer.alloc(56 + 20);
  b.writeUInt32LE(ZIP64_END_SIG, 0);
  b.writeBigUInt64LE(44n, 4);
  b.writeUInt16LE(VERSION_ZIP64, 12);
  b.writeUInt16LE(VERSION_ZIP64, 14);
  b.writeBigUInt64LE(1n, 24);
  b.writeBigUInt64LE(1n, 32);
  b.writeBigUInt64LE(BigInt(centralSize), 40);
  b.writeBigUInt64LE(BigInt(centralOffset), 48);
  b.writeUInt32LE(ZIP64_LOCATOR_SIG, 56);
  b.writeBigUInt64LE(BigInt(centralOffset + centralSize), 64);
  b.writeUInt32LE(1, 72);
  return b;
}

/**
 * What follows an entry's deflated data in the zip: the data descriptor, the central directory and the end
 * records, for a single entry whose local header is at offset 0 (zip64 records when a size reaches 4 GiB).
 */
export function zipTrailer(entryName: string, mtimeMs: number, tally: ZipTally): Buffer {
  const name = Buffer.from(entryName, 'utf8');
  const descriptor = dataDescriptor(tally);
  const centralOffset = 30 + name.length + tally.compressed + descriptor.length;
  return Buffer.concat([descriptor, directory(name, dosDateTime(mtimeMs), tally, centralOffset)]);
}

async function* zipPieces(source: Iterable<Buffer>, entryName: string, mtimeMs: number, level: number): AsyncGenerator<Buffer> {
  const name = Buffer.from(entryName, 'utf8');
  const dosTime = dosDateTime(mtimeMs);
  const tally: ZipTally = { crc: 0, size: 0, compressed: 0 };
  // memLevel 9 (zlib's most memory, 256 KiB of hash chains) deflates a few per cent faster than the default 8.
  // Output in 64 KiB pieces: a larger output buffer, shared by the pieces of several chunks, outlived young-
  // generation collections and held its memory until a full one.
  const deflate = createDeflateRaw({ level, memLevel: 9, chunkSize: OUTPUT_BYTES });
  const ready: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => ready.push(chunk));
  const ended = once(deflate, 'end');
  ended.catch(() => undefined);
  const handOn = function* (): Generator<Buffer> {
    for (const chunk of ready.splice(0, ready.length)) {
      tally.compressed += chunk.length;
      yield chunk;
    }
  };
  try {
    const header = localHeader(name, dosTime);
    yield header;
    // Fed by hand rather than piped: a pipe generates (synchronously) the chunk it reads next before it writes the
    // one it has, so generating and deflating took turns. Here each chunk is written first, then the event loop
    // turns once (zlib's callback for the previous chunk runs: its output is ready, this chunk starts on zlib's
    // thread), then the next chunk is generated while this one is deflated.
    for (const chunk of source) {
      tally.crc = crc32(chunk, tally.crc);
      tally.size += chunk.length;
      deflate.write(chunk);
      await nextTurn();
      if (deflate.errored) throw deflate.errored;
      while (deflate.writableLength > BUFFERED) await once(deflate, 'drain');
      yield* handOn();
    }
    deflate.end();
    await ended;
    yield* handOn();
    yield zipTrailer(entryName, mtimeMs, tally);
  } finally {
    // Done, or the reader went away, or generating failed: release zlib's memory either way.
    deflate.destroy();
  }
}

/**
 * Streams `source` (the file's bytes, pulled as the zip is read) as a zip holding one entry `entryName` dated
 * `mtimeMs` (epoch ms; the same inputs give the same bytes), deflated at `level` (default `ZIP_LEVEL`).
 * An error thrown by `source` fails the stream.
 */
export function zipSingleEntry(source: Iterable<Buffer>, entryName: string, mtimeMs: number, level = ZIP_LEVEL): Readable {
  return Readable.from(zipPieces(source, entryName, mtimeMs, level), { objectMode: false });
}
