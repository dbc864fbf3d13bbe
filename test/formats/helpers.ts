/**
 * Helpers for the export parser tests: fixture paths, MANIFEST.tsv, reading all records, temp files.
 */

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ExportFile, type ExportRecord, type OpenExportOptions, openExport } from '../../src/formats/index.ts';

export const REAL = resolve(import.meta.dirname, '../fixtures/real');
export const OWN = resolve(import.meta.dirname, '../fixtures/formats');

/** One line of test/fixtures/real/MANIFEST.tsv. */
export interface ManifestRow {
  file: string;
  format: string;
  rows: number | null;
  cols: number | null;
}

export function readManifest(): ManifestRow[] {
  const [, ...lines] = readFileSync(join(REAL, 'MANIFEST.tsv'), 'utf8').trimEnd().split('\n');
  return lines.map((line) => {
    const cells = line.split('\t');
    const num = (s: string | undefined) => (s ? Number(s) : null);
    return { file: cells[0]!, format: cells[5]!, rows: num(cells[6]), cols: num(cells[7]) };
  });
}

/** Opens an export and reads every record into an array (fine for the small fixtures only). */
export async function readAll(path: string, options?: OpenExportOptions): Promise<{ file: ExportFile; records: ExportRecord[] }> {
  const file = await openExport(path, options);
  const records: ExportRecord[] = [];
  for await (const record of file.records()) records.push(record);
  await file.close();
  return { file, records };
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'qsync-formats-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `content` to `name` in `dir` and returns its path. */
export function writeTemp(dir: string, name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Cells → one current-dialect ImportId header cell, CSV-quoted (`"{""ImportId"":""QID1""}"`). */
export function importIdCell(fields: Record<string, string | boolean>): string {
  return `"${JSON.stringify(fields).replaceAll('"', '""')}"`;
}

/** The value under the column whose export tag is `tag` (first such column). */
export function byTag(file: ExportFile, record: ExportRecord, tag: string): unknown {
  const column = file.columns.columns.find((c) => c.exportTag === tag);
  if (!column) throw new Error(`no column ${tag}`);
  return record.values[column.key];
}
