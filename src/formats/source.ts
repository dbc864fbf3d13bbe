/**
 * Where export bytes come from: a plain file, or the single data entry of a downloaded export zip (yauzl).
 * Each `open()` starts a fresh stream from disk, so nothing is held in memory between passes.
 */

import { createReadStream } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
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
  /** Uncompressed size in bytes. */
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

/** Entries of a zip that are not data: folders and macOS resource forks. */
function isDataEntry(entry: yauzl.Entry): boolean {
  return !entry.fileName.endsWith('/') && !entry.fileName.startsWith('__MACOSX/');
}

/** Opens the zip and returns its data entries; the caller closes the zip. */
async function listEntries(path: string): Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
  } catch (err) {
    throw new ExportFileError(path, `is not a readable zip archive (${(err as Error).message})`, { cause: err });
  }
  const entries: yauzl.Entry[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (isDataEntry(entry)) entries.push(entry);
        zip.readEntry();
      });
      zip.once('end', () => resolve());
      zip.once('error', reject);
      zip.readEntry();
    });
  } catch (err) {
    zip.close();
    throw new ExportFileError(path, `is a corrupt zip archive (${(err as Error).message})`, { cause: err });
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
      const { zip, entries } = await listEntries(path);
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
  const { zip, entries } = await listEntries(path);
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
