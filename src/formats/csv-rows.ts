/**
 * Streamed CSV/TSV rows with papaparse (arrays mode, backpressure through its Node duplex stream).
 */

import Papa from 'papaparse';

/** Row terminator of a delimited file. */
export type Newline = '\r\n' | '\n' | '\r';

/**
 * The row terminator of delimited text: the first line break outside double quotes, so a label or answer with a
 * bare LF inside quotes does not fool it (Qualtrics writes CRLF rows with LF inside quoted answers). Null when
 * `text` holds no line break outside quotes (or ends right after a CR, which may be half of a CRLF).
 */
export function detectNewline(text: string): Newline | null {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (!quoted && c === 10) return '\n';
    else if (!quoted && c === 13) {
      if (i + 1 >= text.length) return null;
      return text.charCodeAt(i + 1) === 10 ? '\r\n' : '\r';
    }
  }
  return null;
}

/** Up to this much text is read to find the row terminator before assuming `\n`. */
const NEWLINE_PEEK_CHARS = 8 * 1024 * 1024;

/** Reads chunks until the row terminator is known; returns it with the chunks read so far. */
async function peekNewline(iterator: AsyncIterator<string>): Promise<{ newline: Newline; peeked: string[]; done: boolean }> {
  const peeked: string[] = [];
  let text = '';
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { newline: detectNewline(`${text}\n`) ?? '\n', peeked, done: true };
    peeked.push(next.value);
    text += next.value;
    const found = detectNewline(text);
    if (found) return { newline: found, peeked, done: false };
    if (text.length > NEWLINE_PEEK_CHARS) return { newline: '\n', peeked, done: false };
  }
}

async function* replay(peeked: string[], iterator: AsyncIterator<string>, done: boolean): AsyncGenerator<string> {
  try {
    yield* peeked;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  } finally {
    // Stops the decoder and so the file or zip stream under it when parsing ends early.
    await iterator.return?.();
  }
}

/**
 * Parses decoded text into batches of rows (one batch per input chunk), streamed with papaparse's chunk parser:
 * the next chunk is read only when the consumer asks for the next batch, so memory holds one chunk and the
 * unfinished row after it. A blank line comes through as `['']` (in a one-column export it is an empty answer;
 * the caller decides); the newline at the end of the file makes no row. Returning early stops the input.
 */
export async function* parseDelimitedRows(text: AsyncIterable<string>, delimiter: ',' | '\t'): AsyncGenerator<string[][]> {
  const iterator = text[Symbol.asyncIterator]();
  const { newline, peeked, done } = await peekNewline(iterator);
  const parser = new Papa.Parser({ delimiter, newline, quoteChar: '"', escapeChar: '"', header: false });
  let partial = '';
  const take = (input: string, last: boolean): string[][] => {
    // With ignoreLastRow the unfinished last row is left out and the cursor stops where it starts.
    const result = parser.parse(input, 0, !last) as { data: string[][]; meta: { cursor: number } };
    partial = last ? '' : input.slice(result.meta.cursor);
    return result.data;
  };
  let input = '';
  for await (const chunk of replay(peeked, iterator, done)) {
    input += chunk;
    // A row longer than a chunk (a huge quoted answer) is re-parsed only when its text has doubled: linear time.
    if (partial.length > 0 && input.length < 2 * partial.length) continue;
    const rows = take(input, false);
    input = partial;
    if (rows.length) yield rows;
  }
  // The newline that ends the file ends the last row; parsed as is, papaparse would add an empty row after it.
  const rows = take(input.endsWith(newline) ? input.slice(0, -newline.length) : input, true);
  if (rows.length) yield rows;
}
