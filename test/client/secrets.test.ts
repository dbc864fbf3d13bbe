import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { QualtricsClient } from '../../src/client/index.ts';
import { captureLogger, connError, fail, fakeTime, ok, SV, Script } from './helpers/scripted-fetch.ts';

const CLIENT_SECRET = 'cs-7f3a9b2c4d5e6f708192a3b4';
const TOKEN_1 = 'at-1111aaaa2222bbbb3333cccc';
const TOKEN_2 = 'at-4444dddd5555eeee6666ffff';
const API_TOKEN = 'apitok-9z8y7x6w5v4u3t2s1r';
const BASIC = Buffer.from(`client-id-x:${CLIENT_SECRET}`).toString('base64');

/** Everything a user could ever see: log lines, error messages, inspected and serialised errors, the client itself. */
function surface(logs: string[], errors: unknown[], client: QualtricsClient): string {
  return [
    ...logs,
    ...errors.map((e) => `${String(e)}\n${inspect(e, { depth: 8 })}\n${JSON.stringify(e)}`),
    inspect(client, { depth: 12 }),
    JSON.stringify(client.settings),
  ].join('\n');
}

async function settle(p: Promise<unknown>, errors: unknown[]) {
  await p.catch((e: unknown) => errors.push(e));
}

describe('secrets never leak', () => {
  it('OAuth: no client secret, Basic credentials or access token in logs or errors across a session with failures', async () => {
    const logger = captureLogger();
    const time = fakeTime();
    const script = new Script()
      .on(
        'POST',
        '/oauth2/token',
        fail(503, 'X', 'busy'),
        { status: 200, json: { access_token: TOKEN_1, expires_in: 3600 } },
        { status: 200, json: { access_token: TOKEN_2, expires_in: 3600 } },
      )
      .on('GET', '/API/v3/whoami', fail(401, 'AUTH', `token ${TOKEN_1} expired`), fail(429, 'T', 'slow'), ok({ userId: 'UR_1' }))
      .on('GET', `/API/v3/surveys/${SV}`, connError('ECONNRESET'), fail(500, 'E', `echo Authorization: Bearer ${TOKEN_2}`))
      .on('POST', `/API/v3/surveys/${SV}/export-responses`, connError('ECONNRESET'));
    const client = new QualtricsClient({
      env: {},
      clientId: 'client-id-x',
      clientSecret: CLIENT_SECRET,
      dataCenter: 'iad1',
      tokenCache: false,
      fetch: script.fetch,
      logger,
      clock: time.clock,
      sleep: time.sleep,
      maxRetries: 1,
    });
    const errors: unknown[] = [];
    await settle(client.whoami.get(), errors);
    await settle(client.whoami.get(), errors);
    await settle(client.surveys.get(SV), errors);
    await settle(client.responseExports.start(SV, { format: 'csv' }), errors);
    await settle(client.raw('GET', 'surveys/SV_0123456789abcde'), errors);

    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(logger.lines.length).toBeGreaterThan(5);
    const text = surface(logger.lines, errors, client);
    for (const secret of [CLIENT_SECRET, BASIC, TOKEN_1, TOKEN_2]) expect(text).not.toContain(secret);
    // The server's echo of the token was redacted, not dropped.
    expect(text).toContain('echo Authorization: Bearer [redacted]');
  });

  it('API token: never in logs or errors', async () => {
    const logger = captureLogger();
    const time = fakeTime();
    const script = new Script()
      .on('GET', '/API/v3/whoami', fail(401, 'DCD_7', 'Unrecognized X-API-TOKEN.'))
      .on('GET', '/API/v3/surveys', fail(500, 'E', `bad header X-API-TOKEN: ${API_TOKEN}`));
    const client = new QualtricsClient({ env: {}, apiToken: API_TOKEN, dataCenter: 'iad1', fetch: script.fetch, logger, clock: time.clock, sleep: time.sleep });
    const errors: unknown[] = [];
    await settle(client.whoami.get(), errors);
    await settle(client.surveys.list().toArray(), errors);
    expect(errors).toHaveLength(2);
    expect(surface(logger.lines, errors, client)).not.toContain(API_TOKEN);
  });
});
