import { describe, expect, it } from 'vitest';
import { BESKAR, exportBytes, exportCsv, fixture, makeWorld, parseCsv, RAVEN, SALAMI } from './helpers.ts';

/**
 * The simulator's files against the real current-format exports in test/fixtures/real/: same header structure,
 * ImportId keys, metadata columns and order, value encodings, line handling and byte-level encoding.
 */

const beskar = parseCsv(fixture(BESKAR).toString('utf8'));
const salami = parseCsv(fixture(SALAMI).toString('utf8'));
const world = makeWorld(11, 60);
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function importIds(rows: string[][]): Record<string, unknown>[] {
  return rows[2]!.map((cell) => JSON.parse(cell) as Record<string, unknown>);
}

describe('csv against real exports', () => {
  it('has the same three header rows: tags, labels, ImportId JSON', async () => {
    const rows = await exportCsv(world, 0);
    for (const real of [beskar, salami]) expect(real[2]!.every((c) => c.startsWith('{"ImportId":'))).toBe(true);
    expect(rows[2]!.every((c) => c.startsWith('{"ImportId":'))).toBe(true);
    expect(rows[0]!.length).toBe(rows[1]!.length);
    expect(rows[0]!.length).toBe(rows[2]!.length);
    expect(rows[0]!.length).toBe(50);
  });

  it('writes the metadata columns with the real names, labels, ImportIds and order', async () => {
    const rows = await exportCsv(world, 0);
    expect(rows[0]!.slice(0, 17)).toEqual(beskar[0]!.slice(0, 17));
    expect(rows[1]!.slice(0, 17)).toEqual(beskar[1]!.slice(0, 17));
    const ours = importIds(rows).slice(0, 17).map((o) => o.ImportId);
    expect(ours).toEqual(importIds(beskar).slice(0, 17).map((o) => o.ImportId));
  });

  it('uses only the real ImportId keys, with timeZone on dates and choiceId on breakout columns', async () => {
    const ids = importIds(await exportCsv(world, 0));
    const realKeys = new Set([...importIds(beskar), ...importIds(salami)].flatMap((o) => Object.keys(o)));
    for (const o of ids) for (const k of Object.keys(o)) expect(realKeys).toContain(k);
    expect(ids.filter((o) => 'timeZone' in o).map((o) => o.ImportId)).toEqual(['startDate', 'endDate', 'recordedDate']);
    expect(ids.filter((o) => 'choiceId' in o).map((o) => `${o.ImportId}/${o.choiceId}`)).toEqual(
      ['1', '2', '3', '4', '5', '7'].map((c) => `QID2/${c}`),
    );
  });

  it('labels like the real ones: Selected Choice, Other - Text, NPS Group', async () => {
    const [tags, labels] = await exportCsv(world, 0);
    const at = (tag: string) => labels![tags!.indexOf(tag)]!;
    expect(at('Q1')).toMatch(/ - Selected Choice$/);
    expect(at('Q1_6_TEXT')).toMatch(/ - Other, please specify - Text$/);
    expect(at('Q2_3')).toMatch(/ - Selected Choice - API$/);
    expect(at('Q4_NPS_GROUP')).toMatch(/ - Group$/);
    expect(tags!.indexOf('Q4_NPS_GROUP')).toBe(tags!.indexOf('Q4') - 1);
    // The same order as the real Salami export: NPS group first, other-text after the choice columns.
    expect(salami[0]!.indexOf('Q3.13_NPS_GROUP')).toBe(salami[0]!.indexOf('Q3.13') - 1);
    expect(tags!.indexOf('Q2_7_TEXT')).toBe(tags!.indexOf('Q2_7') + 1);
  });

  it('writes dates as YYYY-MM-DD HH:MM:SS like the real exports', async () => {
    const rows = await exportCsv(world, 0);
    for (const real of [beskar, salami]) expect(real[3]![0]).toMatch(DATE);
    for (const row of rows.slice(3)) {
      expect(row[0]).toMatch(DATE);
      expect(row[1]).toMatch(DATE);
      expect(row[7]).toMatch(DATE);
    }
  });

  it('encodes Status and Finished as 0/1 numbers, or as the real labels with useLabels', async () => {
    const numeric = await exportCsv(world, 0);
    const labelled = await exportCsv(world, 0, { useLabels: true });
    expect(new Set(numeric.slice(3).map((r) => r[2]))).toEqual(new Set(['0', '1']));
    expect(new Set(numeric.slice(3).map((r) => r[6]))).toEqual(new Set(['0', '1']));
    const realStatus = new Set(beskar.slice(3).map((r) => r[2]));
    const realFinished = new Set(beskar.slice(3).map((r) => r[6]));
    for (const v of labelled.slice(3).map((r) => r[2])) expect(realStatus).toContain(v);
    for (const v of labelled.slice(3).map((r) => r[6])) expect(realFinished).toContain(v);
    expect(new Set(labelled.slice(3).map((r) => r[2]))).toEqual(new Set(['IP Address', 'Survey Preview']));
    expect(fixture('ropensci__qualtRics/inst__extdata__sample.csv').toString('utf8')).toContain(',0,192.0.2.2,100,38,1,');
  });

  it('separates records with CRLF and keeps bare LF and CRLF inside quoted answers, as the real file does', async () => {
    const text = (await exportBytes(world, 0, { format: 'csv' })).toString('utf8');
    const real = fixture(BESKAR).toString('utf8');
    expect(real).toMatch(/"[^"]*[^\r]\n[^"]*"/);
    expect(text).toMatch(/"[^"]*[^\r]\n[^"]*"/);
    expect(text).toContain('"Line one\r\nLine two (sent from Windows)"');
    expect(text.startsWith('StartDate,')).toBe(real.startsWith('StartDate,'));
    const records = parseCsv(text);
    expect(records.length).toBe(3 + 60);
    expect(records.every((r) => r.length === 50)).toBe(true);
  });

  it('quotes like RFC 4180: commas, doubled quotes, and leading/trailing spaces', async () => {
    const text = (await exportBytes(world, 0, { format: 'csv' })).toString('utf8');
    expect(text).toContain('"Support said ""we\'ll call back"", they never did."');
    expect(text).toContain('"N/A "');
    expect(text).toContain('"partner, site"');
  });
});

