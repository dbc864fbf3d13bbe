/**
 * The hot path of a bulk load: records become the staging table's COPY text, written as bytes straight into the
 * chunks sent to the server. One pass over each record's values writes its `values_json` (layout order; also the
 * start of the row-hash input) and its typed wide-table cells together; plain ASCII text and small integers are
 * copied byte by byte, everything else goes through the same string functions as the rest of the store. Almost
 * nothing is allocated per row: a batch's records are young objects, and every garbage collection while they are
 * alive copies them all, so garbage costs far more here than its own size.
 *
 * A value that does not fit its column's current type stops the encoding (`NeedsWidening`); the caller widens the
 * columns, then encodes again.
 */
import { hash } from 'node:crypto';
import { StoreError } from '../errors.ts';
import { META_COLUMNS } from '../internal/row-codec.ts';
import { ISO_TIMESTAMP } from '../sql-types.ts';
import type { ResponseMeta, SqlType, StoreRecord, StoreValue } from '../types.ts';
import { COPY_NULL, copyEscape, copyEscapeJson, NulCharacterError } from './copy.ts';
import { copyCell, JSON_NUL } from './encode.ts';

/** Thrown when a value does not fit its column's current type (or its column has none yet). */
export class NeedsWidening extends Error {
  override name = 'NeedsWidening';
}

/** What the encoder needs of a layout: its columns in layout order (the stage's `w<i>` are the typed ones). */
export interface StagePlan {
  keys: readonly string[];
  /** UTF-8 of `{"key":` and `,"key":` for each column: the prefixes of its member in `values_json`. */
  open: readonly Buffer[];
  next: readonly Buffer[];
  /** Each column's type when the encoding started; null: not a wide-table column (yet). */
  types: ReadonlyArray<SqlType | null>;
  /** Whether a key's JSON holds a backslash (an escape), which COPY needs doubled. */
  escapedKeys: boolean;
  /** Keys every object inherits (`constructor`, `__proto__`…): read only when the record has them as its own. */
  inherited: readonly boolean[];
}

/** The plan for `columns` as they are typed now (types change in place when a layout widens: build one per batch). */
export function stagePlan(columns: ReadonlyArray<{ key: string; sqlType: SqlType | null }>): StagePlan {
  const json = columns.map((c) => JSON.stringify(c.key));
  return {
    keys: columns.map((c) => c.key),
    open: json.map((k) => Buffer.from(`{${k}:`)),
    next: json.map((k) => Buffer.from(`,${k}:`)),
    types: columns.map((c) => c.sqlType),
    escapedKeys: json.some((k) => k.includes('\\')),
    inherited: columns.map((c) => c.key in Object.prototype),
  };
}

/** Characters that make `JSON.stringify` of a string differ from the string in quotes. */
const JSON_SPECIAL = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, without the native call for the common text that needs no escaping. */
export function jsonString(text: string): string {
  return JSON_SPECIAL.test(text) ? JSON.stringify(text) : `"${text}"`;
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SEPARATOR = 0x01;
/** A COPY chunk is sent once it has less than this free (bytes); a longer row grows it. */
const CHUNK_SLACK = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;

/** A growable byte buffer. */
class Bytes {
  buf: Buffer;
  pos = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
      this.buf.copy(next, 0, 0, this.pos);
      this.buf = next;
    }
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos);
  }

  /** Appends `text`, which is ASCII (digits, `true`, base64…). */
  ascii(text: string): void {
    this.room(text.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < text.length; i++) buf[p++] = text.charCodeAt(i);
    this.pos = p;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Appends bytes `from`–`to` of `src`: short runs by hand, long ones by `copy` (a native call costs a short run). */
  slice(src: Buffer, from: number, to: number): void {
    this.room(to - from);
    if (to - from > 64) {
      this.pos += src.copy(this.buf, this.pos, from, to);
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = from; i < to; i++) buf[p++] = src[i]!;
    this.pos = p;
  }

  /**
   * Appends `text` in quotes when it is printable ASCII without `"` or `\`: then it is at once its JSON string and
   * its COPY field. Returns false, with nothing appended, for any other text.
   */
  quotedPlain(text: string): boolean {
    const n = text.length;
    this.room(n + 2);
    const buf = this.buf;
    let p = this.pos;
    buf[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) return false;
      buf[p++] = c;
    }
    buf[p++] = QUOTE;
    this.pos = p;
    return true;
  }
}

