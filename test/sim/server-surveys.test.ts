import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope, type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ surveys: 205 });
});
afterAll(() => h.close());

const first = 'SV_fake0000000001';

describe('GET /surveys', () => {
  it('walks every page by following nextPage verbatim (default page of 100)', async () => {
    const ids: string[] = [];
    const pages: Array<string | null> = [];
    let next: string | null = `${h.url}/API/v3/surveys`;
    while (next !== null) {
      const res: Response = await fetch(next, { headers: { 'x-api-token': 'test-api-token' } });
      expect(res.status).toBe(200);
      const body = await envelope(res);
      const elements = body.result!['elements'] as Array<{ id: string }>;
      ids.push(...elements.map((e) => e.id));
      next = body.result!['nextPage'] as string | null;
      pages.push(next);
    }
    expect(pages).toEqual([`${h.url}/API/v3/surveys?offset=100`, `${h.url}/API/v3/surveys?offset=200`, null]);
    expect(ids).toHaveLength(205);
    expect(new Set(ids).size).toBe(205);
  });

  it('honours pageSize and keeps it in nextPage', async () => {
    const body = await envelope(await h.api('/surveys?pageSize=2&offset=4'));
    expect((body.result!['elements'] as unknown[]).length).toBe(2);
    expect(body.result!['nextPage']).toBe(`${h.url}/API/v3/surveys?offset=6&pageSize=2`);
    const element = (body.result!['elements'] as Array<Record<string, unknown>>)[0]!;
    expect(Object.keys(element)).toEqual(['id', 'name', 'ownerId', 'lastModified', 'creationDate', 'isActive']);
  });

  it('refuses a malformed offset or pageSize with 400', async () => {
    for (const q of ['offset=-1', 'offset=abc', 'pageSize=0', 'pageSize=1.5']) {
      const res = await h.api(`/surveys?${q}`);
      expect(res.status).toBe(400);
      expect((await envelope(res)).meta.error?.errorCode).toBe('ERS_1');
    }
  });
});

describe('survey, definition, filters', () => {
  it('GET /surveys/{id} returns the legacy shape; unknown → 404 GSI_2', async () => {
    const body = await envelope(await h.api(`/surveys/${first}`));
    expect(body.result).toMatchObject({ id: first, name: 'Fake survey 1' });
    const missing = await h.api('/surveys/SV_doesnotexist1');
    expect(missing.status).toBe(404);
    expect((await envelope(missing)).meta.error).toEqual({ errorCode: 'GSI_2', errorMessage: 'Survey not found.' });
  });

  it('GET /survey-definitions/{id} puts meta first, accepts format=qsf only', async () => {
    const res = await h.api(`/survey-definitions/${first}?format=qsf`);
    const body = await envelope(res);
    expect(Object.keys(body)).toEqual(['meta', 'result']);
    expect(body.result).toMatchObject({ SurveyID: first });
    expect((await h.api(`/survey-definitions/${first}?format=docx`)).status).toBe(400);
    expect((await h.api('/survey-definitions/SV_nope')).status).toBe(404);
  });

  it('GET /surveys/{id}/filters lists filters', async () => {
    const body = await envelope(await h.api(`/surveys/${first}/filters`));
    expect(body.result).toEqual({
      elements: [{ filterId: 'FILTER_even', filterName: 'Even answers', creationDate: '2024-02-01T00:00:00Z' }],
      nextPage: null,
    });
  });
});
