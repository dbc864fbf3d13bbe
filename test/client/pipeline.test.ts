import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  type ClientOptions,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  QualtricsClient,
  RateLimitError,
} from '../../src/client/index.ts';
import { captureLogger, connError, fail, fakeTime, hang, ok, SV, Script } from './helpers/scripted-fetch.ts';

const WHOAMI = '/API/v3/whoami';
const EXPORT = `/API/v3/surveys/${SV}/export-responses`;

function setup(script: Script, extra: ClientOptions = {}) {
  const time = fakeTime();
  const logger = captureLogger();
  const client = new QualtricsClient({
    env: {},
    apiToken: 'api-token-for-tests-0001',
    dataCenter: 'iad1',
    fetch: script.fetch,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0.5,
    logger,
    ...extra,
  });
  return { client, time, logger };
}

describe('request pipeline', () => {
  it('unwraps the envelope and sends the API token', async () => {
    const script = new Script().on('GET', WHOAMI, ok({ userId: 'UR_1', datacenter: 'iad1' }));
    const { client } = setup(script);
    expect(await client.whoami.get()).toEqual({ userId: 'UR_1', datacenter: 'iad1' });
    const [req] = script.seen;
    expect(req!.url.toString()).toBe('https://iad1.qualtrics.com/API/v3/whoami');
    expect(req!.headers['x-api-token']).toBe('api-token-for-tests-0001');
    expect(req!.headers.accept).toBe('application/json');
  });

  it('retries a 429 and then succeeds, slowing the rate budget', async () => {
    const script = new Script().on('GET', WHOAMI, fail(429, 'RATE', 'Too many requests'), ok({ userId: 'UR_1' }));
    const { client, time } = setup(script);
    expect(await client.whoami.get()).toEqual({ userId: 'UR_1' });
    expect(script.seen).toHaveLength(2);
    expect(time.sleeps[0]).toBe(500);
    expect(client.rateBudget.factor()).toBe(0.5);
  });

  it('clients given one RateBudget share it: a 429 seen by one slows the other', async () => {
    const script = new Script().on('GET', WHOAMI, fail(429, 'RATE', 'Too many requests'), ok({}));
    const a = setup(script);
    const b = setup(new Script(), { rateBudget: a.client.rateBudget });
    expect(b.client.rateBudget).toBe(a.client.rateBudget);
    await a.client.whoami.get();
    expect(b.client.rateBudget.factor()).toBe(0.5);
  });

  it('honours Retry-After in seconds and as a date', async () => {
    const start = fakeTime().clock.now();
    const date = new Date(start + 9000).toUTCString();
    const script = new Script().on(
      'GET',
      WHOAMI,
      fail(429, 'RATE', 'slow down', { headers: { 'retry-after': '7' } }),
      fail(503, 'X', 'busy', { headers: { 'retry-after': date } }),
      ok({ userId: 'UR_1' }),
    );
    const { client, time } = setup(script);
    await client.whoami.get();
    expect(script.seen).toHaveLength(3);
    expect(time.sleeps[0]).toBe(7000);
    // The third attempt waited until the date the server named (the 429 also slowed the budget a little).
    expect(time.clock.now() - start).toBe(9000);
  });

  it('backoff grows with each retry within the jitter bounds', async () => {
    const script = new Script().on('GET', WHOAMI, fail(500, 'E', 'boom'));
    const { client, time } = setup(script, { random: () => 0.999999, maxRetries: 3, retryDelayMs: 1000, rateShare: 1 });
    await expect(client.whoami.get()).rejects.toBeInstanceOf(InternalServerError);
    expect(time.sleeps).toEqual([999, 1999, 3999]);
  });

  it('gives up on 500/503/504 after the retry limit with a typed error carrying requestId and errorCode', async () => {
    const script = new Script().on(
      'GET',
      WHOAMI,
      fail(500, 'SRV_1', 'one'),
      fail(503, 'SRV_2', 'two'),
      fail(504, 'SRV_3', 'Gateway timed out', { requestId: 'rid-final' }),
    );
    const { client } = setup(script, { maxRetries: 2 });
    const err = await client.whoami.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    const e = err as InternalServerError;
    expect(script.seen).toHaveLength(3);
    expect(e.status).toBe(504);
    expect(e.requestId).toBe('rid-final');
    expect(e.errorCode).toBe('SRV_3');
    expect(e.httpStatus).toBe('504 - Gateway Timeout');
    expect(e.message).toBe(
      'Qualtrics server error after 2 retries: Gateway timed out (HTTP 504, errorCode SRV_3, requestId rid-final, GET /API/v3/whoami)',
    );
  });

  it('does not retry 400, 403 or 404', async () => {
    for (const [status, Cls] of [
      [400, BadRequestError],
      [403, PermissionDeniedError],
      [404, NotFoundError],
    ] as const) {
      const script = new Script().on('GET', `/API/v3/surveys/${SV}`, fail(status, 'C', 'nope'));
      const { client } = setup(script);
      await expect(client.surveys.get(SV)).rejects.toBeInstanceOf(Cls);
      expect(script.seen).toHaveLength(1);
    }
  });

  it('retries a connection reset for a GET', async () => {
    const script = new Script().on('GET', WHOAMI, connError('ECONNRESET'), ok({ userId: 'UR_1' }));
    const { client } = setup(script);
    expect(await client.whoami.get()).toEqual({ userId: 'UR_1' });
    expect(script.seen).toHaveLength(2);
  });

  it('does not retry a connection reset on export start (it may have started a job)', async () => {
    const script = new Script().on('POST', EXPORT, connError('ECONNRESET'), ok({ progressId: 'ES_x' }));
    const { client } = setup(script);
    const err = await client.responseExports.start(SV, { format: 'csv' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(script.seen).toHaveLength(1);
    expect((err as APIConnectionError).code).toBe('ECONNRESET');
    expect((err as Error).message).toBe(
      `could not reach Qualtrics at iad1.qualtrics.com: ECONNRESET (POST ${EXPORT}); not retried: POST /surveys/{surveyId}/export-responses is not idempotent and the request may have reached Qualtrics (check whether it took effect before repeating it)`,
    );
  });

  it('retries export start when the connection was refused before sending', async () => {
    const script = new Script().on('POST', EXPORT, connError('ECONNREFUSED'), ok({ progressId: 'ES_0d2n60qVHB9jSLz', percentComplete: 0, status: 'inProgress' }));
    const { client } = setup(script);
    const started = await client.responseExports.start(SV, { format: 'json', allowContinuation: true });
    expect(started.progressId).toBe('ES_0d2n60qVHB9jSLz');
    expect(script.seen).toHaveLength(2);
    expect(JSON.parse(script.seen[1]!.body!)).toEqual({ format: 'json', allowContinuation: true });
  });

  it('does not retry a 503 on export start', async () => {
    const script = new Script().on('POST', EXPORT, fail(503, 'X', 'unavailable'));
    const { client } = setup(script);
    await expect(client.responseExports.start(SV, { format: 'csv' })).rejects.toBeInstanceOf(InternalServerError);
    expect(script.seen).toHaveLength(1);
  });

  it('abort during the backoff sleep rejects with APIUserAbortError', async () => {
    const script = new Script().on('GET', WHOAMI, fail(503, 'X', 'busy'));
    const client = new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0001', dataCenter: 'iad1', fetch: script.fetch, retryDelayMs: 60_000, random: () => 0.99 });
    const ctl = new AbortController();
    const pending = client.whoami.get({ signal: ctl.signal });
    await new Promise((r) => setTimeout(r, 20));
    ctl.abort();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(script.seen).toHaveLength(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const script = new Script().on('GET', WHOAMI, ok({}));
    const { client } = setup(script);
    await expect(client.whoami.get({ signal: AbortSignal.abort() })).rejects.toBeInstanceOf(APIUserAbortError);
    expect(script.seen).toHaveLength(0);
  });

  it('times out with APIConnectionTimeoutError after retrying', async () => {
    const script = new Script().on('GET', WHOAMI, hang);
    const { client } = setup(script, { timeoutMs: 20, maxRetries: 1 });
    const err = await client.whoami.get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect((err as Error).message).toBe('Qualtrics did not answer within 20 ms (GET /API/v3/whoami) after 1 retry');
    expect(script.seen).toHaveLength(2);
  });

  it('logs a meta.notice once as a warning, and each request at debug without ids or query values', async () => {
    const notice = 'Request proxied. For faster response times, use this host instead: az1.qualtrics.com';
    const script = new Script().on('GET', `/API/v3/surveys/${SV}`, ok({ id: SV }, { notice }));
    const { client, logger } = setup(script);
    await client.surveys.get(SV);
    await client.surveys.get(SV);
    const lines = logger.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.msg === 'Qualtrics notice')).toEqual([{ level: 'warn', msg: 'Qualtrics notice', path: '/surveys/{surveyId}', notice }]);
    const requests = lines.filter((l) => l.msg === 'Qualtrics request');
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 'debug', method: 'GET', path: '/surveys/{surveyId}', status: 200, attempt: 1 });
    expect(typeof requests[0]!.requestId).toBe('string');
    expect(logger.lines.join('\n')).not.toContain(SV);
  });

  it('a non-JSON 200 is a clear error', async () => {
    const script = new Script().on('GET', WHOAMI, { status: 200, text: '<html>login</html>', headers: { 'content-type': 'text/html' } });
    const { client } = setup(script);
    await expect(client.whoami.get()).rejects.toThrow('Qualtrics answered HTTP 200 with a non-JSON body (content-type text/html) on GET /API/v3/whoami');
  });

  it('a RateLimitError carries Retry-After when the retries run out', async () => {
    const script = new Script().on('GET', WHOAMI, fail(429, 'T', 'throttled', { headers: { 'retry-after': '3' } }));
    const { client } = setup(script, { maxRetries: 1 });
    const err = (await client.whoami.get().catch((e: unknown) => e)) as RateLimitError;
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.retryAfterMs).toBe(3000);
    expect(err.message).toContain('rate limited by Qualtrics after 1 retry');
  });
});
