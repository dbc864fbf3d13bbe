/**
 * Text as the staging encoder writes it: the checks that let most text be copied as it is into both its JSON string
 * and its COPY field, and the metadata columns with their JSON array for the row hash.
 */
import { StoreError } from '../errors.ts';
import { META_COLUMNS } from '../internal/row-codec.ts';
import type { ResponseMeta } from '../types.ts';
import type { Bytes } from './bytes.ts';
import { copyEscape } from './copy.ts';
import { copyCell } from './encode.ts';

const TAB = 0x09;
const QUOTE = 0x22;
const COMMA = 0x2c;

/** Quote, backslash and control characters: text holding none is its own COPY field and, in quotes, its own JSON. */
const QUOTED_SPECIAL = /["\\\u0000-\u001f]/;
const SURROGATE = /[\ud800-\udfff]/;
/** A surrogate that is not half of a pair: `JSON.stringify` writes it as an escape. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `JSON.stringify(text)` is `text` in quotes and `copyEscape(text)` is `text`. */
export function writtenAsIs(text: string): boolean {
  return !QUOTED_SPECIAL.test(text) && !(SURROGATE.test(text) && LONE_SURROGATE.test(text));
}

/**
 * Appends `text` to `quoted` in quotes (its JSON string) and to `field` as is (its COPY field) when both are the
 * text itself (`writtenAsIs`); returns false, with nothing appended, otherwise.
 */
export function writeText(quoted: Bytes, text: string, field: Bytes): boolean {
  const start = quoted.pos;
  if (quoted.quotedPlain(text)) {
    field.slice(quoted.buf, start + 1, quoted.pos - 1);
    return true;
  }
  if (!writtenAsIs(text)) return false;
  quoted.byte(QUOTE);
  quoted.text(text);
  const end = quoted.pos;
  quoted.byte(QUOTE);
  field.slice(quoted.buf, start + 1, end);
  return true;
}

/**
 * Appends the metadata's COPY cells to `out`, each after a tab (`META_COLUMNS` order), and writes into `metaJson`
 * (emptied first)
 * the JSON array `rowHash` hashes (`JSON.stringify(encodeMeta(meta))`: booleans as 1/0, absent as null). Throws
 * `StoreError` (`invalid-input`), as `encodeMeta` does, for a field that is not text, a finite number, a boolean or
 * null.
 */
export function writeMeta(meta: ResponseMeta | undefined, responseId: string, out: Bytes, metaJson: Bytes): void {
  metaJson.pos = 0;
  metaJson.byte(0x5b);
  for (let i = 0; i < META_COLUMNS.length; i++) {
    const { field, type } = META_COLUMNS[i]!;
    const v: unknown = meta?.[field];
    if (i > 0) metaJson.byte(COMMA);
    if (v === undefined || v === null) {
      metaJson.ascii('null');
      out.ascii('\t\\N');
      continue;
    }
    out.byte(TAB);
    if (typeof v === 'boolean') {
      metaJson.byte(v ? 0x31 : 0x30);
      out.ascii(copyCell(type, v));
    } else if (typeof v === 'number' && Number.isFinite(v)) {
      const start = metaJson.pos;
      metaJson.ascii(String(v));
      out.slice(metaJson.buf, start, metaJson.pos);
    } else if (typeof v === 'string') {
      if (!writeText(metaJson, v, out)) {
        metaJson.text(JSON.stringify(v));
        out.text(copyEscape(v));
      }
    } else throw new StoreError('invalid-input', `response ${responseId}: meta.${field} is not text, a number or a boolean`);
  }
  metaJson.byte(0x5d);
}
