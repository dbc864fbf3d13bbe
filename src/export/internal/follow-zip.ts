import type { Writable } from 'node:stream';
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { ExportFileError } from '../../formats/index.ts';
import { FileFollower, FollowerClosedError, type GrowingFile } from './growing-file.ts';
import {
  checkCentralDirectory,
  checkDescriptor,
  checkHeaderSizes,
  type EntryTally,
  type LocalEntry,
  MAX_DESCRIPTOR_BYTES,
  readLocalHeader,
} from './zip-layout.ts';

/** Compressed bytes read from the file and handed to zlib at a time. */
const READ_BYTES = 256 * 1024;
/** Inflated bytes per chunk handed on. */
const OUTPUT_BYTES = 64 * 1024;

/** The data entry of a zip being downloaded, inflated as it arrives. */
export interface FollowedEntry {
  entry: LocalEntry;
  /** How errors name it: `<file>!<entry>`. */
  label: string;
  /**
   * The inflated bytes, each once, in order (one pass). Ends only after the download completed and the entry's
   * CRC-32 and sizes, computed on the way, matched its data descriptor and the zip's central directory. Throws the
   * download's own error when the download failed, `ExportFileError` for a corrupt or truncated zip.
   */
  chunks: AsyncGenerator<Buffer>;
  /** True once `chunks` ended with the entry verified. */
  readonly verified: boolean;
  /** What `chunks` threw, when it did (the parsers reading it may wrap it). */
  readonly failure: unknown;
  /** Stops reading at once (a waiting read wakes), releasing zlib and the file handle. Idempotent. */
  close(): Promise<void>;
}

/**
 * Waits for the local header of the zip that `file` is receiving and returns its first entry to read as it
 * arrives. Null when the download is not a zip whose first entry can be followed (see `readLocalHeader`): read it
 * whole once downloaded. Throws the download's error when it fails before the header is in.
 */
export async function followZipEntry(file: GrowingFile): Promise<FollowedEntry | null> {
  const follower = new FileFollower(file);
  let entry: LocalEntry;
  try {
    let head = await follower.readFully(0, 64);
    let check = readLocalHeader(head);
    if ('need' in check && head.length >= 64) {
      head = await follower.readFully(0, check.need);
      check = readLocalHeader(head);
    }
    if (!('entry' in check)) {
      await follower.close();
      return null;
    }
    entry = check.entry;
  } catch (err) {
    await follower.close();
    throw err;
  }
  const label = `${file.path}!${entry.name}`;
  let verified = false;
  let failure: unknown;
  let closed = false;
  let inflate: InflateRaw | undefined;
  const close = async () => {
    closed = true;
    // Also when `chunks` is left suspended and never resumed: zlib's memory is released now, not at collection.
    inflate?.destroy();
    await follower.close();
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      inflate = createInflateRaw({ chunkSize: OUTPUT_BYTES });
      const tally = yield* inflateEntry(inflate, follower, entry, label, () => closed);
      const problem = entry.sizesInDescriptor
        ? checkDescriptor(await follower.readFully(entry.dataOffset + tally.compressed, MAX_DESCRIPTOR_BYTES), tally)
        : checkHeaderSizes(entry, tally);
      if (problem) throw new ExportFileError(label, problem);
      await follower.waitForEnd();
      // The file of the attempt that completed: earlier attempts' bytes were read only up to where it took over.
      await checkCentralDirectory(file.path ?? '', label, entry, tally);
      verified = true;
    } catch (err) {
      failure = err;
      throw err;
    } finally {
      await close();
    }
  }
  return {
    entry,
    label,
    chunks: chunks(),
    get verified() {
      return verified;
    },
    get failure() {
      return failure;
    },
    close,
  };
}

/** Inflates the entry's deflate stream from the growing file; returns what it measured. */
async function* inflateEntry(
  inflate: InflateRaw,
  follower: FileFollower,
  entry: LocalEntry,
  label: string,
  isClosed: () => boolean,
): AsyncGenerator<Buffer, EntryTally> {
  // Failures are taken from the iteration below; an 'error' event without a listener would crash the process.
  inflate.on('error', () => undefined);
  let fed = 0;
  let feedError: unknown;
  // One piece in flight: zlib holds back its write callback while its output waits to be read, so the file is read
  // no faster than the records are parsed, and it is known after each piece whether the deflate stream ended in it
  // (zlib then took fewer bytes than it was given).
  const feed = async () => {
    for (let at = entry.dataOffset; ; ) {
      const piece = await follower.read(at, READ_BYTES);
      if (isClosed()) return;
      if (piece.length === 0) throw new ExportFileError(label, 'ends inside the compressed data of its entry (truncated zip)');
      // A write fails only when zlib failed (corrupt data) or was stopped: the iteration below reports that.
      if (!(await write(inflate, piece))) return;
      at += piece.length;
      fed += piece.length;
      if (inflate.bytesWritten < fed || inflate.readableEnded) return;
    }
  };
  const feeding = feed().catch((err: unknown) => {
    feedError = err;
    inflate.destroy(err instanceof Error ? err : new Error(String(err)));
  });
  let crc = 0;
  let size = 0;
  try {
    for await (const chunk of inflate) {
      crc = crc32(chunk as Buffer, crc);
      size += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  } catch (err) {
    if (feedError !== undefined) throw feedError;
    // Stopped by `close()` (zlib destroyed under the iteration): not a fault of the file.
    if (isClosed()) throw new FollowerClosedError('the reader of the download was closed');
    throw new ExportFileError(label, `is corrupt (${(err as Error).message})`, { cause: err });
  } finally {
    inflate.destroy();
  }
  await feeding;
  if (feedError !== undefined) throw feedError;
  if (isClosed()) throw new FollowerClosedError('the reader of the download was closed');
  return { crc: crc >>> 0, size, compressed: inflate.bytesWritten };
}

/** Writes `chunk` and resolves once the stream took it: true, or false when the stream failed. */
function write(stream: Writable, chunk: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    stream.write(chunk, (err) => resolve(!err));
  });
}
