import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/sim/index.ts';
import { createFixedClock } from '../../src/sim/world/index.ts';
import { unzipAll } from './unzip.ts';

/**
 * The HTTP side over the real world and export writers: each export option's effect on csv and json files, the
 * continuation round trip, and the ground truth against the json export.
 */

let sim: Simulator;
let sv: string;
let headers: Record<string, string>;

beforeAll(async () => {
  sim = await startSimulator({
    seed: 11,
    surveys: 2,
    responsesPerSurvey: 40,
    exportDelayMs: 0,
    rateScale: 1000,
    brandLimitPerMin: 1e7,
    clock: createFixedClock(Date.UTC(2025, 5, 1)),
  });
  sv = sim.surveyIds[0]!;
  headers = { 'x-api-token': sim.apiToken, 'content-type': 'application/json' };
});
afterAll(() => sim.close());

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sim.url}/API/v3${path}`, { ...init, headers });
}

/** Runs an export (uncompressed unless the body says otherwise) and returns the file response. */
async function exportFile(body: Record<string, unknown>, surveyId = sv): Promise<Response> {
  const start = await api(`/surveys/${surveyId}/export-responses`, {
    method: 'POST',
    body: JSON.stringify({ compress: false, ...body }),
  });
  const started = (await start.json()) as { result: { progressId: string } };
  expect(start.status, JSON.stringify(started)).toBe(200);
  const progress = (await (await api(`/surveys/${surveyId}/export-responses/${started.result.progressId}`)).json()) as {
    result: { fileId: string; status: string };
  };
  expect(progress.result.status).toBe('complete');
  return api(`/surveys/${surveyId}/export-responses/${progress.result.fileId}/file`);
}

interface Csv {
  tags: string[];
  importIds: Array<Record<string, unknown>>;
  rows: string[][];
  column(tag: string): string[];
}

async function csv(body: Record<string, unknown> = {}): Promise<Csv> {
  const text = await (await exportFile({ format: 'csv', ...body })).text();
  const all = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  const tags = all[0]!;
  return {
    tags,
    importIds: all[2]!.map((c) => JSON.parse(c) as Record<string, unknown>),
    rows: all.slice(3),
    column: (tag) => all.slice(3).map((r) => r[tags.indexOf(tag)]!),
  };
}

interface JsonResponse {
  responseId: string;
  values: Record<string, unknown>;
}

async function json(body: Record<string, unknown> = {}): Promise<JsonResponse[]> {
  return ((await (await exportFile({ format: 'json', ...body })).json()) as { responses: JsonResponse[] }).responses;
}

async function truth(surveyId = sv): Promise<Array<JsonResponse & { recordedDate: string; lastModifiedDate: string }>> {
  const text = await (await fetch(`${sim.url}/_sim/surveys/${surveyId}/responses`)).text();
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('export files over the real world', () => {
  it('default csv: three header rows, one row per live response, ImportIds as JSON', async () => {
    const file = await csv();
    expect(file.tags.slice(0, 3)).toEqual(['StartDate', 'EndDate', 'Status']);
    expect(file.importIds[0]).toEqual({ ImportId: 'startDate', timeZone: 'UTC' });
    expect(file.rows).toHaveLength(sim.world.count(sv));
    expect(new Set(file.column('ResponseId'))).toEqual(new Set((await truth()).map((t) => t.responseId)));
  });

  it('default json: {responses:[…]} whose values equal the ground truth', async () => {
    const responses = await json();
    const expected = await truth();
    expect(responses.map((r) => r.responseId)).toEqual(expected.map((t) => t.responseId));
    for (const [i, r] of responses.entries()) expect(r.values).toEqual(expected[i]!.values);
  });

  it('ndjson: one response per line', async () => {
    const text = await (await exportFile({ format: 'ndjson' })).text();
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(sim.world.count(sv));
    expect(JSON.parse(lines[0]!)).toHaveProperty('responseId');
  });

  it('compress: a zip whose single entry <Survey name>.<ext> holds the same bytes', async () => {
    const name = sim.world.survey(sv)!.name;
    for (const format of ['csv', 'json']) {
      const zipped = await exportFile({ format, compress: true });
      expect(zipped.headers.get('content-type')).toBe('application/zip');
      const entries = await unzipAll(Buffer.from(await zipped.arrayBuffer()));
      expect(entries.map((e) => e.name)).toEqual([`${name}.${format}`]);
      const plain = Buffer.from(await (await exportFile({ format })).arrayBuffer());
      expect(entries[0]!.data.equals(plain)).toBe(true);
    }
  });

  it('startDate / endDate select by recorded date (inclusive / exclusive)', async () => {
    const dates = (await truth()).map((t) => t.recordedDate).sort();
    const start = dates[10]!;
    const end = dates[30]!;
    const expected = dates.filter((d) => d >= start && d < end).length;
    expect((await csv({ startDate: start, endDate: end })).rows).toHaveLength(expected);
    expect(await json({ startDate: start, endDate: end })).toHaveLength(expected);
  });

  it('limit caps the rows', async () => {
    expect((await csv({ limit: 3 })).rows).toHaveLength(3);
    expect(await json({ limit: 3 })).toHaveLength(3);
  });

  it('questionIds, embeddedDataIds and surveyMetadataIds narrow the columns', async () => {
    const narrowed = { questionIds: ['QID1'], embeddedDataIds: ['panel'], surveyMetadataIds: ['startDate', '_recordId'] };
    const file = await csv(narrowed);
    expect(file.importIds.map((i) => i['ImportId'])).toEqual(
      expect.arrayContaining(['startDate', '_recordId', 'QID1', 'panel']),
    );
    const ids = file.importIds.map((i) => String(i['ImportId']));
    expect(ids.filter((id) => /^QID/.test(id)).every((id) => /^QID1(_|$)/.test(id))).toBe(true);
    expect(ids).not.toContain('endDate');
    expect(ids).not.toContain('Segment');
    const [first] = await json(narrowed);
    const keys = Object.keys(first!.values);
    expect(keys.filter((k) => k.startsWith('QID')).every((k) => /^QID1(_|$)/.test(k))).toBe(true);
    expect(keys).toContain('panel');
    expect(keys).not.toContain('Segment');
    expect(keys).not.toContain('endDate');
  });

  it('filterId keeps the responses the filter admits', async () => {
    const survey = sim.world.survey(sv)!;
    const filterId = survey.filters[0]!.filterId;
    const admitted = [...sim.world.responses(sv)].filter((r) => sim.world.filterAdmits(sv, filterId, r));
    const ids = new Set(admitted.map((r) => r.responseId));
    expect(new Set((await csv({ filterId })).column('ResponseId'))).toEqual(ids);
    expect(new Set((await json({ filterId })).map((r) => r.responseId))).toEqual(ids);
  });

  it('exportResponsesInProgress exports the FS_ sessions only', async () => {
    const inProgress = await csv({ exportResponsesInProgress: true });
    expect(inProgress.rows.length).toBeGreaterThan(0);
    expect(inProgress.column('ResponseId').every((id) => id.startsWith('FS_'))).toBe(true);
    const sessions = await json({ exportResponsesInProgress: true });
    expect(sessions.every((r) => r.responseId.startsWith('FS_'))).toBe(true);
  });

  it('csv-only options: timeZone, useLabels, includeLabelColumns, includeDisplayOrder, breakoutSets', async () => {
    const utc = await csv();
    const chicago = await csv({ timeZone: 'America/Chicago' });
    expect(chicago.importIds[0]).toEqual({ ImportId: 'startDate', timeZone: 'America/Chicago' });
    const shift = Date.parse(`${utc.column('StartDate')[0]}Z`) - Date.parse(`${chicago.column('StartDate')[0]}Z`);
    expect([5, 6].map((hours) => hours * 3_600_000)).toContain(shift);

    expect(new Set(utc.column('Status'))).not.toContain('IP Address');
    const labelled = await csv({ useLabels: true });
    expect(labelled.column('Finished').every((v) => v === 'True' || v === 'False')).toBe(true);

    const withLabels = await csv({ includeLabelColumns: true });
    expect(withLabels.importIds.some((i) => i['IsLabelsColumn'] === true)).toBe(true);
    expect(withLabels.tags.length).toBeGreaterThan(utc.tags.length);

    expect(utc.tags.some((t) => t.endsWith('_DO'))).toBe(false);
    expect((await csv({ includeDisplayOrder: true })).tags.some((t) => t.endsWith('_DO'))).toBe(true);

    const together = await csv({ breakoutSets: false });
    expect(together.tags.length).toBeLessThan(utc.tags.length);
  });

  it('csv-only options: formatDecimalAsComma, newlineReplacement, seen-unanswered recodes', async () => {
    expect((await csv({ formatDecimalAsComma: true })).column('LocationLatitude').some((v) => v.includes(','))).toBe(true);
    const plain = await csv();
    const cells = (f: Csv) => f.rows.flat();
    expect(cells(plain).some((c) => c.includes('\n'))).toBe(true);
    const replaced = await csv({ newlineReplacement: ' ~ ' });
    expect(cells(replaced).some((c) => c.includes('\n'))).toBe(false);
    expect(cells(replaced).some((c) => c.includes(' ~ '))).toBe(true);
    expect(cells(plain)).not.toContain('-99');
    const recoded = await csv({ seenUnansweredRecode: -99, multiselectSeenUnansweredRecode: -77 });
    expect(cells(recoded)).toContain('-99');
  });

  it('sortByLastModifiedDate adds LastModifiedDate and orders by it (csv and json)', async () => {
    const [edited] = ((await (
      await fetch(`${sim.url}/_sim/surveys/${sim.surveyIds[1]}/responses/edit`, { method: 'POST', body: '{"count":1}' })
    ).json()) as { responseIds: string[] }).responseIds;
    const other = sim.surveyIds[1]!;
    const file = await (await exportFile({ format: 'csv', sortByLastModifiedDate: true }, other)).text();
    const rows = Papa.parse<string[]>(file, { skipEmptyLines: true }).data;
    expect(rows[0]).toContain('LastModifiedDate');
    expect(rows[rows.length - 1]![rows[0]!.indexOf('ResponseId')]).toBe(edited);
    const responses = ((await (await exportFile({ format: 'json', sortByLastModifiedDate: true }, other)).json()) as {
      responses: JsonResponse[];
    }).responses;
    expect(responses[responses.length - 1]!.responseId).toBe(edited);
  });
});

describe('continuation over the real world', () => {
  it('a token returns exactly the 3 added and 2 edited responses', async () => {
    const surveyId = sim.surveyIds[1]!;
    const control = (path: string, body: unknown) =>
      fetch(`${sim.url}/_sim/surveys/${surveyId}/responses${path}`, { method: 'POST', body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<{ responseIds: string[] }>,
      );
    const tick = () => fetch(`${sim.url}/_sim/clock`, { method: 'POST', body: '{"advanceMs":60000}' });
    // The clock is fixed: move it so that earlier tests' edits are strictly before this export starts.
    await tick();
    const start = await api(`/surveys/${surveyId}/export-responses`, {
      method: 'POST',
      body: JSON.stringify({ format: 'json', allowContinuation: true, sortByLastModifiedDate: true }),
    });
    const { progressId } = ((await start.json()) as { result: { progressId: string } }).result;
    const done = ((await (await api(`/surveys/${surveyId}/export-responses/${progressId}`)).json()) as {
      result: { continuationToken: string };
    }).result;
    expect(done.continuationToken).toEqual(expect.any(String));
    await tick();
    const added = await control('', { count: 3 });
    const edited = await control('/edit', { count: 2 });
    const file = (await (
      await exportFile({ format: 'json', continuationToken: done.continuationToken, sortByLastModifiedDate: true }, surveyId)
    ).json()) as { responses: JsonResponse[] };
    expect(new Set(file.responses.map((r) => r.responseId))).toEqual(
      new Set([...added.responseIds, ...edited.responseIds]),
    );
    expect(file.responses).toHaveLength(5);
  });
});

describe('other routes over the real world', () => {
  it('GET /surveys/{id} reports live responseCounts; definitions and filters answer', async () => {
    const survey = (await (await api(`/surveys/${sv}`)).json()) as { result: Record<string, unknown> };
    expect(survey.result['id']).toBe(sv);
    expect(survey.result['responseCounts']).toEqual({ auditable: sim.world.count(sv), generated: 0, deleted: 0 });
    const def = (await (await api(`/survey-definitions/${sv}`)).json()) as { result: Record<string, unknown> };
    expect(def.result['SurveyID']).toBe(sv);
    const filters = (await (await api(`/surveys/${sv}/filters`)).json()) as { result: { elements: unknown[] } };
    expect(filters.result.elements.length).toBe(sim.world.survey(sv)!.filters.length);
  });

  it('GET a single response answers its values, as in the ground truth minus _recordId', async () => {
    const [first] = await truth();
    const res = await api(`/surveys/${sv}/responses/${first!.responseId}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { result: { responseId: string; values: Record<string, unknown> } };
    expect(body.result.responseId).toBe(first!.responseId);
    const { _recordId, ...rest } = first!.values;
    expect(body.result.values).toEqual(rest);
  });
});
