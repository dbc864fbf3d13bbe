import { readFile, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExportRecords, exportRecords, exportToFile } from '../../src/export/index.ts';
import type { ExportRecord } from '../../src/formats/index.ts';
import type { Simulator } from '../../src/sim/index.ts';
import { diffJsonRecords, diffTabular, groundTruth, simClient, startTestSimulator, type TruthLine, tabularToFields } from './helpers.ts';

/**
 * Every export format, run through the whole pipeline against the simulator, read back and compared with the
 * simulator's ground truth (`GET /_sim/surveys/{id}/responses`, whose `values` are the json export's): json and
 * ndjson value by value, csv and tsv through the column map, spss for its numeric variables, xml as a file.
 * The three generated surveys cover every question family, loop and merge, side by side and embedded data.
 */

let sim: Simulator;
let dir: string;
const truth = new Map<string, TruthLine[]>();

beforeAll(async () => {
  sim = await startTestSimulator({ responsesPerSurvey: 120 });
  dir = mkdtempSync(join(tmpdir(), 'qsync-e2e-roundtrip-'));
  for (const id of sim.surveyIds) truth.set(id, await groundTruth(sim, id));
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

async function readAll(opened: ExportRecords): Promise<ExportRecord[]> {
  const out: ExportRecord[] = [];
  for await (const record of opened.records()) out.push(record);
  return out;
}

describe.each([0, 1, 2])('survey %i', (n) => {
  const surveyId = () => sim.surveyIds[n]!;

  it('json records equal the ground truth value by value', async () => {
    const opened = await exportRecords(simClient(sim), { surveyId: surveyId(), params: { format: 'json' } });
    const records = await readAll(opened);
    expect(records.length).toBeGreaterThan(100);
    expect(diffJsonRecords(records, truth.get(surveyId())!)).toEqual([]);
  });

  it('ndjson records equal the ground truth value by value', async () => {
    const opened = await exportRecords(simClient(sim), { surveyId: surveyId(), params: { format: 'ndjson' } });
    expect(diffJsonRecords(await readAll(opened), truth.get(surveyId())!)).toEqual([]);
  });

  it.each(['csv', 'tsv'] as const)('%s records equal the ground truth through the column map', async (format) => {
    const opened = await exportRecords(simClient(sim), { surveyId: surveyId(), params: { format, includeDisplayOrder: true } });
    const rows = (await readAll(opened)).map((r) => ({ responseId: r.responseId, fields: tabularToFields(r, opened.columns.columns) }));
    expect(opened.columns.dialect).toBe('current');
    expect(diffTabular(rows, truth.get(surveyId())!, 1000)).toEqual([]);
  });

  it('csv dates written in a time zone come back in UTC', async () => {
    const opened = await exportRecords(simClient(sim), {
      surveyId: surveyId(),
      params: { format: 'csv', timeZone: 'America/Chicago', includeDisplayOrder: true },
    });
    const rows = (await readAll(opened)).map((r) => ({ responseId: r.responseId, fields: tabularToFields(r, opened.columns.columns) }));
    expect(opened.columns.columns.find((c) => c.metadata === 'startDate')?.timeZone).toBe('America/Chicago');
    // A local time in the hour repeated when DST ends (e.g. 01:30 on the first Sunday of November) names two
    // instants an hour apart and the file has no offset to tell them apart: the parser takes the first, so such a
    // date may come back exactly one hour early. Every other date must match.
    const problems = diffTabular(rows, truth.get(surveyId())!, 1000).filter((p) => !isRepeatedHourShift(p, 'America/Chicago'));
    expect(problems).toEqual([]);
  });

  it('spss numeric variables read back equal the ground truth', async () => {
    // The csv column map says which field each variable holds: an SPSS file has the csv's columns in the same
    // order (without display-order and label columns), under names made legal for SPSS.
    const csv = await exportRecords(simClient(sim), { surveyId: surveyId(), params: { format: 'csv', limit: 1 } });
    await csv.close();
    const opened = await exportRecords(simClient(sim), { surveyId: surveyId(), params: { format: 'spss' } });
    const variables = opened.columns.columns;
    expect(variables).toHaveLength(csv.columns.columns.length);
    const renamed = variables.filter((v, i) => v.key !== spssName(csv.columns.columns[i]!.name));
    expect(renamed.length).toBeLessThanOrEqual(2);
    const pairs = csv.columns.columns.map((c, i) => [c, variables[i]!] as const).filter(([, v]) => !v.isText);
    expect(pairs.length).toBeGreaterThanOrEqual(8);
    const numericColumns = pairs.map(([c]) => c);
    const variableOf = new Map(pairs.map(([c, v]) => [c, v.key]));
    const records = await readAll(opened);
    const rows = records.map((r) => ({
      responseId: r.responseId,
      fields: tabularToFields(r, numericColumns, (c) => r.values[variableOf.get(c)!] ?? null),
    }));
    const fields = new Set(numericColumns.map((c) => c.importId));
    const numericTruth = truth.get(surveyId())!.map((line) => ({
      ...line,
      values: Object.fromEntries(Object.entries(line.values).filter(([k]) => fields.has(k))),
    }));
    expect(diffTabular(rows, numericTruth, 1000)).toEqual([]);
    // System-missing cells read as null, never as SPSS's -DBL_MAX.
    expect(records.some((r) => Object.values(r.values).some((v) => v === null))).toBe(true);
    expect(records.every((r) => Object.values(r.values).every((v) => typeof v !== 'number' || v > -1e300))).toBe(true);
  });

  it('xml is delivered as a well-formed file holding every response', async () => {
    const result = await exportToFile(simClient(sim), { surveyId: surveyId(), params: { format: 'xml' } }, { out: dir });
    const text = await readFile(result.path, 'utf8');
    expect(result.path.endsWith('.xml')).toBe(true);
    expect(text.startsWith('<?xml')).toBe(true);
    expect(wellFormed(text)).toBe(true);
    const ids = [...text.matchAll(/R_[A-Za-z0-9]{10,20}/g)].map((m) => m[0]);
    expect(new Set(ids)).toEqual(new Set(truth.get(surveyId())!.map((l) => l.responseId)));
  });
});

/** SPSS variable names: letters, digits and `_ . @ # $`, not starting with a digit. */
function spssName(name: string): string {
  const legal = name.replace(/[^A-Za-z0-9_.@#$]/g, '_');
  return /^[0-9]/.test(legal) ? `v${legal}` : legal;
}

/** Tags balance (a small check, without an XML parser among the dependencies). */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const body = xml.replace(/<\?[^>]*\?>/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  for (const m of body.matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

/** True for a date difference `got X, truth Y` where X = Y − 1 h and Y's local time in `zone` occurs twice. */
function isRepeatedHourShift(problem: string, zone: string): boolean {
  const m = /got "([^"]+)", truth "([^"]+)"/.exec(problem);
  if (!m) return false;
  const got = Date.parse(m[1]!);
  const truth = Date.parse(m[2]!);
  if (Math.abs(truth - got - 3_600_000) > 1000) return false;
  const offset = (t: number) => {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(t);
    const n = (type: string) => Number(parts.find((x) => x.type === type)?.value);
    return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(t / 1000) * 1000;
  };
  const wall = (t: number) => Math.floor(t / 1000) * 1000 + offset(t);
  // Same wall-clock time at both instants: the local time is ambiguous.
  return wall(got) === wall(truth);
}
