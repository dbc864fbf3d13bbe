import type { ExportOptions } from '../contract.ts';
import type { CellValue, Column } from './column-types.ts';
import { formatNumber, ZoneClock } from './format.ts';

const NEWLINES = /\r\n|\r|\n/g;

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
}
