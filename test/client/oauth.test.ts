import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, type ClientOptions, OAuthError, QualtricsClient } from '../../src/client/index.ts';
import { fail, fakeTime, ok, type Reply, Script } from './helpers/scripted-fetch.ts';

const TOKEN = '/oauth2/token';
const WHOAMI = '/API/v3/whoami';
const SECRET = 'client-secret-never-shown-42';

function token(accessToken: string, expiresIn = 3600): Reply {
  return { status: 200, json: { access_token: accessToken, token_type: 'Bearer', expires_in: expiresIn, scope: 'read:surveys read:survey_responses' } };
}

function setup(script: Script, extra: ClientOptions = {}, time = fakeTime()) {
  const client = new QualtricsClient({
    env: {},
    clientId: 'client-id-1',
    clientSecret: SECRET,
    dataCenter: 'fra1',
    tokenCache: false,
    fetch: script.fetch,
    clock: time.clock,
    sleep: time.sleep,
    random: () => 0,
    ...extra,
  });
  return { client, time };
}

const bearer = (script: Script) => script.calls(WHOAMI).map((s) => s.headers.authorization);

describe('OAuth client credentials', () => {
  it('asks the token endpoint with Basic auth and a form body, then sends the bearer token', async () => {
    const script = new Script().on('POST', TOKEN, token('access-token-aaaa')).on('GET', WHOAMI, ok({ userId: 'UR_1' }));
    const { client } = setup(script);
    await client.whoami.get();
    const [tokenReq] = script.calls(TOKEN);
    expect(tokenReq!.url.toString()).toBe('https://fra1.qualtrics.com/oauth2/token');
    expect(tokenReq!.headers.authorization).toBe(`Basic ${Buffer.from(`client-id-1:${SECRET}`).toString('base64')}`);
    expect(tokenReq!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(tokenReq!.body).toBe('grant_type=client_credentials&scope=read%3Asurveys+read%3Asurvey_responses');
    expect(bearer(script)).toEqual(['Bearer access-token-aaaa']);
  });

  it('on 401 drops the token, refreshes and replays once', async () => {
    const script = new Script()
      .on('POST', TOKEN, token('access-token-old1'), token('access-token-new2'))
      .on('GET', WHOAMI, fail(401, 'AUTH_6.0', 'invalid_token'), ok({ userId: 'UR_1' }));
    const { client } = setup(script);
    expect(await client.whoami.get()).toEqual({ userId: 'UR_1' });
    expect(script.calls(TOKEN)).toHaveLength(2);
    expect(bearer(script)).toEqual(['Bearer access-token-old1', 'Bearer access-token-new2']);
  });

  it('a second 401 is an AuthenticationError with the data-center hint', async () => {
    const script = new Script()
      .on('POST', TOKEN, token('access-token-old1'), token('access-token-new2'))
      .on('GET', WHOAMI, fail(401, 'AUTH_6.0', 'invalid_token', { requestId: 'r-401' }));
    const { client } = setup(script);
    const err = (await client.whoami.get().catch((e: unknown) => e)) as AuthenticationError;
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(script.calls(WHOAMI)).toHaveLength(2);
    expect(err.message).toBe(
      'authentication failed even with a fresh OAuth token; check QUALTRICS_DATA_CENTER: tokens are bound to the data center that issued them: invalid_token (HTTP 401, errorCode AUTH_6.0, requestId r-401, GET /API/v3/whoami)',
    );
  });

  it('refreshes the token ahead of its expiry', async () => {
    const script = new Script().on('POST', TOKEN, token('access-token-one1'), token('access-token-two2')).on('GET', WHOAMI, ok({}));
    const { client, time } = setup(script);
    await client.whoami.get();
    time.advance(3_500_000);
    await client.whoami.get();
    time.advance(41_000); // 3541 s after issue: inside the 60 s margin
    await client.whoami.get();
    expect(bearer(script)).toEqual(['Bearer access-token-one1', 'Bearer access-token-one1', 'Bearer access-token-two2']);
  });

  it('ten concurrent calls share one in-flight token request', async () => {
    const slowToken: Reply = async () => {
      await new Promise((r) => setTimeout(r, 20));
      return Response.json({ access_token: 'access-token-shared', expires_in: 3600 });
    };
    const script = new Script().on('POST', TOKEN, slowToken).on('GET', WHOAMI, ok({}));
    const { client } = setup(script);
    await Promise.all(Array.from({ length: 10 }, () => client.whoami.get()));
    expect(script.calls(TOKEN)).toHaveLength(1);
    expect(new Set(bearer(script))).toEqual(new Set(['Bearer access-token-shared']));
    expect(bearer(script)).toHaveLength(10);
  });

  it('caches the token on disk (mode 0600) and a second client reuses it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'qsync-oauth-')), 'nested', 'tokens.json');
    const time = fakeTime();
    const first = new Script().on('POST', TOKEN, token('access-token-disk')).on('GET', WHOAMI, ok({}));
    await setup(first, { tokenCache: path }, time).client.whoami.get();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain(SECRET);

    const second = new Script().on('GET', WHOAMI, ok({}));
    await setup(second, { tokenCache: path }, time).client.whoami.get();
    expect(second.calls(TOKEN)).toHaveLength(0);
    expect(bearer(second)).toEqual(['Bearer access-token-disk']);

    // Another data center (or client id, or scope set) does not reuse it.
    const third = new Script().on('POST', TOKEN, token('access-token-other')).on('GET', WHOAMI, ok({}));
    await setup(third, { tokenCache: path, dataCenter: 'iad1' }, time).client.whoami.get();
    expect(third.calls(TOKEN)).toHaveLength(1);

    // A different (rotated or mistyped) secret asks the token endpoint, so a cached token never hides bad credentials.
    const fourth = new Script().on('POST', TOKEN, fail(401, 'AUTH_6.0', 'invalid_client')).on('GET', WHOAMI, ok({}));
    const err = await setup(fourth, { tokenCache: path, clientSecret: 'another-secret' }, time).client.whoami.get().catch((e: unknown) => e);
    expect(fourth.calls(TOKEN)).toHaveLength(1);
    expect(fourth.calls(WHOAMI)).toHaveLength(0);
    expect(err).toBeInstanceOf(Error);
  });

  it('ignores a corrupt cache file and rewrites it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'qsync-oauth-')), 'tokens.json');
    writeFileSync(path, '{not json', { mode: 0o644 });
    const script = new Script().on('POST', TOKEN, token('access-token-fresh')).on('GET', WHOAMI, ok({}));
    await setup(script, { tokenCache: path }).client.whoami.get();
    expect(bearer(script)).toEqual(['Bearer access-token-fresh']);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { version: number; tokens: Record<string, { accessToken: string }> };
    expect(file.version).toBe(1);
    expect(Object.values(file.tokens).map((t) => t.accessToken)).toEqual(['access-token-fresh']);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('a refused token is removed from the disk cache too', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'qsync-oauth-')), 'tokens.json');
    const script = new Script()
      .on('POST', TOKEN, token('access-token-revoked'), token('access-token-replaced'))
      .on('GET', WHOAMI, ok({}), fail(401, 'AUTH', 'revoked'), ok({}));
    const { client } = setup(script, { tokenCache: path });
    await client.whoami.get();
    await client.whoami.get();
    expect(readFileSync(path, 'utf8')).not.toContain('access-token-revoked');
    expect(readFileSync(path, 'utf8')).toContain('access-token-replaced');
  });

  it('a refused client is an OAuthError that explains and never shows the secret', async () => {
    const script = new Script().on('POST', TOKEN, {
      status: 401,
      json: { meta: { httpStatus: '401 - Unauthorized', error: { errorMessage: 'invalid_client', errorCode: 'AUTH_6.0' }, requestId: 'r-oauth' } },
    });
    const { client } = setup(script);
    const err = (await client.whoami.get().catch((e: unknown) => e)) as OAuthError;
    expect(err).toBeInstanceOf(OAuthError);
    expect(err.status).toBe(401);
    expect(err.errorCode).toBe('invalid_client');
    expect(err.message).toBe(
      'OAuth token request to https://fra1.qualtrics.com/oauth2/token failed: invalid_client (HTTP 401, errorCode AUTH_6.0, requestId r-oauth); check QUALTRICS_CLIENT_ID and QUALTRICS_CLIENT_SECRET, and QUALTRICS_DATA_CENTER: OAuth clients and their tokens are bound to the data center where the client was created',
    );
    expect(script.calls(WHOAMI)).toHaveLength(0);
  });

  it('an invalid_scope error names the scopes to fix', async () => {
    const script = new Script().on('POST', TOKEN, { status: 400, json: { error: 'invalid_scope', error_description: 'scope not allowed' } });
    const { client } = setup(script, { scopes: ['read:surveys', 'manage:all'] });
    await expect(client.whoami.get()).rejects.toThrow(
      'failed: invalid_scope: scope not allowed (HTTP 400); the OAuth client is not allowed the scopes "read:surveys manage:all" (set QUALTRICS_SCOPES)',
    );
  });

  it('the token request is retried on 503 like any other', async () => {
    const script = new Script().on('POST', TOKEN, fail(503, 'X', 'busy'), token('access-token-late')).on('GET', WHOAMI, ok({}));
    const { client } = setup(script);
    await client.whoami.get();
    expect(script.calls(TOKEN)).toHaveLength(2);
    expect(bearer(script)).toEqual(['Bearer access-token-late']);
  });
});
