import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, credentials, envelope, type Harness, startHarness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ tokenTtlSeconds: 600 });
});
afterAll(() => h.close());

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const form = 'application/x-www-form-urlencoded';

function tokenRequest(authorization: string | undefined, body: string, contentType = form): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (authorization) headers['authorization'] = authorization;
  return fetch(`${h.url}/oauth2/token`, { method: 'POST', headers, body });
}

describe('envelope and headers', () => {
  it('wraps results in {result, meta{httpStatus, requestId}} with the real headers', async () => {
    const res = await h.api('/whoami');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(Number(res.headers.get('request-time'))).toBeGreaterThanOrEqual(0);
    expect([...res.headers.keys()].filter((k) => /ratelimit|retry-after/i.test(k))).toEqual([]);
    const body = await envelope(res);
    expect(Object.keys(body)).toEqual(['result', 'meta']);
    expect(body.meta.httpStatus).toBe('200 - OK');
    expect(body.meta.requestId).toMatch(uuid);
    expect(body.result).toMatchObject({ brandId: 'fakebrand', datacenter: 'sim1', accountType: 'UT_BRANDADMIN' });
  });

  it('answers unknown routes and methods with the route-less 404, even without auth', async () => {
    for (const [method, path] of [
      ['GET', '/API/v3/brands'],
      ['GET', '/API/v3/surveys/SV_fake0000000001/responses'],
      ['GET', '/API/v3/response-exports'],
      ['PATCH', '/API/v3/whoami'],
      ['GET', '/nothing'],
    ] as const) {
      const res = await fetch(`${h.url}${path}`, { method });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        meta: { httpStatus: '404 - Not Found', error: { errorMessage: 'The requested resource does not exist.' } },
      });
    }
  });

  it('accepts a trailing slash like the real API', async () => {
    const res = await h.api('/whoami/');
    expect(res.status).toBe(200);
  });

  it('answers a bodyless POST to export-responses with 411 before anything else', async () => {
    // Raw bytes: fetch and http.request both add `Content-Length: 0`; curl -X POST sends no length at all.
    const { connect } = await import('node:net');
    const { port } = new URL(h.url);
    const status = await new Promise<number>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /API/v3/surveys/SV_fake0000000001/export-responses HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(Number(text.split(' ')[1])));
      socket.on('error', reject);
    });
    expect(status).toBe(411);
  });
});

describe('API token', () => {
  it('400 ATP_2 without any credential', async () => {
    const res = await fetch(`${h.url}/API/v3/whoami`);
    expect(res.status).toBe(400);
    const body = await envelope(res);
    expect(body.meta.httpStatus).toBe('400 - Bad Request');
    expect(body.meta.error).toEqual({
      errorCode: 'ATP_2',
      errorMessage: 'Expected authorization in headers, but none provided.',
    });
    expect(body.meta.requestId).toMatch(uuid);
  });

  it('401 DCD_7 for an unknown token', async () => {
    const res = await h.api('/whoami', { headers: { 'x-api-token': 'nope' } });
    expect(res.status).toBe(401);
    const body = await envelope(res);
    expect(body.meta.httpStatus).toBe('401 - Unauthorized');
    expect(body.meta.error).toEqual({ errorCode: 'DCD_7', errorMessage: 'Unrecognized X-API-TOKEN.' });
  });

  it('checks auth before validation and before existence', async () => {
    const res = await fetch(`${h.url}/API/v3/surveys/SV_missing/export-responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"format":"pdf"}',
    });
    expect(res.status).toBe(400);
    expect((await envelope(res)).meta.error?.errorCode).toBe('ATP_2');
  });
});

describe('OAuth client credentials', () => {
  it('issues a bearer token that works on the API', async () => {
    const res = await tokenRequest(
      basic(credentials.clientId, credentials.clientSecret),
      'grant_type=client_credentials&scope=read%3Asurveys+read%3Asurvey_responses',
    );
    expect(res.status).toBe(200);
    const token = (await res.json()) as Record<string, unknown>;
    expect(token).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'read:surveys read:survey_responses',
    });
    const who = await h.api('/whoami', { headers: { authorization: `Bearer ${token['access_token']}` } });
    expect(who.status).toBe(200);
  });

  it('401 AUTH_6.0 invalid_client for a wrong secret or no client auth', async () => {
    for (const auth of [basic(credentials.clientId, 'wrong'), basic('other', credentials.clientSecret), undefined]) {
      const res = await tokenRequest(auth, 'grant_type=client_credentials');
      expect(res.status).toBe(401);
      const body = await envelope(res);
      expect(body.meta.error).toEqual({ errorCode: 'AUTH_6.0', errorMessage: 'invalid_client' });
      expect(body.meta.httpStatus).toBe('401 - Unauthorized');
    }
  });

  it('400 for a wrong grant type, an unknown scope or a JSON body', async () => {
    const auth = basic(credentials.clientId, credentials.clientSecret);
    const cases: Array<[string, string, string]> = [
      ['grant_type=password', form, 'unsupported_grant_type'],
      ['grant_type=client_credentials&scope=read:everything', form, 'invalid_scope'],
      ['{"grant_type":"client_credentials"}', 'application/json', 'invalid_request'],
    ];
    for (const [body, type, message] of cases) {
      const res = await tokenRequest(auth, body, type);
      expect(res.status).toBe(400);
      expect((await envelope(res)).meta.error?.errorMessage).toBe(message);
    }
  });

  it('403 with an error code when the token lacks the scope; manage:all covers everything', async () => {
    const surveysOnly = await h.bearer('read:surveys');
    const path = '/surveys/SV_fake0000000001/export-responses';
    const denied = await h.api(path, {
      method: 'POST',
      json: { format: 'json' },
      headers: { authorization: `Bearer ${surveysOnly}` },
    });
    expect(denied.status).toBe(403);
    const body = await envelope(denied);
    expect(body.meta.httpStatus).toBe('403 - Forbidden');
    expect(body.meta.error?.errorCode).toBe('AUTH_7.1');
    expect(body.meta.error?.errorMessage).toContain('read:survey_responses');
    expect((await h.api('/surveys', { headers: { authorization: `Bearer ${surveysOnly}` } })).status).toBe(200);
    const writeOnly = await h.bearer('write:survey_responses');
    const del = await h.api('/surveys/SV_fake0000000001/responses/R_none', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${writeOnly}` },
    });
    expect(del.status).toBe(404);
    const manageResponses = await h.bearer('manage:survey_responses');
    const started = await h.api(path, {
      method: 'POST',
      json: { format: 'json' },
      headers: { authorization: `Bearer ${manageResponses}` },
    });
    expect(started.status).toBe(200);
  });

  it('expires tokens after the TTL of simulated time (401)', async () => {
    const token = await h.bearer();
    const call = () => h.api('/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect((await call()).status).toBe(200);
    await advance(h, 600_000);
    const res = await call();
    expect(res.status).toBe(401);
    expect((await envelope(res)).meta.error?.errorCode).toBe('AUTH_7.0');
  });

  it('refuses a revoked token with 401 (revokeTokens)', async () => {
    const token = await h.bearer();
    const revoke = await h.control('POST', '/faults', { revokeTokens: true });
    expect(((await revoke.json()) as { revokedTokens: number }).revokedTokens).toBeGreaterThanOrEqual(1);
    const res = await h.api('/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });
});