/** Scratch buffers of the encoder: a row's `values_json` (then the rest of the hash input) and its typed cells. */
const json = new Bytes(16 * 1024);
const cells = new Bytes(16 * 1024);

/**
 * The staging COPY text of `records`, in chunks of about a megabyte: per record `response_id`, the metadata
 * columns, `values_json`, `labels_json`, `row_hash`, then the typed cells, tab-separated, one line each. Throws
 * `NeedsWidening`, or what `fail` makes of an error while encoding a record (`NulCharacterError`, or the
 * `unknownKey` error for a record holding a key outside the layout).
 */
export function* stageChunks(
  plan: StagePlan,
  records: readonly StoreRecord[],
  fail: (err: unknown, rec: StoreRecord) => unknown,
): Generator<Buffer> {
  let out = new Bytes(CHUNK_BYTES);
  for (const rec of records) {
    if (out.buf.length - out.pos < CHUNK_SLACK) {
      yield out.buf.subarray(0, out.pos);
      out = new Bytes(CHUNK_BYTES);
    }
    try {
      writeRecord(plan, rec, out);
    } catch (err) {
      if (err instanceof NeedsWidening) throw err;
      throw fail(err, rec);
    }
  }
  if (out.pos > 0) yield out.buf.subarray(0, out.pos);
}

/** Thrown (then passed to `fail`) for a record holding a key outside the layout. */
export class UnknownKey extends Error {
  override name = 'UnknownKey';
}

