import type { ExportOptions, SimResponse } from '../contract.ts';
import type { CellValue, Column } from './column-types.ts';
import { formatNumber, ZoneClock } from './format.ts';

const NEWLINES = /\r\n|\r|\n/g;
/** Integers whose cell text a column keeps in a table (recodes, ranks, counts, seen-but-unanswered codes). */
const INT_MIN = -1024;
const INT_MAX = 1024;
/** Distinct values a column's text map holds before it starts over (bounds memory on free text). */
const OTHERS_CACHE_LIMIT = 4096;
/** Lookups after which a column's text map is dropped if most of them missed. */
const CACHE_PROBATION = 2048;

/**
 * Renders cells as text, the way csv, tsv and xml exports write them: dates as wall-clock time in the export's
 * zone, decimals with `.` or `,` (formatDecimalAsComma), line breaks kept or replaced (newlineReplacement).
 */
export class CellRenderer {
  private readonly zone: ZoneClock;
  private readonly comma: boolean;
  private readonly newline: string | undefined;

  constructor(o: ExportOptions, replaceNewlines: boolean) {
    this.zone = new ZoneClock(o.timeZone ?? 'UTC');
    this.comma = o.formatDecimalAsComma;
    this.newline = replaceNewlines ? o.newlineReplacement : undefined;
  }

  render(col: Column, v: CellValue): string {
    if (v === undefined) return '';
    if (typeof v === 'number') return col.type === 'date' ? this.zone.wallClock(v) : formatNumber(v, this.comma);
    let s = v;
    if (col.decimalText && this.comma) s = s.replace('.', ',');
    if (this.newline !== undefined) s = s.replace(NEWLINES, this.newline);
    return s;
  }

  /**
   * One column's cell as a function of the response: `lead + escapeText(render(col, col.get(r)))`, or just `lead`
   * for an empty cell (`lead` is the separator that goes before the cell in its record, so a record is one
   * concatenation per cell). Most cells repeat a few values, so each column keeps the texts of small integers
   * (codes, counts, ranks) in a table and of other values in a map, the map dropped for a column whose values
   * hardly repeat (ids, e-mail addresses); dates go straight to the zone's formatter. `escapeText` must leave a
   * date's text alone (digits, `-`, `:` and a space inside), as quoting does.
   */
  cellText(col: Column, escapeText: (text: string) => string, lead = ''): (r: SimResponse) => string {
    const get = col.get;
    const slow = (v: CellValue): string => {
      const text = this.render(col, v);
      return text === '' ? lead : lead + escapeText(text);
    };
    if (col.type === 'date') {
      const zone = this.zone;
      return (r) => {
        const v = get(r);
        return typeof v === 'number' ? lead + zone.wallClock(v) : slow(v);
      };
    }
    const ints = new Array<string | undefined>(INT_MAX - INT_MIN).fill(undefined);
    let others: Map<number | string, string> | undefined = new Map();
    let lookups = 0;
    let misses = 0;
    return (r) => {
      const v = get(r);
      if (v === undefined) return lead;
      if (typeof v === 'number' && v >= INT_MIN && v < INT_MAX && Number.isInteger(v)) {
        const slot = v - INT_MIN;
        let text = ints[slot];
        if (text === undefined) ints[slot] = text = slow(v);
        return text;
      }
      // Strings and decimals (slider positions).
      if (others === undefined) return slow(v);
      let text = others.get(v);
      if (text === undefined) {
        text = slow(v);
        misses++;
        if (others.size >= OTHERS_CACHE_LIMIT) others.clear();
        others.set(v, text);
      }
      if (++lookups === CACHE_PROBATION && misses * 2 > lookups) others = undefined;
      return text;
    };
  }
}
