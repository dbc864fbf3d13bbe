/**
 * The hot path of a bulk load: records become the staging table's COPY text, written as bytes straight into the
 * chunks sent to the server. One pass over each record's values writes its `values_json` (layout order; also the
 * start of the row-hash input) and its typed wide-table cells together. For records whose keys come in layout order
 * (what the parsers build) that pass is a `for…in` over the record, which also proves it has no key outside the
 * layout; other records are read key by key in layout order and their keys counted. Text that needs no escaping
 * and integers are written byte by byte, other text once natively, the rest through the same string functions
 * as the rest of the store. Almost nothing is allocated per row: a batch's records are young objects, and every
 * garbage collection while they are alive copies them all, so garbage costs far more here than its own size.
 *
 * A value that does not fit its column's current type stops the encoding (`NeedsWidening`); the caller widens the
 * columns, then encodes again.
 */
import { hash } from 'node:crypto';
import { ISO_TIMESTAMP } from '../sql-types.ts';
import type { SqlType, StoreRecord, StoreValue } from '../types.ts';
import { Bytes } from './bytes.ts';
import { COPY_NULL, copyEscape, copyEscapeJson, NulCharacterError } from './copy.ts';
import { JSON_NUL } from './encode.ts';
import { writeMeta, writeText } from './stage-text.ts';

/** Thrown when a value does not fit its column's current type (or its column has none yet). */
export class NeedsWidening extends Error {
  override name = 'NeedsWidening';
}

/** What the encoder needs of a layout: its columns in layout order (the stage's `w<i>` are the typed ones). */
export interface StagePlan {
  /** The column keys, as the same strings objects use for their property names (compared by identity first). */
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
    keys: columns.map((c) => propertyName(c.key)),
    open: json.map((k) => Buffer.from(`{${k}:`)),
    next: json.map((k) => Buffer.from(`,${k}:`)),
    types: columns.map((c) => c.sqlType),
    escapedKeys: json.some((k) => k.includes('\\')),
    inherited: columns.map((c) => c.key in Object.prototype),
  };
}

/** `key` as an object's property name: the engine's one shared copy of that text, so comparing keys is cheap. */
function propertyName(key: string): string {
  return Object.keys({ [key]: 0 })[0] ?? key;
}

const TAB = 0x09;
const NEWLINE = 0x0a;
const SEPARATOR = 0x01;
/** A COPY chunk is sent once it has less than this free (bytes); a longer row grows it. */
const CHUNK_SLACK = 64 * 1024;
const CHUNK_BYTES = 1024 * 1024;
/** The first chunk is sent as soon as it has this many bytes: the server starts reading while the rest is encoded. */
const FIRST_CHUNK_BYTES = 64 * 1024;

/**
 * Scratch buffers of the encoder: a row's `values_json` (then the rest of the hash input), its typed cells, and
 * the JSON array of its metadata.
 */
const json = new Bytes(16 * 1024);
const cells = new Bytes(16 * 1024);
const metaJson = new Bytes(1024);
/** Set while a row is written when its `values_json` holds a backslash (only ever from an escape): COPY doubles them. */
let escapes = false;

/**
 * The staging COPY text of `records`, in chunks of about a megabyte (the first one smaller): per record
 * `response_id`, the metadata columns, `values_json`, `labels_json`, `row_hash`, then the typed cells,
 * tab-separated, one line each. Throws `NeedsWidening`, or what `fail` makes of an error while encoding a record
 * (`NulCharacterError`, or `UnknownKey` for a record holding a key outside the layout).
 */
