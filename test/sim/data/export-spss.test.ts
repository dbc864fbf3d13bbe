import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimResponse } from '../../../src/sim/contract.ts';
import { exportBytes, exportCsv, makeWorld, parseCsv, surveyAt } from './helpers.ts';

interface SavVariable {
  name: string;
  type: number;
  label?: string;
}
interface SavReaderInstance {
  meta: {
    header: { n_cases: number; encoding?: string };
    sysvars: SavVariable[];
    valueLabels: Array<{ appliesToNames: string[]; entries: Array<{ val: number; label: string }> }>;
  };
  open(): Promise<void>;
  readAllRows(includeNulls?: boolean): Promise<Array<Record<string, unknown>>>;
}
const { SavBufferReader } = createRequire(import.meta.url)('sav-reader') as {
  SavBufferReader: new (buffer: Buffer) => SavReaderInstance;
};

const world = makeWorld(13, 25);
const s1 = surveyAt(world, 1);
const responses: SimResponse[] = [...world.responses(s1.id)];
let sav: Buffer;
let dir: string;

beforeAll(async () => {
  sav = await exportBytes(world, 1, { format: 'spss' });
  dir = mkdtempSync(join(tmpdir(), 'qsync-sav-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('spss (.sav)', () => {
  it('is read back by sav-reader: variables, labels, value labels, values', async () => {
    const reader = new SavBufferReader(sav);
    await reader.open();
    expect(reader.meta.header.n_cases).toBe(25);
    expect(reader.meta.header.encoding).toBe('UTF-8');
    const names = reader.meta.sysvars.map((v) => v.name);
    expect(names.slice(0, 3)).toEqual(['StartDate', 'EndDate', 'Status']);
    expect(names).toContain('Duration__in_seconds_');
    expect(names).toContain('Q1.3#1_1');
    expect(names).toContain('v1_Q2.1');
    expect(names.filter((n) => n.toLowerCase().startsWith('manager'))).toEqual(['manager', 'manager_1']);
    expect(reader.meta.sysvars.find((v) => v.name === 'Q1.1')!.label).toBe('Which office do you work in?');
    const office = reader.meta.valueLabels.find((s) => s.appliesToNames.includes('Q1.1'))!;
    expect(office.entries.map((e) => e.val)).toEqual([1, 2, 3, 4]);
    expect(office.entries[0]!.label).toBe('Zürich');
    const rows = await reader.readAllRows(true);
    expect(rows).toHaveLength(25);
    expect(rows.map((r) => r.ResponseId)).toEqual(responses.map((r) => r.responseId));
    expect(rows.map((r) => r.Status)).toEqual(responses.map((r) => r.meta.status));
    expect(rows.map((r) => r['Q1.1'])).toEqual(responses.map((r) => (r.answers.QID1 as number | undefined) ?? null));
    // DATETIME values are seconds since 1582-10-14.
    expect(rows[0]!.StartDate).toBe(responses[0]!.meta.startDate / 1000 + 12_219_379_200);
  });

  it('is read by PSPP, with the same data as the csv export', () => {
    const probe = spawnSync('pspp-convert', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      throw new Error('pspp-convert not found: install PSPP (apt-get install -y pspp) to run the .sav compatibility test');
    }
    const path = join(dir, 'pulse.sav');
    writeFileSync(path, sav);
    const out = join(dir, 'pulse.csv');
    execFileSync('pspp-convert', [path, out], { encoding: 'utf8' });
    const rows = parseCsv(readFileSync(out, 'utf8').replaceAll('\r\n', '\n').replaceAll('\n', '\r\n'));
    expect(rows).toHaveLength(26);
    const header = rows[0]!;
    const idCol = header.indexOf('ResponseId');
    expect(rows.slice(1).map((r) => r[idCol])).toEqual(responses.map((r) => r.responseId));
    const names = header.indexOf('RecipientFirstName');
    expect(rows.slice(1).map((r) => r[names])).toEqual(responses.map((r) => r.meta.recipientFirstName));
    const syntax = join(dir, 'dict.sps');
    writeFileSync(syntax, `GET FILE='${path}'.\nDISPLAY DICTIONARY.\n`);
    const run = spawnSync('pspp', ['-O', 'format=txt', '-o', join(dir, 'dict.txt'), syntax], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const dict = readFileSync(join(dir, 'dict.txt'), 'utf8');
    expect(`${run.stdout}${run.stderr}${dict}`).not.toMatch(/warning|error/i);
    expect(dict).toContain('São Paulo');
    expect(dict).toContain('How large is your team?');
  });

  it('keeps strings whole up to 255 bytes and cuts longer ones on a character boundary', async () => {
    const w = makeWorld(13, 3);
    const s = surveyAt(w, 2);
    w.clock.advance(1000);
    const rid = w.create(s.id, { QID3_TEXT: 'é'.repeat(200) });
    const reader = new SavBufferReader(await exportBytes(w, 2, { format: 'spss' }));
    await reader.open();
    const rows = await reader.readAllRows(true);
    const ours = rows.find((r) => r.ResponseId === rid)!;
    expect(ours.Q3).toBe('é'.repeat(127));
    const csv = await exportCsv(w, 2);
    expect(csv.at(-1)!.includes('é'.repeat(200))).toBe(true);
  });
});
