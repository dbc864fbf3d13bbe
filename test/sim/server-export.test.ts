import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, envelope, type Harness, runExport, startExport, startHarness } from './harness.ts';
import { unzipAll } from './unzip.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ exportDelayMs: 10_000 });
});
afterAll(() => h.close());

const sv = 'SV_fake0000000001';
const exportPath = `/surveys/${sv}/export-responses`;

async function refusal(body: unknown): Promise<{ status: number; code?: string; message?: string }> {
  const res = await h.api(exportPath, { method: 'POST', json: body });
  const env = await envelope(res);
  return { status: res.status, code: env.meta.error?.errorCode, message: env.meta.error?.errorMessage };
}

async function download(surveyId: string, fileId: string): Promise<Response> {
  return h.api(`/surveys/${surveyId}/export-responses/${fileId}/file`);
}

async function exportedIds(body: Record<string, unknown>): Promise<string[]> {
  const done = await runExport(h, sv, { ...body, format: 'json', compress: false });
  expect(done.status).toBe('complete');
  const file = (await (await download(sv, done.fileId)).json()) as { responses: Array<{ responseId: string }> };
  return file.responses.map((r) => r.responseId);
}

describe('export-responses option validation', () => {
  it('accepts every documented option with its type', async () => {
    const res = await h.api(exportPath, {
      method: 'POST',
      json: {
        format: 'csv',
        compress: true,
        startDate: '2024-01-01T00:00:00Z',
        endDate: '2030-01-01T00:00:00.000+02:00',
        limit: 10,
        questionIds: ['QID1'],
        embeddedDataIds: ['segment'],
        surveyMetadataIds: ['startDate', '_recordId', 'externalDataReference'],
        seenUnansweredRecode: -99,
        multiselectSeenUnansweredRecode: 0,
        timeZone: 'America/Chicago',
        breakoutSets: false,
        exportResponsesInProgress: false,
        formatDecimalAsComma: true,
        sortByLastModifiedDate: true,
        newlineReplacement: ' ',
        includeDisplayOrder: true,
        includeLabelColumns: true,
        allowContinuation: true,
      },
    });
    expect(res.status).toBe(200);
    const body = await envelope(res);
    expect(body.result).toEqual({ progressId: expect.stringMatching(/^ES_[A-Za-z0-9]{15}$/), percentComplete: 0, status: 'inProgress' });
  });

  it('refuses wrong types, unknown fields and malformed bodies with 400 ERS_1', async () => {
    const cases: unknown[] = [
      {},
      { format: 'pdf' },
      { format: 'csv', compress: 'yes' },
      { format: 'csv', limit: 1.5 },
      { format: 'csv', questionIds: 'QID1' },
      { format: 'csv', includedQuestionIds: ['QID1'] },
      { format: 'csv', startDate: 20240101 },
      [],
    ];
    for (const body of cases) expect(await refusal(body)).toMatchObject({ status: 400, code: 'ERS_1' });
    const notJson = await h.api(exportPath, {
      method: 'POST',
      body: '{format:',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    const empty = await h.api(exportPath, { method: 'POST', body: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
  });

  it('refuses bad values: dates, time zones, ids, limit (ERS_6)', async () => {
    const cases = [
      { startDate: '2024-02-30T00:00:00Z' },
      { startDate: '2024-01-01' },
      { endDate: '2024-01-01T25:00:00Z' },
      { startDate: '2024-02-01T00:00:00Z', endDate: '2024-01-01T00:00:00Z' },
      { timeZone: 'Mars/Olympus' },
      { timeZone: '+02:00' },
      { questionIds: ['QID99'] },
      { embeddedDataIds: ['nope'] },
      { surveyMetadataIds: ['ResponseId'] },
      { limit: 0 },
    ];
    for (const c of cases) expect(await refusal({ format: 'csv', ...c })).toMatchObject({ status: 400, code: 'ERS_6' });
  });

  it('refuses each option json and ndjson do not allow (ERS_2), naming it', async () => {
    const options: Record<string, unknown> = {
      includeDisplayOrder: false,
      useLabels: true,
      formatDecimalAsComma: true,
      seenUnansweredRecode: -1,
      multiselectSeenUnansweredRecode: -1,
      timeZone: 'UTC',
      newlineReplacement: ' ',
      breakoutSets: false,
    };
    for (const format of ['json', 'ndjson']) {
      for (const [k, v] of Object.entries(options)) {
        const r = await refusal({ format, [k]: v });
        expect(r).toMatchObject({ status: 400, code: 'ERS_2' });
        expect(r.message).toContain(k);
      }
      expect(await refusal({ format, includeLabelColumns: true })).toEqual({
        status: 200,
        code: undefined,
        message: undefined,
      });
    }
  });

  it('refuses newlineReplacement outside csv and tsv', async () => {
    for (const format of ['xml', 'spss']) {
      expect(await refusal({ format, newlineReplacement: ' ' })).toMatchObject({ status: 400, code: 'ERS_2' });
    }
    expect((await refusal({ format: 'tsv', newlineReplacement: ' ' })).status).toBe(200);
  });

  it('refuses incompatible combinations (ERS_3)', async () => {
    const cases = [
      { filterId: 'FILTER_even', allowContinuation: true },
      { filterId: 'FILTER_even', sortByLastModifiedDate: true },
      { filterId: 'FILTER_even', continuationToken: 'abc' },
      { continuationToken: 'abc', allowContinuation: true },
      { continuationToken: 'abc', allowContinuation: false },
      { includeLabelColumns: true, useLabels: true },
    ];
    for (const c of cases) expect(await refusal({ format: 'csv', ...c })).toMatchObject({ status: 400, code: 'ERS_3' });
  });

  it('refuses an unknown filter (ERS_5), an unknown token (ERS_4) and an unknown survey (404)', async () => {
    expect(await refusal({ format: 'csv', filterId: 'FILTER_nope' })).toMatchObject({ status: 400, code: 'ERS_5' });
    expect(await refusal({ format: 'csv', continuationToken: 'not-a-token' })).toMatchObject({
      status: 400,
      code: 'ERS_4',
    });
    const res = await h.api('/surveys/SV_unknown000001/export-responses', { method: 'POST', json: { format: 'csv' } });
    expect(res.status).toBe(404);
    expect((await envelope(res)).meta.error?.errorCode).toBe('GSI_2');
  });
});

describe('export lifecycle', () => {
  it('progress rises over the export delay, then complete with a <uuid>-def fileId; the zip holds <Survey>.csv', async () => {
    const progressId = await startExport(h, sv, { format: 'csv' });
    const poll = async () => (await envelope(await h.api(`${exportPath}/${progressId}`))).result!;
    expect(await poll()).toEqual({ percentComplete: 0, status: 'inProgress' });
    await advance(h, 5_000);
    const half = await poll();
    expect(half['status']).toBe('inProgress');
    expect(half['percentComplete']).toBeGreaterThanOrEqual(50);
    expect(half['percentComplete']).toBeLessThan(100);
    await advance(h, 5_000);
    const done = await poll();
    expect(done).toEqual({
      fileId: expect.stringMatching(/^[0-9a-f-]{36}-def$/),
      percentComplete: 100,
      status: 'complete',
    });
    const file = await download(sv, done['fileId'] as string);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/zip');
    expect(file.headers.get('content-disposition')).toContain('Fake survey 1.zip');
    const entries = await unzipAll(Buffer.from(await file.arrayBuffer()));
    expect(entries.map((e) => e.name)).toEqual(['Fake survey 1.csv']);
    expect(entries[0]!.data.toString().split('\r\n')[0]).toBe('ResponseId');
  });

  it('404 for a file before completion, an unknown progress id, and a file of another survey', async () => {
    const progressId = await startExport(h, sv, { format: 'json' });
    expect((await h.api(`${exportPath}/ES_unknown0000000`)).status).toBe(404);
    expect((await h.api(`/surveys/SV_fake0000000002/export-responses/${progressId}`)).status).toBe(404);
    await advance(h, 10_000);
    const done = (await envelope(await h.api(`${exportPath}/${progressId}`))).result!;
    expect((await download('SV_fake0000000002', done['fileId'] as string)).status).toBe(404);
    expect((await download(sv, 'aaaaaaaa-0000-0000-0000-000000000000-def')).status).toBe(404);
  });

  it('applies filters, limits and dates through to the file', async () => {
    const all = await exportedIds({});
    expect(all).toHaveLength(h.world.count(sv));
    expect(await exportedIds({ limit: 2 })).toEqual(all.slice(0, 2));
    const even = await exportedIds({ filterId: 'FILTER_even' });
    expect(even.length).toBeGreaterThan(0);
    expect(even.length).toBeLessThan(all.length);
    expect(await exportedIds({ startDate: '2099-01-01T00:00:00Z' })).toEqual([]);
  });

  it('continuation round trip: the token returns exactly the 3 added and 2 edited responses', async () => {
    const first = await runExport(h, sv, { format: 'json', compress: false, allowContinuation: true });
    expect(first.continuationToken).toEqual(expect.any(String));
    await advance(h, 1_000);
    const added = (await (await h.control('POST', `/surveys/${sv}/responses`, { count: 3 })).json()) as {
      responseIds: string[];
    };
    const existing = (await exportedIds({})).slice(0, 2);
    const edited = (await (await h.control('POST', `/surveys/${sv}/responses/edit`, { responseIds: existing })).json()) as {
      responseIds: string[];
    };
    expect(edited.responseIds).toEqual(existing);
    const second = await runExport(h, sv, {
      format: 'json',
      compress: false,
      sortByLastModifiedDate: true,
      continuationToken: first.continuationToken,
    });
    expect(second.continuationToken).toEqual(expect.any(String));
    expect(second.continuationToken).not.toBe(first.continuationToken);
    const ids = ((await (await download(sv, second.fileId)).json()) as { responses: Array<{ responseId: string }> })
      .responses.map((r) => r.responseId);
    expect(new Set(ids)).toEqual(new Set([...added.responseIds, ...existing]));
    expect(ids).toHaveLength(5);
  });

  it('a continuation token of another survey is refused', async () => {
    const first = await runExport(h, sv, { format: 'json', allowContinuation: true });
    const res = await h.api('/surveys/SV_fake0000000002/export-responses', {
      method: 'POST',
      json: { format: 'json', continuationToken: first.continuationToken },
    });
    expect(res.status).toBe(400);
    expect((await envelope(res)).meta.error?.errorCode).toBe('ERS_4');
  });

  it('files and continuation tokens expire after 7 simulated days (404 / 400)', async () => {
    const done = await runExport(h, sv, { format: 'json', allowContinuation: true });
    expect((await download(sv, done.fileId)).status).toBe(200);
    await advance(h, 7 * 24 * 3600 * 1000);
    const file = await download(sv, done.fileId);
    expect(file.status).toBe(404);
    expect((await envelope(file)).meta.error?.errorCode).toBe('ERS_8');
    expect(await refusal({ format: 'json', continuationToken: done.continuationToken })).toMatchObject({
      status: 400,
      code: 'ERS_4',
    });
  });

  it('an export does not see what happened after it started (asOf)', async () => {
    const progressId = await startExport(h, sv, { format: 'json', compress: false });
    const before = h.world.count(sv);
    await advance(h, 1);
    await h.control('POST', `/surveys/${sv}/responses`, { count: 2 });
    await advance(h, 10_000);
    const done = (await envelope(await h.api(`${exportPath}/${progressId}`))).result!;
    const file = (await (await download(sv, done['fileId'] as string)).json()) as { responses: unknown[] };
    expect(file.responses).toHaveLength(before);
  });
});
