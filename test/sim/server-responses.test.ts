import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, envelope, type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ notYetAvailableMs: 4_000 });
});
afterAll(() => h.close());

const sv = 'SV_fake0000000001';

describe('single responses', () => {
  it('answers 202 "not yet available" during the window after completion, then 200', async () => {
    const { responseIds } = (await (await h.control('POST', `/surveys/${sv}/responses`, { count: 1 })).json()) as {
      responseIds: string[];
    };
    const rid = responseIds[0]!;
    const early = await h.api(`/surveys/${sv}/responses/${rid}`);
    expect(early.status).toBe(202);
    const body = await envelope(early);
    expect(body.meta.httpStatus).toBe('202 - Accepted');
    expect(body.result).toEqual({ message: 'The Survey Response is not yet available. Please try again later.' });
    await advance(h, 4_000);
    const later = await h.api(`/surveys/${sv}/responses/${rid}`);
    expect(later.status).toBe(200);
    expect((await envelope(later)).result).toMatchObject({ responseId: rid });
  });

  it('404 for an unknown response, an in-progress session, or an unknown survey', async () => {
    const sessions = [...h.world.responses(sv, { inProgress: true })];
    expect(sessions.length).toBeGreaterThan(0);
    for (const path of [
      `/surveys/${sv}/responses/R_unknown`,
      `/surveys/${sv}/responses/${sessions[0]!.responseId}`,
      '/surveys/SV_nope/responses/R_x',
    ]) {
      expect((await h.api(path)).status).toBe(404);
    }
  });

  it('POST /surveys/{id}/responses creates a response from values', async () => {
    const res = await h.api(`/surveys/${sv}/responses`, { method: 'POST', json: { values: { QID1: 2 } } });
    expect(res.status).toBe(200);
    const rid = (await envelope(res)).result!['responseId'] as string;
    expect(h.world.response(sv, rid)?.answers).toEqual({ QID1: 2 });
    for (const bad of [{}, { values: [] }, { values: {}, extra: 1 }]) {
      expect((await h.api(`/surveys/${sv}/responses`, { method: 'POST', json: bad })).status).toBe(400);
    }
  });

  it('PUT /responses/{id} sets embedded data; resetRecordedDate=false moves recordedDate by 1 ms', async () => {
    const target = [...h.world.responses(sv)][0]!;
    const res = await h.api(`/responses/${target.responseId}`, {
      method: 'PUT',
      json: { surveyId: sv, embeddedData: { segment: 'vip' }, resetRecordedDate: false },
    });
    expect(res.status).toBe(200);
    const body = await envelope(res);
    expect(body.result).toBeUndefined();
    expect(body.meta.httpStatus).toBe('200 - OK');
    const after = h.world.response(sv, target.responseId)!;
    expect(after.embedded['segment']).toBe('vip');
    expect(after.meta.recordedDate).toBe(target.meta.recordedDate + 1);
    const cases: Array<[unknown, number]> = [
      [{ embeddedData: { a: 'b' } }, 400],
      [{ surveyId: sv, embeddedData: { a: 1 } }, 400],
      [{ surveyId: sv, embeddedData: {}, resetRecordedDate: 'no' }, 400],
      [{ surveyId: 'SV_nope', embeddedData: {} }, 404],
    ];
    for (const [json, status] of cases) {
      expect((await h.api(`/responses/${target.responseId}`, { method: 'PUT', json })).status).toBe(status);
    }
    expect((await h.api('/responses/R_missing', { method: 'PUT', json: { surveyId: sv, embeddedData: {} } })).status).toBe(
      404,
    );
  });

  it('DELETE /surveys/{id}/responses/{rid} deletes it (meta only); again → 404', async () => {
    const target = [...h.world.responses(sv)][1]!;
    const path = `/surveys/${sv}/responses/${target.responseId}`;
    const res = await h.api(`${path}?decrementQuotas=true`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(Object.keys(await envelope(res))).toEqual(['meta']);
    expect(h.world.response(sv, target.responseId)).toBeUndefined();
    expect((await h.api(path, { method: 'DELETE' })).status).toBe(404);
    expect((await h.api(`${path}?decrementQuotas=maybe`, { method: 'DELETE' })).status).toBe(400);
  });
});
