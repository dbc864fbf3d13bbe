import { describe, expect, it } from 'vitest';
import { buildExport, defaultExportOptions, validateExportOptions } from '../../../src/sim/export/index.ts';
import { columnOf, exportBytes, exportCsv, makeWorld, surveyAt, T0 } from './helpers.ts';

/** Every export option of FACTS.md §5.1 changes the file as documented: one assertion (or a few) each. */

const world = makeWorld(21, 80);
const s0 = surveyAt(world, 0);
const DAY = 86_400_000;

async function ids(overrides: Parameters<typeof exportCsv>[2]): Promise<string[]> {
  const rows = await exportCsv(world, 0, overrides);
  const col = columnOf(rows, { ImportId: '_recordId' });
  return rows.slice(3).map((r) => r[col]!);
}

const everything = [...world.responses(s0.id)];

describe('export options', () => {
  it('startDate (inclusive) and endDate (exclusive) select on the recorded date', async () => {
    const from = everything[10]!.meta.recordedDate;
    const to = everything[20]!.meta.recordedDate;
    expect(await ids({ startDate: from, endDate: to })).toEqual(everything.slice(10, 20).map((r) => r.responseId));
  });

  it('limit caps the number of responses', async () => {
    expect(await ids({ limit: 7 })).toEqual(everything.slice(0, 7).map((r) => r.responseId));
  });

  it('questionIds keeps only those questions', async () => {
    const [tags] = await exportCsv(world, 0, { questionIds: ['QID4'] });
    expect(tags!.filter((t) => /^Q\d/.test(t))).toEqual(['Q4_NPS_GROUP', 'Q4']);
  });

  it('embeddedDataIds keeps only those fields', async () => {
    const [tags] = await exportCsv(world, 0, { embeddedDataIds: ['source'] });
    expect(tags!.slice(-2)).toEqual(['Q8_3', 'source']);
  });

  it('surveyMetadataIds replaces the default metadata set (canonical order kept)', async () => {
    const [tags] = await exportCsv(world, 0, { surveyMetadataIds: ['_recordId', 'startDate'], questionIds: [], embeddedDataIds: [] });
    expect(tags).toEqual(['StartDate', 'ResponseId']);
  });

  it('filterId applies the saved filter', async () => {
    const english = s0.filters.find((f) => f.filterName === 'UserLanguage = EN')!;
    const rows = await exportCsv(world, 0, { filterId: english.filterId });
    const lang = columnOf(rows, { ImportId: 'userLanguage' });
    expect(rows.length - 3).toBe(everything.filter((r) => r.meta.userLanguage === 'EN').length);
    expect(new Set(rows.slice(3).map((r) => r[lang]))).toEqual(new Set(['EN']));
  });

  it('seenUnansweredRecode fills questions shown but not answered, never questions not shown', async () => {
    const plain = await exportCsv(world, 0);
    const recoded = await exportCsv(world, 0, { seenUnansweredRecode: -99 });
    const q6 = columnOf(plain, { ImportId: 'QID6_TEXT' });
    const form = columnOf(plain, { ImportId: 'QID8_1' });
    const changed = recoded.slice(3).filter((r, i) => r[q6] !== plain[i + 3]![q6]);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((r) => r[q6] === '-99')).toBe(true);
    // QID8 is shown to 70% only: not-shown rows stay empty under the recode.
    const notShown = everything.filter((r) => r.meta.finished && !r.displayed!.includes('QID8')).map((r) => r.responseId);
    const idCol = columnOf(plain, { ImportId: '_recordId' });
    const row = recoded.find((r) => r[idCol] === notShown[0])!;
    expect(row[form]).toBe('');
  });

  it('multiselectSeenUnansweredRecode fills unselected choices of shown multi-answer questions', async () => {
    const rows = await exportCsv(world, 0, { multiselectSeenUnansweredRecode: 0 });
    const api = columnOf(rows, { ImportId: 'QID2', choiceId: '3' });
    expect(new Set(rows.slice(3).map((r) => r[api]))).toEqual(new Set(['0', '3', '']));
    const fallback = await exportCsv(world, 0, { seenUnansweredRecode: -1 });
    expect(fallback.slice(3).some((r) => r[api] === '-1')).toBe(true);
  });

  it('timeZone renders dates in that zone and names it in the ImportId row', async () => {
    const utc = await exportCsv(world, 0);
    const ny = await exportCsv(world, 0, { timeZone: 'America/New_York' });
    expect(ny[2]![0]).toBe('{"ImportId":"startDate","timeZone":"America/New_York"}');
    const first = everything[0]!.meta.startDate;
    expect(utc[3]![0]).toBe(new Date(first).toISOString().slice(0, 19).replace('T', ' '));
    expect(ny[3]![0]).toBe(new Date(first - 5 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '));
  });

  it('breakoutSets=false writes a multi-answer question as one comma-joined column', async () => {
    const rows = await exportCsv(world, 0, { breakoutSets: false });
    const col = columnOf(rows, { ImportId: 'QID2' });
    expect(rows[0]![col]).toBe('Q2');
    expect(rows.slice(3).some((r) => /^\d(,\d)+$/.test(r[col]!))).toBe(true);
  });

  it('exportResponsesInProgress exports only the FS_ sessions, with an empty RecordedDate', async () => {
    const rows = await exportCsv(world, 0, { exportResponsesInProgress: true });
    const id = columnOf(rows, { ImportId: '_recordId' });
    const recorded = columnOf(rows, { ImportId: 'recordedDate', timeZone: 'UTC' });
    expect(rows.length - 3).toBe([...world.responses(s0.id, { inProgress: true })].length);
    for (const r of rows.slice(3)) {
      expect(r[id]).toMatch(/^FS_/);
      expect(r[recorded]).toBe('');
    }
  });

  it('formatDecimalAsComma writes decimals with a comma', async () => {
    const rows = await exportCsv(world, 0, { formatDecimalAsComma: true });
    const lat = columnOf(rows, { ImportId: 'locationLatitude' });
    expect(rows.slice(3).every((r) => /^-?\d+,\d+$/.test(r[lat]!))).toBe(true);
    const slider = columnOf(rows, { ImportId: 'QID7_1' });
    expect(rows.slice(3).some((r) => /^\d+,\d$/.test(r[slider]!))).toBe(true);
  });

  it('sortByLastModifiedDate orders by last modification and adds LastModifiedDate', async () => {
    const w = makeWorld(21, 30);
    const s = surveyAt(w, 0);
    const first = [...w.responses(s.id)][0]!;
    w.clock.advance(DAY);
    w.edit(s.id, { responseIds: [first.responseId] });
    const rows = await exportCsv(w, 0, { sortByLastModifiedDate: true });
    const lm = columnOf(rows, { ImportId: 'lastModifiedDate', timeZone: 'UTC' });
    expect(rows[0]![lm]).toBe('LastModifiedDate');
    expect(rows.at(-1)![columnOf(rows, { ImportId: '_recordId' })]).toBe(first.responseId);
    expect(rows.at(-1)![lm]).toBe('2025-01-16 12:00:00');
  });

  it('newlineReplacement replaces line breaks inside answers', async () => {
    const text = (await exportBytes(world, 0, { format: 'csv', newlineReplacement: ' / ' })).toString('utf8');
    expect(text).toContain('Line one / Line two (sent from Windows)');
    expect(text.split('\r\n').length).toBe(3 + 80 + 1);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/\n/);
  });

  it('includeDisplayOrder adds _DO columns with the order shown', async () => {
    const rows = await exportCsv(world, 0, { includeDisplayOrder: true });
    const col = columnOf(rows, { ImportId: 'QID1_DO' });
    expect(rows[0]![col]).toBe('Q1_DO');
    expect(rows[3]![col]).toMatch(/^\d(\|\d){5}$/);
  });

  it('includeLabelColumns adds a label twin after each coded column, flagged IsLabelsColumn', async () => {
    const rows = await exportCsv(world, 0, { includeLabelColumns: true });
    const code = columnOf(rows, { ImportId: 'status' });
    expect(rows[2]![code + 1]).toBe('{"ImportId":"status","IsLabelsColumn":true}');
    expect(rows.slice(3).every((r) => (r[code] === '0' ? r[code + 1] === 'IP Address' : r[code + 1] === 'Survey Preview'))).toBe(true);
  });

  it('useLabels writes choice text instead of recodes', async () => {
    const rows = await exportCsv(world, 0, { useLabels: true });
    const q10 = columnOf(rows, { ImportId: 'QID10' });
    expect(rows.slice(3).every((r) => r[q10] === '' || /satisfied/.test(r[q10]!))).toBe(true);
  });

  it('since (continuation) returns only responses recorded at or after it', async () => {
    const since = everything[70]!.meta.recordedDate;
    expect(await ids({ since })).toEqual(everything.slice(70).map((r) => r.responseId));
  });

  it('compress zips the file as a single entry named after the survey', async () => {
    const zipped = await exportBytes(world, 0, { compress: true });
    expect(zipped.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
    expect(zipped.includes(Buffer.from('Customer Experience Survey 2024.csv'))).toBe(true);
  });

  it('a bad timeZone fails the stream', async () => {
    await expect(exportBytes(world, 0, { timeZone: 'Mars/Olympus' })).rejects.toThrow(/time zone/i);
    await expect(exportBytes(world, 0, { timeZone: 'Mars/Olympus', compress: true })).rejects.toThrow(/time zone/i);
  });
});

describe('asOf', () => {
  it('hides edits and deletions made after the export started, even while it is read', async () => {
    const w = makeWorld(31, 20);
    const s = surveyAt(w, 0);
    const file = buildExport(w, s.id, defaultExportOptions({ format: 'json', compress: false, asOf: w.clock.now() }));
    const before = (await exportBytes(w, 0, { format: 'json' })).toString('utf8');
    w.clock.advance(1_000);
    w.edit(s.id, { count: 5 });
    w.delete(s.id, { count: 5 });
    w.add(s.id, 3);
    const chunks: Buffer[] = [];
    for await (const c of file.open()) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(before);
    const now = JSON.parse((await exportBytes(w, 0, { format: 'json' })).toString('utf8')) as { responses: unknown[] };
    expect(now.responses).toHaveLength(18);
  });

  it('since with sortByLastModifiedDate returns new and edited responses only', async () => {
    const w = makeWorld(31, 20);
    const s = surveyAt(w, 0);
    w.clock.advance(60_000);
    const cut = w.clock.now();
    w.clock.advance(1_000);
    const edited = w.edit(s.id, { count: 2 });
    const added = w.add(s.id, 2);
    const rows = await exportCsv(w, 0, { sortByLastModifiedDate: true, since: cut });
    const col = columnOf(rows, { ImportId: '_recordId' });
    expect(new Set(rows.slice(3).map((r) => r[col]))).toEqual(new Set([...edited, ...added]));
    expect(T0).toBeLessThan(cut);
  });
});

describe('validateExportOptions', () => {
  it('reports refused combinations and accepts valid ones', () => {
    const base = defaultExportOptions({ asOf: T0 });
    expect(validateExportOptions(base)).toEqual([]);
    expect(validateExportOptions({ ...base, format: 'json' }, new Set(['breakoutSets']))).toEqual([
      'breakoutSets is not allowed with format json',
    ]);
    expect(validateExportOptions({ ...base, useLabels: true, includeLabelColumns: true })).toHaveLength(1);
    expect(validateExportOptions({ ...base, sortByLastModifiedDate: true, filterId: 'x' })).toHaveLength(1);
    expect(validateExportOptions({ ...base, timeZone: 'Nowhere/City' })).toEqual(['unknown timeZone: Nowhere/City']);
  });
});
