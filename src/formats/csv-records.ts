/**
 * CSV/TSV exports → column map and typed records, streamed.
 */

import { buildColumnMap } from './column-map.ts';
import { parseDelimitedRows } from './csv-rows.ts';
import { decodeText } from './decode.ts';
import { detectDialect, headerRowCount, MAX_HEADER_ROWS } from './dialect.ts';
import { asExportFileError, ExportFileError } from './errors.ts';
import type { ExportSource } from './source.ts';
import { compileRowTyper } from './row-typer.ts';
import { statusCodeOf, type TypingOptions } from './typing.ts';
import type { ColumnMap, ExportRecord } from './types.ts';

async function* batchesOf(source: ExportSource, delimiter: ',' | '\t'): AsyncGenerator<string[][]> {
  const bytes = await source.open();
  yield* parseDelimitedRows(decodeText(bytes), delimiter);
}

function isBlank(row: readonly string[]): boolean {
  return row.length === 1 && row[0] === '';
}

/** Reads the header rows of a CSV/TSV export and builds its column map; reads no further than row 3. */
export async function readDelimitedHeader(source: ExportSource, delimiter: ',' | '\t'): Promise<ColumnMap> {
  const first: string[][] = [];
  try {
    for await (const batch of batchesOf(source, delimiter)) {
      for (const row of batch) if (first.length < MAX_HEADER_ROWS && !isBlank(row)) first.push(row);
      if (first.length >= MAX_HEADER_ROWS) break;
    }
  } catch (err) {
    throw asExportFileError(source.label, err);
  }
  if (first.length === 0) throw new ExportFileError(source.label, 'has no header row (no text)');
  const dialect = detectDialect(first);
  const count = Math.min(headerRowCount(dialect), first.length);
  try {
    return buildColumnMap(dialect, first.slice(0, count));
  } catch (err) {
    throw new ExportFileError(source.label, (err as Error).message, { cause: err });
  }
}

/** Checks a data row against the header width; extra trailing empty cells (legacy trailing commas) are fine. */
function checkWidth(row: readonly string[], width: number, index: number, label: string): void {
  if (row.length === width) return;
  if (row.length > width && row.slice(width).every((c) => c === '')) return;
  const hint = row.length < width ? ' (truncated file or unbalanced quotes?)' : '';
  throw new ExportFileError(label, `data row ${index + 1} has ${row.length} fields, the header has ${width}${hint}`);
}

/**
 * Typed records of a CSV/TSV export whose header is described by `map`. Each call reads the file anew.
 * Throws {@link ExportFileError} naming the file and data row for a row of the wrong width.
 */
export async function* delimitedRecords(
  source: ExportSource,
  delimiter: ',' | '\t',
  map: ColumnMap,
  typing: TypingOptions,
  keepRaw: boolean,
): AsyncGenerator<ExportRecord> {
  const { columns } = map;
  const idColumn = columns.find((c) => c.metadata === '_recordId');
  const statusColumn = columns.find((c) => c.metadata === 'status' && !c.isLabelsColumn);
  const typeRow = compileRowTyper(columns, typing);
  let seen = 0;
  let index = 0;
  try {
    for await (const batch of batchesOf(source, delimiter)) {
      for (const row of batch) {
        // Blank lines are skipped, except in a one-column export where a blank line is an empty answer.
        if (isBlank(row) && (seen < map.headerRows || columns.length > 1)) continue;
        if (seen++ < map.headerRows) continue;
        checkWidth(row, columns.length, index, source.label);
        const values = typeRow(row);
        const id = idColumn ? values[idColumn.key] : null;
        const record: ExportRecord = {
          responseId: typeof id === 'string' ? id : id == null ? null : String(id),
          index,
          values,
          statusCode: statusColumn ? statusCodeOf(values[statusColumn.key] ?? null) : null,
        };
        if (keepRaw) record.raw = row;
        index++;
        yield record;
      }
    }
  } catch (err) {
    throw asExportFileError(source.label, err);
  }
}
