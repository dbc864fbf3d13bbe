/**
 * Where export bytes come from: a plain file, or the single data entry of a downloaded export zip (yauzl), each
 * `open()` a fresh stream from disk so that nothing is held in memory between passes; or one stream read once
 * (an entry inflated while it downloads), whose start is replayed for the pass after the header read.
 */

import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { ExportFileError } from './errors.ts';

/** A readable export: a plain file or one zip entry. */
export interface ExportSource {
  /** The path as given. */
  path: string;
  /** Name of the data entry inside the zip, or null for a plain file. */
  entryName: string | null;
  /** How errors name this source: the path, plus `!entry` for a zip member. */
  label: string;
  /** Uncompressed size in bytes; -1 while not known (a one-pass source still downloading). */
  size: number;
  /** A new byte stream of the data, from the start. */
  open(): Promise<Readable>;
}

const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];

function startsWith(head: Uint8Array, sig: number[]): boolean {
  return sig.every((b, i) => head[i] === b);
}

/** Reads up to `length` bytes from the start of a file. */
async function readHead(path: string, length: number): Promise<{ head: Buffer; size: number }> {
  let handle: Awaited<ReturnType<typeof openFile>>;
  try {
    handle = await openFile(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be opened (${code})`;
    throw new ExportFileError(path, problem, { cause: err });
  }
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(length, size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { head: buffer.subarray(0, bytesRead), size };
  } finally {
    await handle.close();
  }
}

/** Whether a zip entry name is data: not a folder nor a macOS resource fork (every reader of exports skips those). */
export function isDataEntryName(name: string): boolean {
  return !name.endsWith('/') && !name.startsWith('__MACOSX/');
}

/** How `listZipEntries` words its two failures (after the file's label). */
export interface ZipListingWords {
  /** The zip cannot be opened (no end of central directory…). */
  unreadable: string;
  /** The central directory cannot be read to its end. */
  corrupt: string;
}

const ARCHIVE_WORDS: ZipListingWords = { unreadable: 'is not a readable zip archive', corrupt: 'is a corrupt zip archive' };

/**
 * Opens the zip at `path` and returns its data entries from the central directory; the caller closes the zip.
 * Throws `ExportFileError` naming `label` with `words` and yauzl's reason.
 */
export async function listZipEntries(
  path: string,
  label = path,
  words: ZipListingWords = ARCHIVE_WORDS,
): Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (err) {
    throw new ExportFileError(label, `${words.unreadable} (${(err as Error).message})`, { cause: err });
  }
  const entries: yauzl.Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (isDataEntryName(entry.fileName)) entries.push(entry);
        zip.readEntry();
      });
      zip.once('end', () => resolve());
      zip.once('error', reject);
      zip.readEntry();
    });
  } catch (err) {
    zip.close();
    throw new ExportFileError(label, `${words.corrupt} (${(err as Error).message})`, { cause: err });
  }
  return { zip, entries };
}

function zipSource(path: string, entry: yauzl.Entry): ExportSource {
  const label = `${path}!${entry.fileName}`;
  return {
    path,
    entryName: entry.fileName,
    label,
    size: entry.uncompressedSize,
    async open() {
      const { zip, entries } = await listZipEntries(path);
      const again = entries.find((e) => e.fileName === entry.fileName);
      try {
        if (!again) throw new ExportFileError(label, 'entry disappeared from the zip archive');
        const stream = await zip.openReadStreamPromise(again);
        return stream;
      } catch (err) {
        if (err instanceof ExportFileError) throw err;
        throw new ExportFileError(label, `cannot be read from the zip archive (${(err as Error).message})`, { cause: err });
      } finally {
        // yauzl keeps the file open until the entry stream ends.
        zip.close();
      }
    },
  };
}

/**
 * Opens an export download: a zip holding exactly one data file (folders are ignored), or a plain file.
 * Throws {@link ExportFileError} naming the file for a missing or empty file, a corrupt or truncated zip, an
 * empty zip, or a zip with several data files.
 */
export async function openSource(path: string): Promise<{ source: ExportSource; head: Buffer }> {
  const { head, size } = await readHead(path, 64 * 1024);
  if (size === 0) throw new ExportFileError(path, 'is empty (0 bytes)');
  if (!startsWith(head, ZIP_LOCAL) && !startsWith(head, ZIP_EMPTY)) {
    if (/\.zip$/i.test(path)) throw new ExportFileError(path, 'is not a zip archive (no zip signature at the start)');
    const source: ExportSource = {
      path,
      entryName: null,
      label: path,
      size,
      open: async () => createReadStream(path, { highWaterMark: 64 * 1024 }),
    };
    return { source, head };
  }
  const { zip, entries } = await listZipEntries(path);
  zip.close();
  if (entries.length === 0) throw new ExportFileError(path, 'zip archive holds no data file');
  if (entries.length > 1) {
    const names = entries.slice(0, 5).map((e) => e.fileName);
    const more = entries.length > 5 ? ', …' : '';
    throw new ExportFileError(path, `zip archive holds ${entries.length} files (${names.join(', ')}${more}); expected one export file`);
  }
  const source = zipSource(path, entries[0]!);
  if (source.size === 0) throw new ExportFileError(source.label, 'is empty (0 bytes)');
  return { source, head: await readStreamHead(source, 64 * 1024) };
}

/** The first `length` bytes of a source (fewer if it is shorter), reading no further. */
async function readStreamHead(source: ExportSource, length: number): Promise<Buffer> {
  const stream = await source.open();
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= length) break;
    }
  } catch (err) {
    throw new ExportFileError(source.label, `cannot be read from the zip archive (${(err as Error).message})`, { cause: err });
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, length);
}

/** Most bytes of a one-pass source kept for the second pass: far more than any header read takes. */
const MAX_REPLAY_BYTES = 16 * 1024 * 1024;

/**
 * A source over one stream of bytes that can be read only once, such as a zip entry inflated while it downloads.
 * The parsers open a source twice, first for the header rows and then for the records: the bytes the first stream
 * took are kept (up to 16 MiB) and replayed by the second, which then goes on with `chunks`, so the data is read
 * once. A first stream that took more than that, or a third `open()`, throws `ExportFileError`. `chunks` is
 * ended (its `return()`) when the second stream ends or is destroyed; whoever made `chunks` stops it otherwise.
 */
export function onePassSource(info: { path: string; entryName: string | null; label: string }, chunks: AsyncIterator<Buffer>): ExportSource {
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let opens = 0;
  let firstClosed: Promise<unknown> = Promise.resolve();

  async function* first(): AsyncGenerator<Buffer> {
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      // Kept before it is handed on: a stream destroyed while it waited for this chunk still replays it.
      keptBytes += next.value.length;
      if (keptBytes <= MAX_REPLAY_BYTES) kept.push(next.value);
      yield next.value;
    }
  }
  async function* second(): AsyncGenerator<Buffer> {
    try {
      // A destroyed stream closes once its generator stopped, after the chunk it was waiting for was kept.
      await firstClosed;
      if (keptBytes > MAX_REPLAY_BYTES) throw new ExportFileError(info.label, 'is read once and its first pass went too far to be replayed');
      while (kept.length > 0) yield kept.shift()!;
      for (;;) {
        const next = await chunks.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await chunks.return?.();
    }
  }
  return {
    ...info,
    size: -1,
    async open() {
      opens++;
      if (opens === 1) {
        const stream = Readable.from(first(), { objectMode: false });
        firstClosed = new Promise((resolve) => stream.once('close', resolve));
        return stream;
      }
      if (opens === 2) return Readable.from(second(), { objectMode: false });
      throw new ExportFileError(info.label, 'is read once: its records can be read in one pass only');
    },
  };
}
