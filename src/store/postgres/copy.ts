/**
 * `COPY … FROM STDIN` in text format: escaping of values and a writer that streams rows to the server with
 * backpressure. Values only ever travel as COPY data, never as SQL text.
 */
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/** The NULL marker of COPY's text format. */
export const COPY_NULL = '\\N';

/** Characters COPY's text format gives a meaning to (and NUL, which PostgreSQL text cannot hold). */
const SPECIAL = /[\\\t\n\r\0]/;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Thrown by `copyEscape` for text holding U+0000, which no PostgreSQL text value can store. */
export class NulCharacterError extends Error {
  override name = 'NulCharacterError';
}

/**
 * Text as one COPY field: backslash, tab, newline and carriage return escaped (so a `\.` line is data, not the end
 * marker). Throws `NulCharacterError` for text containing U+0000.
 */
export function copyEscape(text: string): string {
  if (!SPECIAL.test(text)) return text;
  if (text.includes('\0')) throw new NulCharacterError('text contains a NUL character (U+0000)');
  return text.replace(/[\\\t\n\r]/g, (c) => ESCAPED[c]!);
}

/**
 * JSON text (from `JSON.stringify`) as one COPY field. JSON text never holds a raw tab, newline, carriage return or
 * NUL (they are written as escapes), so only backslashes need doubling.
 */
export function copyEscapeJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/**
 * Runs `copySql` (a `COPY … FROM STDIN`) with the data `chunks` yields, each a run of whole lines. Chunks are pulled
 * as the socket drains, so the producer encodes while earlier chunks travel. When the producer throws, the COPY is
 * cancelled (CopyFail: the server discards it) and the producer's error is rethrown. Resolves with rows copied.
 */
export async function copyText(db: pg.ClientBase, copySql: string, chunks: Iterable<string | Buffer>): Promise<number> {
  const stream = db.query(copyStreams.from(copySql, { highWaterMark: COPY_BUFFER_BYTES }));
  await pipeline(chunks, stream);
  return stream.rowCount;
}

/** Bytes the COPY stream buffers before asking the producer to wait. */
const COPY_BUFFER_BYTES = 1 << 20;

/** Rows are sent in chunks of about this many rows. */
const CHUNK_ROWS = 256;

/**
 * Runs `copySql` (a `COPY … FROM STDIN`) with one line per item (`line` returns it, ending in `\n`). Items are
 * encoded while earlier chunks travel, so JavaScript and the server work at the same time. When `line` throws,
 * the COPY is cancelled (CopyFail: the server discards it) and the error is rethrown. Resolves with rows copied.
 */
export async function copyRows<T>(
  db: pg.ClientBase,
  copySql: string,
  items: Iterable<T>,
  line: (item: T) => string,
): Promise<number> {
  const stream = db.query(copyStreams.from(copySql));
  function* chunks(): Generator<string> {
    let lines: string[] = [];
    for (const item of items) {
      lines.push(line(item));
      if (lines.length >= CHUNK_ROWS) {
        yield lines.join('');
        lines = [];
      }
    }
    if (lines.length > 0) yield lines.join('');
  }
  await pipeline(chunks(), stream);
  return stream.rowCount;
}
