import type { ExportOptions, SimResponse } from '../contract.ts';
import type { CellValue, Column } from './column-types.ts';
import { ZoneClock } from './format.ts';
import { SPSS_MAX_STRING, type SpssVariable, SYSMIS, spssDictionary, spssVariables, utf8Prefix } from './spss-dictionary.ts';

/** Seconds from SPSS's epoch (1582-10-14 00:00:00, start of the Gregorian calendar) to the Unix epoch. */
const SPSS_EPOCH_OFFSET_S = 12_219_379_200;

function stringOf(v: CellValue): string {
  return v === undefined ? '' : String(v);
}

/**
 * The .sav export: numeric codes with value labels (choice text), question text as variable labels, dates as
 * DATETIME values in the export's zone. The header needs the case count and each string variable's width, so the
 * responses are read twice (`responses()` is called once per pass): the first pass only measures, the second
 * writes. Memory stays constant; CPU doubles, which keeps the file exact without buffering it.
 */
export function* spssPieces(
  columns: readonly Column[],
  responses: () => Iterable<SimResponse>,
  o: ExportOptions,
  label: string,
): Generator<Buffer> {
  const widths = columns.map(() => 1);
  let cases = 0;
  for (const r of responses()) {
    cases++;
    columns.forEach((col, i) => {
      if (col.type !== 'string') return;
      const bytes = Buffer.byteLength(stringOf(col.get(r)), 'utf8');
      if (bytes > widths[i]!) widths[i] = Math.min(SPSS_MAX_STRING, bytes);
    });
  }
  const vars = spssVariables(columns, widths);
  yield spssDictionary(vars, cases, new Date(o.asOf), label);
  const zone = new ZoneClock(o.timeZone ?? 'UTC');
  const caseBytes = vars.reduce((n, v) => n + v.segments * 8, 0);
  const batch = Math.max(1, Math.floor(65_536 / Math.max(8, caseBytes)));
  let buf = Buffer.alloc(batch * caseBytes);
  let offset = 0;
  let written = 0;
  for (const r of responses()) {
    // Same data as the first pass (same asOf): stop at the announced case count whatever happens.
    if (written++ >= cases) break;
    for (const v of vars) offset = writeCell(buf, offset, v, v.column.get(r), zone);
    if (offset === buf.length) {
      yield buf;
      buf = Buffer.alloc(batch * caseBytes);
      offset = 0;
    }
  }
  if (offset > 0) yield buf.subarray(0, offset);
}

function writeCell(buf: Buffer, offset: number, v: SpssVariable, value: CellValue, zone: ZoneClock): number {
  if (v.width === 0) {
    let d = SYSMIS;
    if (typeof value === 'number') d = v.column.type === 'date' ? zone.local(value) / 1000 + SPSS_EPOCH_OFFSET_S : value;
    else if (value !== undefined && value !== '' && Number.isFinite(Number(value))) d = Number(value);
    buf.writeDoubleLE(d, offset);
    return offset + 8;
  }
  const size = v.segments * 8;
  buf.fill(0x20, offset, offset + size);
  utf8Prefix(stringOf(value), v.width).copy(buf, offset);
  return offset + size;
}
