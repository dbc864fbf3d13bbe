import type { Column } from './column-types.ts';

/**
 * The dictionary of an SPSS system file (.sav), written by hand from PSPP's "System File Format" documentation:
 * file header, one variable record (type 2) per variable plus continuation records for strings wider than 8
 * bytes, value labels (types 3 and 4), extension records (type 7: 3 integer info, 4 float info, 11 display
 * parameters, 13 long variable names, 20 character encoding) and the termination record (999). Data is written
 * uncompressed, little-endian. Strings are capped at 255 bytes (longer answers are cut on a character boundary),
 * which avoids the "very long string" segmenting of subtype 14.
 */

/** One variable of the file. */
export interface SpssVariable {
  column: Column;
  /** Long name (subtype 13), ≤ 64 bytes. */
  name: string;
  /** Short name in the type 2 record, ≤ 8 bytes, upper case. */
  shortName: string;
  /** 0 numeric, else string width in bytes (1–255). */
  width: number;
  /** Number of 8-byte elements the variable occupies in a case. */
  segments: number;
}

export const SPSS_MAX_STRING = 255;
/** System-missing value: the most negative double. */
export const SYSMIS = -Number.MAX_VALUE;
const RESERVED = new Set(['ALL', 'AND', 'BY', 'EQ', 'GE', 'GT', 'LE', 'LT', 'NE', 'NOT', 'OR', 'TO', 'WITH']);

/** Accumulates little-endian binary pieces. */
export class ByteWriter {
  private readonly parts: Buffer[] = [];

  int32(...values: number[]): this {
    const b = Buffer.alloc(4 * values.length);
    values.forEach((v, i) => {
      b.writeInt32LE(v, i * 4);
    });
    this.parts.push(b);
    return this;
  }

  float64(...values: number[]): this {
    const b = Buffer.alloc(8 * values.length);
    values.forEach((v, i) => {
      b.writeDoubleLE(v, i * 8);
    });
    this.parts.push(b);
    return this;
  }

  /** `text` as UTF-8, padded with `pad` (or cut) to exactly `length` bytes. */
  fixed(text: string, length: number, pad = 0x20): this {
    const b = Buffer.alloc(length, pad);
    b.write(text, 0, length, 'utf8');
    this.parts.push(b);
    return this;
  }

  bytes(b: Buffer): this {
    this.parts.push(b);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** The longest prefix of `text` that fits in `max` UTF-8 bytes without splitting a character. */
export function utf8Prefix(text: string, max: number): Buffer {
  const b = Buffer.from(text, 'utf8');
  if (b.length <= max) return b;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (b[end]! & 0xc0) === 0x80) end--;
  return b.subarray(0, end);
}

/** SPSS variable names: letters, digits and `_ . @ # $`, starting with a letter or `@`, unique ignoring case. */
export function spssVariables(columns: readonly Column[], widths: readonly number[]): SpssVariable[] {
  const usedLong = new Set<string>();
  const usedShort = new Set<string>();
  return columns.map((column, i) => {
    let base = column.header.replace(/[^\p{L}\p{N}_.@#$]/gu, '_').replace(/\.+$/, '');
    if (!/^[\p{L}@]/u.test(base) || RESERVED.has(base.toUpperCase())) base = `v${base}`;
    base = utf8Prefix(base, 60).toString('utf8');
    let name = base;
    for (let n = 1; usedLong.has(name.toUpperCase()); n++) name = `${base}_${n}`;
    usedLong.add(name.toUpperCase());
    const ascii = name.toUpperCase().replace(/[^A-Z0-9_.@#$]/g, '_').slice(0, 8);
    let shortName = /^[A-Z@]/.test(ascii) ? ascii : `V${ascii.slice(0, 7)}`;
    for (let n = 1; usedShort.has(shortName); n++) shortName = `V${String(n).padStart(7, '0')}`;
    usedShort.add(shortName);
    const width = column.type === 'string' ? Math.max(1, Math.min(SPSS_MAX_STRING, widths[i] ?? 1)) : 0;
    return { column, name, shortName, width, segments: width === 0 ? 1 : Math.ceil(width / 8) };
  });
}

/** Print/write format word: (type << 16) | (width << 8) | decimals. */
function formatOf(v: SpssVariable): number {
  if (v.width > 0) return (1 << 16) | (v.width << 8); // A<w>
  if (v.column.type === 'date') return (22 << 16) | (20 << 8); // DATETIME20
  const decimals = v.column.decimals ?? 0;
  return (5 << 16) | ((decimals > 0 ? 10 : 8) << 8) | decimals; // F8.0, or F10.<d>
}

/** The whole dictionary, up to and including the termination record. */
export function spssDictionary(vars: readonly SpssVariable[], caseCount: number, created: Date, label: string): Buffer {
  const w = new ByteWriter();
  const caseSize = vars.reduce((n, v) => n + v.segments, 0);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p2 = (n: number) => String(n).padStart(2, '0');
  w.fixed('$FL2', 4).fixed('@(#) SPSS DATA FILE qsync simulator', 60).int32(2, caseSize, 0, 0, caseCount).float64(100);
  w.fixed(`${p2(created.getUTCDate())} ${months[created.getUTCMonth()]} ${p2(created.getUTCFullYear() % 100)}`, 9);
  w.fixed(`${p2(created.getUTCHours())}:${p2(created.getUTCMinutes())}:${p2(created.getUTCSeconds())}`, 8);
  w.bytes(Buffer.concat([utf8Prefix(label, 64), Buffer.alloc(64, 0x20)]).subarray(0, 64)).fixed('', 3, 0);
  for (const v of vars) {
    const text = utf8Prefix(v.column.label, 255);
    const fmt = formatOf(v);
    w.int32(2, v.width, 1, 0, fmt, fmt).fixed(v.shortName, 8);
    w.int32(text.length).bytes(Buffer.concat([text, Buffer.alloc((4 - (text.length % 4)) % 4, 0x20)]));
    for (let s = 1; s < v.segments; s++) w.int32(2, -1, 0, 0, 0, 0).fixed('', 8);
  }
  let index = 1;
  for (const v of vars) {
    const labels = v.column.valueLabels;
    if (labels && labels.size > 0 && v.width === 0) {
      w.int32(3, labels.size);
      for (const [code, text] of labels) {
        const t = utf8Prefix(text, 120);
        const padded = Math.ceil((t.length + 1) / 8) * 8;
        w.float64(code).bytes(Buffer.concat([Buffer.from([t.length]), t, Buffer.alloc(padded - t.length - 1, 0x20)]));
      }
      w.int32(4, 1, index);
    }
    index += v.segments;
  }
  // Machine integer info: version 1.0.0, machine -1, IEEE 754, no compression, little-endian, UTF-8 (65001).
  w.int32(7, 3, 4, 8, 1, 0, 0, -1, 1, 1, 2, 65001);
  w.int32(7, 4, 8, 3).float64(SYSMIS, Number.MAX_VALUE, -1.7976931348623155e308);
  w.int32(7, 11, 4, vars.length * 3);
  for (const v of vars) w.int32(v.width === 0 ? (v.column.valueLabels ? 1 : 3) : 1, v.width === 0 ? 10 : Math.min(40, v.width), v.width === 0 ? 1 : 0);
  const longNames = Buffer.from(vars.map((v) => `${v.shortName}=${v.name}`).join('\t'), 'utf8');
  w.int32(7, 13, 1, longNames.length).bytes(longNames);
  w.int32(7, 20, 1, 5).fixed('UTF-8', 5);
  w.int32(999, 0);
  return w.toBuffer();
}
