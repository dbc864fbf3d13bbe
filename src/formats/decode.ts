/**
 * Streamed text decoding of export bytes: UTF-8 with or without BOM, UTF-16LE/BE with BOM.
 *
 * Qualtrics TSV exports are UTF-16 and some start *every line* with a BOM (drsimonj/qualtricsr raven.tsv), so a
 * U+FEFF at the start of any line is dropped too, not only at the start of the file.
 */

import { TextDecoder } from 'node:util';

/** Text encoding of an export, as told by its byte-order mark. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** The encoding and BOM length announced by the first bytes (UTF-8 when there is no BOM). */
export function detectEncoding(head: Uint8Array): { encoding: TextEncodingName; bomLength: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return { encoding: 'utf-8', bomLength: 0 };
}

/** Drops U+FEFF at the start of every line; `atLineStart` tells whether the previous chunk ended a line. */
function stripLineBoms(text: string, atLineStart: boolean): string {
  let out = atLineStart && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (out.includes('\n\uFEFF')) out = out.replaceAll('\n\uFEFF', '\n');
  return out;
}

/**
 * Decodes a byte stream to text chunks, one per input chunk, holding back only the bytes of a character split
 * across chunks (TextDecoder `stream: true`). Never reads the whole input.
 */
export async function* decodeText(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let pending: Uint8Array = new Uint8Array(0);
  let atLineStart = true;
  const emit = (text: string): string => {
    const out = stripLineBoms(text, atLineStart);
    if (text.length > 0) atLineStart = text.endsWith('\n');
    return out;
  };
  for await (const chunk of chunks) {
    if (!decoder) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      if (pending.length < 3) continue;
      const { encoding, bomLength } = detectEncoding(pending);
      decoder = new TextDecoder(encoding, { ignoreBOM: true });
      const text = emit(decoder.decode(pending.subarray(bomLength), { stream: true }));
      pending = new Uint8Array(0);
      if (text) yield text;
      continue;
    }
    const text = emit(decoder.decode(chunk, { stream: true }));
    if (text) yield text;
  }
  if (!decoder) {
    const { encoding, bomLength } = detectEncoding(pending);
    decoder = new TextDecoder(encoding, { ignoreBOM: true });
    pending = pending.subarray(bomLength);
  }
  const rest = emit(decoder.decode(pending));
  if (rest) yield rest;
}
