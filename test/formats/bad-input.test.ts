/**
 * Bad input yields one clear ExportFileError naming the file and what is wrong (DESIGN.md invariant 6).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportFileError, openExport } from '../../src/formats/index.ts';
import { importIdCell as id, REAL, readAll, tempDir, writeTemp } from './helpers.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const CATS_ZIP = join(REAL, 'ropensci__qualtRics/tests__fixtures__extract_colmap.yml.r12_GET_200.zip');

/** Builds a zip in memory from name → content (a trailing `/` makes a folder entry). */
async function zipOf(entries: Record<string, string>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(entries)) {
    if (name.endsWith('/')) zip.addEmptyDirectory(name);
    else zip.addBuffer(Buffer.from(content), name);
  }
  zip.end();
  const parts: Buffer[] = [];
  for await (const chunk of zip.outputStream) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

/** The error `action` rejects with, checked to be one line naming `path`. */
async function failure(path: string, action: () => Promise<unknown>): Promise<string> {
  const err = await action().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExportFileError);
  const message = (err as ExportFileError).message;
  expect(message.startsWith(path)).toBe(true);
  expect(message).not.toContain('\n');
  return message.slice(path.length);
}

describe('bad input', () => {
  it('a truncated zip (central directory cut off)', async () => {
    const bytes = readFileSync(CATS_ZIP);
    const path = writeTemp(dir, 'truncated.zip', bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(await failure(path, () => openExport(path))).toMatch(/^: is not a readable zip archive \(.*central directory/);
  });

  it('a zip whose compressed data is damaged', async () => {
    const bytes = Buffer.from(readFileSync(CATS_ZIP));
    for (let i = 200; i < 1200; i++) bytes[i] = 0x55;
    const path = writeTemp(dir, 'damaged.zip', bytes);
    const message = await failure(path, () => readAll(path));
    expect(message).toMatch(/^!Cats Can Have a Little Salami\.csv: cannot be read from the zip archive \(/);
  });

  it('a file named .zip that is not one', async () => {
    const path = writeTemp(dir, 'export.zip', 'StartDate,EndDate\n');
    expect(await failure(path, () => openExport(path))).toBe(': is not a zip archive (no zip signature at the start)');
  });

  it('binary content that is no export format', async () => {
    const path = writeTemp(dir, 'blob.bin', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    expect(await failure(path, () => openExport(path))).toBe(': is not a known export format (binary content)');
  });

  it('an empty file, a missing file, an empty zip, a zip of two files', async () => {
    const empty = writeTemp(dir, 'empty.csv', '');
    expect(await failure(empty, () => openExport(empty))).toBe(': is empty (0 bytes)');
    const missing = join(dir, 'missing.csv');
    expect(await failure(missing, () => openExport(missing))).toBe(': no such file');
    const emptyZip = writeTemp(dir, 'empty.zip', await zipOf({ 'folder/': '' }));
    expect(await failure(emptyZip, () => openExport(emptyZip))).toBe(': zip archive holds no data file');
    const twoFiles = writeTemp(dir, 'two.zip', await zipOf({ 'a.csv': 'x\n', 'b.csv': 'y\n' }));
    expect(await failure(twoFiles, () => openExport(twoFiles))).toBe(
      ': zip archive holds 2 files (a.csv, b.csv); expected one export file',
    );
  });

  it('a zip with a folder entry and one export reads the export', async () => {
    const path = writeTemp(dir, 'folder.zip', await zipOf({ 'Survey/': '', 'Survey/My Survey.csv': 'ResponseID,Q1\nR_aaaaaaaaaaaaaaa,1\n' }));
    const { file, records } = await readAll(path);
    expect(file.entryName).toBe('Survey/My Survey.csv');
    expect(records.map((r) => [r.responseId, r.values.Q1])).toEqual([['R_aaaaaaaaaaaaaaa', 1]]);
  });

  it('a CSV whose ImportId row is broken', async () => {
    const rows = ['ResponseId,Q1', 'Response ID,Question', `${id({ ImportId: '_recordId' })},"{""ImportId"":""QID1"""`, 'R_a,1'];
    const path = writeTemp(dir, 'broken-importid.csv', rows.join('\r\n'));
    expect(await failure(path, () => openExport(path))).toMatch(
      /^: ImportId header row, column 2 \(Q1\) is not valid JSON \(.+\): \{"ImportId":"QID1"$/,
    );
    const noId = writeTemp(dir, 'no-importid.csv', ['A,B', 'a,b', `${id({ ImportId: 'x' })},"{""choiceId"":""1""}"`].join('\n'));
    expect(await failure(noId, () => openExport(noId))).toBe(': ImportId header row, column 2 (B) has no ImportId: {"choiceId":"1"}');
    const insights = writeTemp(dir, 'broken-insights.csv', ["A,B", 'a,b', "{'ImportId': 'x'},{'ImportId': 'QID1'"].join('\n'));
    expect(await failure(insights, () => openExport(insights))).toBe(
      ": ImportId header row, column 2 (B) is not a {'ImportId': …} literal: {'ImportId': 'QID1'",
    );
    const zone = writeTemp(dir, 'bad-zone.csv', ['A', 'a', id({ ImportId: 'startDate', timeZone: 'Mars/Olympus' })].join('\n'));
    expect(await failure(zone, () => openExport(zone))).toBe(': ImportId header row, column 1 (A) names unknown time zone "Mars/Olympus"');
  });

  it('a CSV cut off inside a quoted answer, and a row too wide', async () => {
    const head = ['ResponseId,Q1,Q2', 'Response ID,Q1,Q2', [id({ ImportId: '_recordId' }), id({ ImportId: 'QID1_TEXT' }), id({ ImportId: 'QID2' })].join(',')];
    const cut = writeTemp(dir, 'cut.csv', [...head, 'R_a,"fine",1', 'R_b,"this answer never ends,1'].join('\r\n'));
    expect(await failure(cut, () => readAll(cut))).toBe(
      ': data row 2 has 2 fields, the header has 3 (truncated file or unbalanced quotes?)',
    );
    const wide = writeTemp(dir, 'wide.csv', [...head, 'R_a,x,1,surprise'].join('\r\n'));
    expect(await failure(wide, () => readAll(wide))).toBe(': data row 1 has 4 fields, the header has 3');
  });

  it('a bad NDJSON line and a JSON file that is not a response export', async () => {
    const ndjson = writeTemp(dir, 'bad.ndjson', '{"responseId":"R_a","values":{}}\n{"responseId": oops}\n');
    expect(await failure(ndjson, () => readAll(ndjson))).toMatch(/^: line 2 is not valid JSON \(/);
    const other = writeTemp(dir, 'survey.json', '{"result":{"id":"SV_1"},"meta":{"httpStatus":"200 - OK"}}');
    expect(await failure(other, () => readAll(other))).toBe(': is not a JSON response export (no "responses" array)');
    const truncated = writeTemp(dir, 'truncated.json', '{"responses":[{"responseId":"R_a","values":{"QID1":1}},{"responseId":"R_b","val');
    expect(await failure(truncated, () => readAll(truncated))).toMatch(/^: is not a valid JSON export \(/);
  });

  it('an unknown time zone in the options', async () => {
    const path = writeTemp(dir, 'ok.csv', 'ResponseID\nR_a\n');
    expect(await failure(path, () => openExport(path, { timeZone: 'Nowhere/Land' }))).toBe(
      ': unknown time zone "Nowhere/Land" in options',
    );
  });
});
