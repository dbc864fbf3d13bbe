import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { APIUserAbortError } from '../client/index.ts';
import { asExportFileError, openSource } from '../formats/index.ts';
import type { ExportRunOptions } from './types.ts';

/** A temporary name beside `path` (same directory, so the final rename is atomic), hidden and marked `.part`. */
export function partPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.part`);
}

/** What `extractExport` wrote. */
export interface ExtractedFile {
  path: string;
  /** Uncompressed bytes written. */
  bytes: number;
  /** Newline bytes seen (a row count for ndjson). */
  newlines: number;
}

/**
 * Streams the single data entry of the export zip at `zipPath` into `dest` (via a `.part` file beside it, renamed
 * when complete, so `dest` never holds a partial file). Constant memory. Throws `ExportFileError` for a corrupt
 * zip, `APIUserAbortError` on abort; the `.part` file is removed on any failure.
 */
export async function extractExport(
  zipPath: string,
  dest: string,
  options: Pick<ExportRunOptions, 'signal' | 'onProgress'> = {},
): Promise<ExtractedFile> {
  const { source } = await openSource(zipPath);
  const part = partPathFor(dest);
  let bytes = 0;
  let newlines = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
      options.onProgress?.({ phase: 'unzipping', bytes });
      done(null, chunk);
    },
  });
  try {
    const input = await source.open();
    await pipeline(input, counter, createWriteStream(part, { flags: 'wx' }), options.signal ? { signal: options.signal } : {});
    await rename(part, dest);
  } catch (err) {
    await unlink(part).catch(() => undefined);
    if (options.signal?.aborted) throw new APIUserAbortError('unzipping the export aborted by the caller; the partial file was removed');
    throw asExportFileError(source.label, err, 'cannot be unzipped');
  }
  return { path: dest, bytes, newlines };
}