export function* stageChunks(
  plan: StagePlan,
  records: readonly StoreRecord[],
  fail: (err: unknown, rec: StoreRecord) => unknown,
): Generator<Buffer> {
  let out = new Bytes(CHUNK_BYTES);
  let limit = FIRST_CHUNK_BYTES;
  // Cleared once a record's keys are not in layout order: then the later records of the batch likely are not either.
  let recordOrder = true;
  for (const rec of records) {
    if (out.pos >= limit) {
      limit = CHUNK_BYTES - CHUNK_SLACK;
      yield out.buf.subarray(0, out.pos);
      out = new Bytes(CHUNK_BYTES);
    }
    try {
      let defined = recordOrder ? walkRecordOrder(plan, rec.values) : -1;
      if (defined < 0) {
        recordOrder = false;
        defined = walkLayoutOrder(plan, rec.values);
      }
      writeRow(rec, defined, out);
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

/**
 * Writes the record's values in one `for…in` pass when its keys holding a value are layout keys in layout order
 * (as parsers build records): that pass also shows there is no key outside the layout. Returns the number of values
 * written, or -1 when the keys are in another order (what was written then does not count).
 */
function walkRecordOrder(plan: StagePlan, values: Readonly<Record<string, StoreValue>>): number {
  const { keys, inherited } = plan;
  const n = keys.length;
  json.pos = 0;
  cells.pos = 0;
  escapes = plan.escapedKeys;
  let i = 0;
  let defined = 0;
  for (const key in values) {
    const v = values[key];
    if (v === undefined) continue;
    while (i < n && keys[i] !== key) {
      if (layoutValue(plan, values, i) !== undefined) return -1;
      if (plan.types[i] !== null) cells.ascii('\t\\N');
      i++;
    }
    if (i === n || (inherited[i] && !Object.hasOwn(values, key))) return -1;
    writeMember(plan, i++, v, defined++);
  }
  for (; i < n; i++) {
    if (layoutValue(plan, values, i) !== undefined) return -1;
    if (plan.types[i] !== null) cells.ascii('\t\\N');
  }
  return defined;
}

/** Writes the record's values key by key in layout order. Returns the number written; throws `UnknownKey`. */
function walkLayoutOrder(plan: StagePlan, values: Readonly<Record<string, StoreValue>>): number {
  json.pos = 0;
  cells.pos = 0;
  escapes = plan.escapedKeys;
  let defined = 0;
  for (let i = 0; i < plan.keys.length; i++) {
    const v = layoutValue(plan, values, i);
    if (v !== undefined) writeMember(plan, i, v, defined++);
    else if (plan.types[i] !== null) cells.ascii('\t\\N');
  }
  // Object.keys is the cheaper count on the dictionary-mode objects parsers build; keys set to undefined (no
  // value, as JSON.stringify has it) need the slower count.
  if (defined !== Object.keys(values).length && defined !== countDefined(values)) throw new UnknownKey();
  return defined;
}

/** The value of layout column `i`; a key every object inherits is read only when the record has it as its own. */
function layoutValue(plan: StagePlan, values: Readonly<Record<string, StoreValue>>, i: number): StoreValue | undefined {
  const key = plan.keys[i]!;
  return plan.inherited[i] && !Object.hasOwn(values, key) ? undefined : values[key];
}

/** Writes column `i`'s member of `values_json` (the `index`th written) and, for a typed column, its cell. */
function writeMember(plan: StagePlan, i: number, v: StoreValue, index: number): void {
  const prefix = index === 0 ? plan.open[i]! : plan.next[i]!;
  json.slice(prefix, 0, prefix.length);
  const type = plan.types[i]!;
  if (v === null) {
    json.ascii('null');
    if (type !== null) cells.ascii('\t\\N');
    return;
  }
  if (type === null) throw new NeedsWidening();
  cells.byte(TAB);
  switch (typeof v) {
    case 'string': {
      if (type !== 'text' && !(type === 'timestamp' && ISO_TIMESTAMP.test(v))) throw new NeedsWidening();
      if (!writeText(json, v, cells)) {
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
      // Integers (nearly every answer code) without a string per value: garbage here costs a copy of the batch.
      if (Number.isSafeInteger(v)) json.int(v);
      else if (Number.isFinite(v)) json.ascii(String(v));
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

/**
 * Writes the row of a record whose values are in the scratch buffers (`defined` of them): response id, metadata,
 * `values_json`, `labels_json`, the row hash, then the typed cells.
 */
function writeRow(rec: StoreRecord, defined: number, out: Bytes): void {
  if (defined === 0) json.ascii('{}');
  else json.byte(0x7d);
  const jsonEnd = json.pos;
  if (!out.plainField(rec.responseId)) out.text(copyEscape(rec.responseId));
  writeMeta(rec.meta, rec.responseId, out, metaJson);
  out.byte(TAB);
  // A byte 0x5c in UTF-8 is always a backslash itself, never part of another character.
  if (escapes) out.sliceEscaped(json.buf, 0, jsonEnd);
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
  json.slice(metaJson.buf, 0, metaJson.pos);
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

