import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../src/sim/server/loopback.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const sv = 'SV_fake0000000002';

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

describe('control API', () => {
  it('adds, edits and deletes responses and reports them in the NDJSON ground truth', async () => {
    const before = h.world.count(sv);
    const added = await json<{ responseIds: string[] }>(await h.control('POST', `/surveys/${sv}/responses`, { count: 4 }));
    expect(added.responseIds).toHaveLength(4);
    expect(h.world.count(sv)).toBe(before + 4);
    const edited = await json<{ responseIds: string[] }>(
      await h.control('POST', `/surveys/${sv}/responses/edit`, { count: 2 }),
    );
    expect(edited.responseIds).toHaveLength(2);
    const deleted = await json<{ responseIds: string[] }>(
      await h.control('POST', `/surveys/${sv}/responses/delete`, { responseIds: [added.responseIds[0]] }),
    );
    expect(deleted.responseIds).toEqual([added.responseIds[0]]);

    const truth = await h.control('GET', `/surveys/${sv}/responses`);
    expect(truth.status).toBe(200);
    expect(truth.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = (await truth.text()).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(before + 3);
    expect(lines.map((l) => l['responseId'])).not.toContain(added.responseIds[0]);
    expect(lines.map((l) => l['responseId'])).toEqual(expect.arrayContaining(added.responseIds.slice(1)));
    expect(Object.keys(lines[0]!)).toEqual(['responseId', 'recordedDate', 'lastModifiedDate', 'values']);
    expect(lines.every((l) => !String(l['responseId']).startsWith('FS_'))).toBe(true);
  });

  it('moves the simulated clock forward only', async () => {
    const { nowMs } = await json<{ nowMs: number }>(await h.control('GET', '/clock'));
    const moved = await json<{ nowMs: number; now: string }>(await h.control('POST', '/clock', { advanceMs: 3_600_000 }));
    expect(moved.nowMs).toBe(nowMs + 3_600_000);
    expect(moved.now).toBe(new Date(moved.nowMs).toISOString());
    expect((await h.control('POST', '/clock', { advanceMs: -1 })).status).toBe(400);
  });

  it('answers bad bodies with 400 and a one-line message; unknown survey 404', async () => {
    const cases: Array<[string, string, unknown]> = [
      ['POST', `/surveys/${sv}/responses`, { count: 0 }],
      ['POST', `/surveys/${sv}/responses`, { count: 'two' }],
      ['POST', `/surveys/${sv}/responses`, '{nope'],
      ['POST', `/surveys/${sv}/responses/edit`, { count: 1, responseIds: ['R_1'] }],
      ['POST', `/surveys/${sv}/responses/delete`, {}],
      ['POST', `/surveys/${sv}/responses/delete`, { responseIds: [] }],
      ['POST', '/clock', { advanceMs: 'soon' }],
      ['POST', '/faults', { rates: { '500': 2 } }],
      ['POST', '/faults', { script: [{ match: 'GET *', fault: 'explode' }] }],
      ['POST', '/faults', { whatever: true }],
    ];
    for (const [method, path, body] of cases) {
      const res = await h.control(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      const { error } = await json<{ error: string }>(res);
      expect(error).toMatch(/^[^\n]+$/);
    }
    expect((await h.control('POST', '/surveys/SV_nope/responses', { count: 1 })).status).toBe(404);
    expect((await h.control('GET', '/nothing')).status).toBe(404);
  });

  it('counts requests by templated route and status, with a timeline, and resets', async () => {
    await h.control('DELETE', '/stats');
    await h.api('/surveys');
    await h.api(`/surveys/${sv}`);
    await h.api('/surveys/SV_nope');
    await fetch(`${h.url}/API/v3/whoami`);
    await fetch(`${h.url}/API/v3/nowhere`);
    const stats = await json<{
      total: number;
      routes: Record<string, { total: number; byStatus: Record<string, number> }>;
      byStatus: Record<string, number>;
      perSecond: Array<{ total: number; byRoute: Record<string, number> }>;
      perMinute: Array<{ total: number }>;
    }>(await h.control('GET', '/stats'));
    expect(stats.total).toBe(5);
    expect(stats.routes).toEqual({
      'GET /API/v3/surveys': { total: 1, byStatus: { '200': 1 } },
      'GET /API/v3/surveys/{surveyId}': { total: 2, byStatus: { '200': 1, '404': 1 } },
      'GET /API/v3/whoami': { total: 1, byStatus: { '400': 1 } },
      unmatched: { total: 1, byStatus: { '404': 1 } },
    });
    expect(stats.perSecond.reduce((n, s) => n + s.total, 0)).toBe(5);
    expect(stats.perMinute.reduce((n, s) => n + s.total, 0)).toBe(5);
    const reset = await json<{ total: number }>(await h.control('DELETE', '/stats'));
    expect(reset.total).toBe(0);
  });

  it('lists surveys with their response counts', async () => {
    const list = await json<Array<{ surveyId: string; responses: number }>>(await h.control('GET', '/surveys'));
    expect(list.map((s) => s.surveyId)).toEqual(h.world.surveys().map((s) => s.id));
    expect(list[0]!.responses).toBe(h.world.count(list[0]!.surveyId));
  });
});

describe('loopback check', () => {
  it('admits loopback peers only', () => {
    for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '0:0:0:0:0:0:0:1']) {
      expect(isLoopbackAddress(a), a).toBe(true);
    }
    for (const a of ['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1', '', undefined]) {
      expect(isLoopbackAddress(a), String(a)).toBe(false);
    }
  });

  it('refuses a non-loopback peer with 403 (in-process request with a foreign socket address)', async () => {
    const env = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } }) as never;
    const far = await h.sim.app.request('/_sim/clock', {}, env('203.0.113.7'));
    expect(far.status).toBe(403);
    expect(((await far.json()) as { error: string }).error).toBe('the control API answers loopback clients only');
    expect((await h.sim.app.request('/_sim/clock', {}, env('127.0.0.1'))).status).toBe(200);
  });
});