describe('tsv against raven.tsv', () => {
  it('is UTF-16LE with a BOM before every record, tab-separated, CRLF-terminated', async () => {
    const real = fixture(RAVEN);
    const ours = await exportBytes(world, 1, { format: 'tsv' });
    for (const bytes of [real, ours]) {
      expect([...bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
      const text = bytes.toString('utf16le');
      const records = text.split('\r\n').filter((r) => r !== '');
      expect(records.every((r) => r.startsWith('\uFEFF'))).toBe(true);
      expect(records[0]!.split('\t').length).toBeGreaterThan(10);
    }
    const text = ours.toString('utf16le');
    expect(text.slice(1, 30)).toBe('StartDate\tEndDate\tStatus\tIPAd');
    const rows = parseCsv(text.replaceAll('\uFEFF', ''), '\t');
    expect(rows[2]![0]).toBe('{"ImportId":"startDate","timeZone":"UTC"}');
    expect(new Set(rows.map((r) => r.length)).size).toBe(1);
  });
});

describe('json and ndjson', () => {
  it('wrap responses in {"responses":[…]} with the documented keys and value types', async () => {
    const body = JSON.parse((await exportBytes(world, 0, { format: 'json' })).toString('utf8')) as {
      responses: Array<Record<string, Record<string, unknown>>>;
    };
    expect(body.responses).toHaveLength(60);
    const first = body.responses[0]!;
    expect(Object.keys(first)).toEqual(['responseId', 'values', 'labels', 'displayedFields', 'displayedValues']);
    const v = first.values!;
    expect(v.startDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(v.recordedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(typeof v.status).toBe('number');
    expect([0, 1]).toContain(v.finished);
    expect(typeof v.locationLatitude).toBe('string');
    expect(v._recordId).toBe(first.responseId);
    expect(first.labels!.status).toMatch(/^(IP Address|Survey Preview)$/);
    const all = body.responses.map((r) => r.values!);
    expect(all.some((x) => Array.isArray(x.QID2) && (x.QID2 as unknown[]).every((n) => typeof n === 'number'))).toBe(true);
    expect(all.some((x) => Array.isArray(x.QID1_DO) && (x.QID1_DO as unknown[]).every((n) => typeof n === 'string'))).toBe(true);
    expect(all.some((x) => typeof x.QID6_TEXT === 'string')).toBe(true);
    expect(all.some((x) => typeof x.panel === 'string')).toBe(true);
  });

  it('ndjson holds the same objects, one per line', async () => {
    const json = JSON.parse((await exportBytes(world, 2, { format: 'json' })).toString('utf8')) as { responses: unknown[] };
    const lines = (await exportBytes(world, 2, { format: 'ndjson' })).toString('utf8').split('\n');
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l))).toEqual(json.responses);
  });
});
