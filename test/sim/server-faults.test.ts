import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { compileMatch, FaultInjector } from '../../src/sim/server/faults.ts';
import { advance, credentials, envelope, type Harness, runExport, startExport, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ exportDelayMs: 1000 });
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('DELETE', '/faults');
});

const sv = 'SV_fake0000000001';

async function script(entries: unknown[]): Promise<void> {
  const res = await h.control('POST', '/faults', { script: entries });
  expect(res.status).toBe(200);
}

/** GET with node:http, reporting the declared length and the bytes that actually arrived. */
function rawGet(path: string): Promise<{ status: number; declared: number; received: number; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(`${h.url}${path}`, { headers: { 'x-api-token': credentials.apiToken } }, (res) => {
      let received = 0;
      let aborted = false;
      res.on('data', (d: Buffer) => (received += d.length));
      res.on('aborted', () => (aborted = true));
      res.on('error', () => (aborted = true));
      res.on('close', () =>
        resolve({ status: res.statusCode ?? 0, declared: Number(res.headers['content-length']), received, aborted }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('scripted faults', () => {
  it('500/503/504 answer in the envelope with an instanceId, consumed in order', async () => {
    await script([
      { match: 'GET /API/v3/surveys', fault: '500' },
      { match: 'GET /API/v3/surveys', fault: '503' },
      { match: 'GET /API/v3/surveys', fault: '504' },
    ]);
    const seen: Array<[number, string]> = [];
    for (let i = 0; i < 4; i++) {
      const res = await h.api('/surveys');
      const body = await envelope(res);
      seen.push([res.status, body.meta.httpStatus]);
      if (res.status >= 500) {
        expect(body.meta.error?.instanceId).toMatch(/^[0-9a-f-]{36}$/);
        expect(body.meta.error?.errorCode).toMatch(/^GEN_\d$/);
        expect(res.headers.get('content-type')).toBe('application/json');
      }
    }
    expect(seen).toEqual([
      [500, '500 - Internal Server Error'],
      [503, '503 - Service Unavailable'],
      [504, '504 - Gateway Timeout'],
      [200, '200 - OK'],
    ]);
  });

  it('a 429 fault looks like the rate limiter', async () => {
    await script([{ match: 'GET */whoami', fault: '429', times: 2 }]);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await h.api('/whoami')).status);
    expect(statuses).toEqual([429, 429, 200]);
  });

  it('reset destroys the connection without an answer; the next request works', async () => {
    await script([{ match: 'GET /API/v3/whoami', fault: 'reset' }]);
    await expect(h.api('/whoami')).rejects.toThrow();
    expect((await h.api('/whoami')).status).toBe(200);
  });

  it('slow delays the answer past a client timeout', async () => {
    await script([{ match: 'GET /API/v3/whoami', fault: 'slow', ms: 1500 }]);
    await expect(h.api('/whoami', { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect((await h.api('/whoami')).status).toBe(200);
  });

  it('truncate cuts an export download short of its Content-Length, then the socket closes', async () => {
    const done = await runExport(h, sv, { format: 'csv' });
    await script([{ match: 'GET */file', fault: 'truncate' }]);
    const cut = await rawGet(`/API/v3/surveys/${sv}/export-responses/${done.fileId}/file`);
    expect(cut.status).toBe(200);
    expect(cut.declared).toBeGreaterThan(0);
    expect(cut.received).toBe(Math.floor(cut.declared / 2));
    expect(cut.aborted).toBe(true);
    const whole = await h.api(`/surveys/${sv}/export-responses/${done.fileId}/file`);
    expect((await whole.arrayBuffer()).byteLength).toBe(cut.declared);
  });

  it('truncate also cuts a JSON answer', async () => {
    await script([{ match: 'GET /API/v3/surveys', fault: 'truncate' }]);
    const cut = await rawGet('/API/v3/surveys');
    expect(cut.received).toBe(Math.floor(cut.declared / 2));
    expect(cut.aborted).toBe(true);
  });

  it('exportFail makes the job end failed with fileId null', async () => {
    await script([{ match: 'POST /API/v3/surveys/*/export-responses', fault: 'exportFail' }]);
    const progressId = await startExport(h, sv, { format: 'json' });
    await advance(h, 1000);
    const body = await envelope(await h.api(`/surveys/${sv}/export-responses/${progressId}`));
    expect(body.result).toEqual({ fileId: null, percentComplete: 100, status: 'failed' });
    expect((await runExport(h, sv, { format: 'json' })).status).toBe('complete');
  });

  it('notice adds meta.notice ("Request proxied") to success and error bodies', async () => {
    await script([
      { match: 'GET /API/v3/whoami', fault: 'notice' },
      { match: 'GET /API/v3/surveys/{surveyId}', fault: 'notice' },
    ]);
    const ok = await envelope(await h.api('/whoami'));
    expect(ok.meta.notice).toMatch(/^Request proxied\. For faster response times, use this host instead: /);
    const missing = await envelope(await h.api('/surveys/SV_nope'));
    expect(missing.meta.error?.errorCode).toBe('GSI_2');
    expect(missing.meta.notice).toMatch(/^Request proxied/);
    expect((await envelope(await h.api('/whoami'))).meta.notice).toBeUndefined();
  });

  it('revokeTokens revokes bearer tokens before the request is checked', async () => {
    const token = await h.bearer();
    await script([{ match: 'GET /API/v3/whoami', fault: 'revokeTokens' }]);
    expect((await h.api('/whoami', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('none lets a matching request through, to aim the next entry at the second request', async () => {
    await script([
      { match: 'GET /API/v3/whoami', fault: 'none' },
      { match: 'GET /API/v3/whoami', fault: '500' },
    ]);
    expect([(await h.api('/whoami')).status, (await h.api('/whoami')).status]).toEqual([200, 500]);
  });

  it('counts faulted requests in stats', async () => {
    await h.control('DELETE', '/stats');
    await script([
      { match: 'GET /API/v3/whoami', fault: '503' },
      { match: 'GET /API/v3/whoami', fault: 'reset' },
    ]);
    await h.api('/whoami');
    await h.api('/whoami').catch(() => undefined);
    await h.api('/whoami');
    const stats = (await (await h.control('GET', '/stats')).json()) as {
      routes: Record<string, { byStatus: Record<string, number> }>;
    };
    expect(stats.routes['GET /API/v3/whoami']?.byStatus).toEqual({ '503': 1, reset: 1, '200': 1 });
  });
});

describe('fault rates', () => {
  it('are deterministic for a seed and restricted to the given routes', async () => {
    const run = async () => {
      await h.control('POST', '/faults', { rates: { '500': 0.5 }, routes: ['GET /API/v3/surveys'], seed: 42 });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await h.api('/surveys')).status);
      const whoami = (await h.api('/whoami')).status;
      return { out, whoami };
    };
    const a = await run();
    const b = await run();
    expect(a.out).toEqual(b.out);
    expect(a.out).toContain(500);
    expect(a.out).toContain(200);
    expect(a.whoami).toBe(200);
  });

  it('exportFail and truncate rates apply to export starts and downloads only', () => {
    const injector = new FaultInjector(1);
    injector.configure({ rates: { exportFail: 1, truncate: 1 } });
    const start = { method: 'POST', path: '/x', template: '/API/v3/surveys/{surveyId}/export-responses' };
    const file = { method: 'GET', path: '/y', template: '/API/v3/surveys/{surveyId}/export-responses/{fileId}/file' };
    const other = { method: 'GET', path: '/z', template: '/API/v3/whoami' };
    expect(injector.decide(start)).toEqual({ exportFail: true });
    expect(injector.decide(file)).toEqual({ truncate: true });
    expect(injector.decide(other)).toEqual({});
  });

  it('slowMs alone slows every matching request', () => {
    const injector = new FaultInjector(1);
    injector.configure({ rates: {}, slowMs: 250 });
    expect(injector.decide({ method: 'GET', path: '/a', template: '/a' })).toEqual({ slowMs: 250 });
  });
});

describe('match globs', () => {
  it('match method and path or template; * spans slashes', () => {
    const t = {
      method: 'GET',
      path: '/API/v3/surveys/SV_1/export-responses/abc-def/file',
      template: '/API/v3/surveys/{surveyId}/export-responses/{fileId}/file',
    };
    expect(compileMatch('GET */file')(t)).toBe(true);
    expect(compileMatch('POST */file')(t)).toBe(false);
    expect(compileMatch('*/export-responses/*')(t)).toBe(true);
    expect(compileMatch('GET /API/v3/surveys/{surveyId}/export-responses/{fileId}/file')(t)).toBe(true);
    expect(compileMatch('GET /API/v3/surveys')(t)).toBe(false);
  });
});
