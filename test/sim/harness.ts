import type { SimWorld } from '../../src/sim/contract.ts';
import { createSimApp, type SimApp, type SimAppOptions } from '../../src/sim/server/app.ts';
import { type ListeningServer, listen } from '../../src/sim/server/listen.ts';
import { createFakeWorld, fakeBuildExport, fakeShapes } from './fake-world.ts';

export const credentials = { clientId: 'test-client', clientSecret: 'test-secret', apiToken: 'test-api-token' };

/** A simulator on 127.0.0.1:0 over the fake world, with helpers speaking plain `fetch`. */
export interface Harness {
  url: string;
  world: SimWorld;
  sim: SimApp;
  server: ListeningServer;
  /** Calls `/API/v3{path}` with the API token (override headers to change auth). */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Calls the control API. */
  control(method: string, path: string, body?: unknown): Promise<Response>;
  /** Gets a bearer token for `scope` (space-separated). */
  bearer(scope?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startHarness(
  overrides: Partial<SimAppOptions> & { world?: SimWorld; surveys?: number } = {},
): Promise<Harness> {
  const world = overrides.world ?? createFakeWorld({ surveys: overrides.surveys ?? 3 });
  // Functional tests fire requests faster than Qualtrics allows; the rate-limit tests set their own limits.
  const rateLimit = { brandPerMinute: 1e7, scale: 1e4 };
  const sim = createSimApp({ world, shapes: fakeShapes, buildExport: fakeBuildExport, credentials, rateLimit, ...overrides });
  const server = await listen(sim);
  const url = server.url;
  return {
    url,
    world,
    sim,
    server,
    api(path, init = {}) {
      const { json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (!headers.has('x-api-token') && !headers.has('authorization')) headers.set('x-api-token', credentials.apiToken);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${url}/API/v3${path}`, {
        ...rest,
        headers,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
    control(method, path, body) {
      return fetch(`${url}/_sim${path}`, {
        method,
        ...(body !== undefined
          ? { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }
          : {}),
      });
    },
    async bearer(scope = 'manage:all') {
      const res = await fetch(`${url}/oauth2/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      });
      const body = (await res.json()) as { access_token: string };
      return body.access_token;
    },
    close: () => server.close(),
  };
}

/** `{result, meta}` of a JSON envelope. */
export interface Envelope {
  result?: Record<string, unknown>;
  meta: {
    httpStatus: string;
    requestId?: string;
    notice?: string;
    error?: { errorCode?: string; errorMessage: string; instanceId?: string };
  };
}

export async function envelope(res: Response): Promise<Envelope> {
  return (await res.json()) as Envelope;
}

/** Starts an export and returns its progress id (asserting a 200). */
export async function startExport(h: Harness, surveyId: string, body: Record<string, unknown>): Promise<string> {
  const res = await h.api(`/surveys/${surveyId}/export-responses`, { method: 'POST', json: body });
  const env = await envelope(res);
  if (res.status !== 200) throw new Error(`export start ${res.status}: ${JSON.stringify(env)}`);
  return env.result!['progressId'] as string;
}

/** Advances the simulated clock through the control API. */
export async function advance(h: Harness, ms: number): Promise<void> {
  const res = await h.control('POST', '/clock', { advanceMs: ms });
  if (res.status !== 200) throw new Error(`clock ${res.status}`);
}

/** Runs an export to completion (advancing the clock) and returns the progress result. */
export async function runExport(
  h: Harness,
  surveyId: string,
  body: Record<string, unknown>,
): Promise<{ fileId: string; continuationToken?: string; status: string }> {
  const progressId = await startExport(h, surveyId, body);
  await advance(h, 60_000);
  const env = await envelope(await h.api(`/surveys/${surveyId}/export-responses/${progressId}`));
  return env.result as { fileId: string; continuationToken?: string; status: string };
}
