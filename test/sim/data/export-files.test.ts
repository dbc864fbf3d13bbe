import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { buildExport, defaultExportOptions, exportEntryName } from '../../../src/sim/export/index.ts';
import { drain, exportBytes, makeWorld, surveyAt } from './helpers.ts';

/** Determinism, zip packaging, content types and the xml file. */

function unzip(buffer: Buffer): Promise<Array<{ name: string; data: Buffer }>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const entries: Array<{ name: string; data: Buffer }> = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          drain(stream).then((data) => {
            entries.push({ name: entry.fileName, data });
            zip.readEntry();
          }, reject);
        });
      });
      zip.on('end', () => resolve(entries));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('determinism', () => {
  for (const format of ['csv', 'json', 'spss', 'xml'] as const) {
    it(`same seed gives byte-identical ${format}; another seed gives other data`, async () => {
      const a = await exportBytes(makeWorld(99, 30), 1, { format });
      const b = await exportBytes(makeWorld(99, 30), 1, { format });
      const c = await exportBytes(makeWorld(100, 30), 1, { format });
      expect(a.equals(b)).toBe(true);
      expect(a.equals(c)).toBe(false);
    });
  }

  it('zipped exports are byte-identical too (entry time = asOf)', async () => {
    const a = await exportBytes(makeWorld(99, 10), 0, { compress: true });
    const b = await exportBytes(makeWorld(99, 10), 0, { compress: true });
    expect(a.equals(b)).toBe(true);
  });
});

describe('zip and file names', () => {
  it('holds a single entry named after the survey, "/" replaced so no directory is created', async () => {
    const world = makeWorld(5, 12);
    const pulse = surveyAt(world, 1);
    expect(pulse.name).toContain('2024/25:');
    const zipped = await exportBytes(world, 1, { format: 'csv', compress: true });
    const entries = await unzip(zipped);
    expect(entries.map((e) => e.name)).toEqual(['Employee Pulse 2024_25: Zürich, Montréal & São Paulo.csv']);
    expect(entries[0]!.data.equals(await exportBytes(world, 1, { format: 'csv' }))).toBe(true);
  });

  it('names entries per format and sets the content type', () => {
    const world = makeWorld(5, 1);
    const id = surveyAt(world, 2).id;
    const expected = {
      csv: 'text/csv; charset=UTF-8',
      tsv: 'text/tab-separated-values; charset=UTF-16LE',
      json: 'application/json',
      ndjson: 'application/x-ndjson',
      spss: 'application/octet-stream',
      xml: 'application/xml',
    } as const;
    for (const [format, type] of Object.entries(expected) as Array<[keyof typeof expected, string]>) {
      const plain = buildExport(world, id, defaultExportOptions({ format, compress: false, asOf: 0 }));
      const zipped = buildExport(world, id, defaultExportOptions({ format, compress: true, asOf: 0 }));
      expect(plain.contentType).toBe(type);
      expect(zipped.contentType).toBe('application/zip');
      expect(plain.entryName).toBe(`Website Feedback (Beta).${format === 'spss' ? 'sav' : format}`);
    }
    expect(exportEntryName('C: drive/survey\\x', 'csv')).toBe('C_ drive_survey_x.csv');
    expect(exportEntryName('..', 'xml')).toBe('Survey.xml');
    expect(() => buildExport(world, 'SV_missing', defaultExportOptions())).toThrow(/unknown survey/);
  });

  it('open() streams the whole file again on every call', async () => {
    const world = makeWorld(5, 8);
    const file = buildExport(world, surveyAt(world, 0).id, defaultExportOptions({ compress: false, asOf: world.clock.now() }));
    const first = await drain(file.open());
    expect((await drain(file.open())).equals(first)).toBe(true);
  });
});

describe('xml', () => {
  it('looks like a real Qualtrics xml export and escapes text', async () => {
    const world = makeWorld(8, 40);
    const text = (await exportBytes(world, 0, { format: 'xml' })).toString('utf8');
    expect(text.startsWith('<?xml version="1.0" ?>\n<Responses>\n\t<Response>\n\t\t<startDate>')).toBe(true);
    expect(text.endsWith('\t</Response>\n</Responses>\n')).toBe(true);
    expect(text.match(/<Response>/g)).toHaveLength(40);
    expect(text).toMatch(/<_recordId>R_[A-Za-z0-9]{15}<\/_recordId>/);
    expect(text).toMatch(/<QID2_3>(3)?<\/QID2_3>/);
    expect(text).toContain('<Q');
    expect(text).not.toMatch(/<[^>]*[#\s][^>]*>[^<]*<\//);
    expect(text).toContain('&#13;\n');
    const labelled = (await exportBytes(world, 0, { format: 'xml', useLabels: true })).toString('utf8');
    expect(labelled).toMatch(/<status>(IP Address|Survey Preview)<\/status>/);
    expect(labelled).toMatch(/<finished>(True|False)<\/finished>/);
    const pulse = (await exportBytes(world, 1, { format: 'xml' })).toString('utf8');
    expect(pulse).toContain('<_1_QID4>');
    expect(pulse).toMatch(/<QID3_1_1>\d?<\/QID3_1_1>/);
  });
});