function writeRecord(plan: StagePlan, rec: StoreRecord, out: Bytes): void {
  const { keys, types } = plan;
  const values = rec.values;
  json.pos = 0;
  cells.pos = 0;
  // Set when values_json holds a backslash (only ever from an escape): COPY needs those doubled.
  let escapes = plan.escapedKeys;
  let defined = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v: StoreValue | undefined = plan.inherited[i] && !Object.hasOwn(values, key) ? undefined : values[key];
    const type = types[i]!;
    if (v === undefined) {
      if (type !== null) cells.ascii('\t\\N');
      continue;
    }
    const prefix = defined++ === 0 ? plan.open[i]! : plan.next[i]!;
    json.slice(prefix, 0, prefix.length);
    if (v === null) {
      json.ascii('null');
      if (type !== null) cells.ascii('\t\\N');
      continue;
    }
    if (type === null) throw new NeedsWidening();
    cells.byte(TAB);
    switch (typeof v) {
      case 'string': {
        if (type !== 'text' && !(type === 'timestamp' && ISO_TIMESTAMP.test(v))) throw new NeedsWidening();
        const start = json.pos;
        if (json.quotedPlain(v)) {
          cells.slice(json.buf, start + 1, json.pos - 1);
        } else {
          const quoted = JSON.stringify(v);
          escapes ||= quoted.includes('\\');
          json.text(quoted);
          cells.text(copyEscape(v));
        }
        break;
      }
      case 'number': {
        if (!(type === 'text' || (type === 'integer' && Number.isSafeInteger(v)) || (type === 'real' && Number.isFinite(v)))) {
          throw new NeedsWidening();
        }
        const start = json.pos;
        if (Number.isFinite(v)) json.ascii(String(v));
        else {
          json.ascii('null');
          cells.ascii(String(v));
          break;
        }
        cells.slice(json.buf, start, json.pos);
        break;
      }
      case 'boolean':
        json.ascii(v ? 'true' : 'false');
        if (type === 'boolean') cells.byte(v ? 0x74 : 0x66);
        else if (type === 'text') cells.ascii(v ? 'true' : 'false');
        else if (type === 'integer' || type === 'real') cells.byte(v ? 0x31 : 0x30);
        else throw new NeedsWidening();
        break;
      default: {
        const member = JSON.stringify(v);
        if (type === 'json') {
          // jsonb cannot hold \u0000; say so here rather than let the server reject the batch obscurely.
          if (JSON_NUL.test(member)) throw new NulCharacterError('JSON holds a NUL character');
        } else if (type !== 'text') throw new NeedsWidening();
        escapes ||= member.includes('\\');
        json.text(member);
        cells.text(copyEscapeJson(member));
      }
    }
  }
  // Object.keys is the cheaper count on the dictionary-mode objects parsers build; keys set to undefined (no
  // value, as JSON.stringify has it) need the slower count.
  if (defined !== Object.keys(values).length && defined !== countDefined(values)) throw new UnknownKey();
  if (defined === 0) json.ascii('{}');
  else json.byte(0x7d);
  const jsonEnd = json.pos;

  out.text(copyEscape(rec.responseId));
  const metaJson = writeMeta(rec.meta, rec.responseId, out);
  out.byte(TAB);
  if (escapes) out.text(copyEscapeJson(json.buf.toString('utf8', 0, jsonEnd)));
  else out.slice(json.buf, 0, jsonEnd);
  out.byte(TAB);
  // The rest of the text `rowHash` (internal/row-codec.ts) hashes: values_json, labels_json, the metadata array.
  json.byte(SEPARATOR);
  if (rec.labels) {
    const labels = JSON.stringify(rec.labels);
    json.text(labels);
    out.text(copyEscapeJson(labels));
  } else out.ascii(COPY_NULL);
  json.byte(SEPARATOR);
  json.text(metaJson);
  out.byte(TAB);
  out.ascii(hash('sha1', json.buf.subarray(0, json.pos), 'base64'));
  out.slice(cells.buf, 0, cells.pos);
  out.byte(NEWLINE);
}

/** Keys of `values` holding a value (a key set to `undefined` is no value, as `JSON.stringify` has it). */
function countDefined(values: Readonly<Record<string, StoreValue>>): number {
  let n = 0;
  for (const key in values) if (values[key] !== undefined) n++;
  return n;
}

/**
 * Appends the metadata's COPY cells to `out`, each after a tab (`META_COLUMNS` order), and returns the JSON array
 * `rowHash` hashes (`JSON.stringify(encodeMeta(meta))`: booleans as 1/0, absent as null). Throws `StoreError`
 * (`invalid-input`), as `encodeMeta` does, for a field that is not text, a finite number, a boolean or null.
 */
function writeMeta(meta: ResponseMeta | undefined, responseId: string, out: Bytes): string {
  let text = '';
  let nulls = 0;
  for (let i = 0; i < META_COLUMNS.length; i++) {
    const { field, type } = META_COLUMNS[i]!;
    const v: unknown = meta?.[field];
    if (v === undefined || v === null) {
      out.ascii('\t\\N');
      nulls++;
      continue;
    }
    if (nulls > 0) {
      text += NULLS[nulls]!;
      nulls = 0;
    }
    if (typeof v === 'boolean') text += v ? ',1' : ',0';
    else if (typeof v === 'number' && Number.isFinite(v)) text += `,${v}`;
    else if (typeof v === 'string') text += `,${jsonString(v)}`;
    else throw new StoreError('invalid-input', `response ${responseId}: meta.${field} is not text, a number or a boolean`);
    out.byte(TAB);
    out.text(copyCell(type, v));
  }
  return `[${(text + NULLS[nulls]!).slice(1)}]`;
}

/** `,null` repeated 0 to 17 times: runs of absent metadata. */
const NULLS = Array.from({ length: META_COLUMNS.length + 1 }, (_, n) => ',null'.repeat(n));
