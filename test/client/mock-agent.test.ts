import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { APIConnectionError, QualtricsClient } from '../../src/client/index.ts';
import { fakeTime, SV } from './helpers/scripted-fetch.ts';

const ORIGIN = 'https://fra1.qualtrics.com';
const agents: MockAgent[] = [];

function setup() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  agents.push(agent);
  const time = fakeTime();
  const client = new QualtricsClient({ env: {}, apiToken: 'api-token-for-tests-0008', dataCenter: 'fra1', dispatcher: agent, clock: time.clock, sleep: time.sleep });
  return { pool: agent.get(ORIGIN), client, agent };
}

afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

const envelope = (result: unknown) => ({ result, meta: { httpStatus: '200 - OK', requestId: 'r-mock' } });

describe('undici dispatcher path (MockAgent, no network)', () => {
  it('sends the request through the dispatcher and retries a 503', async () => {
    const { pool, client, agent } = setup();
    pool.intercept({ path: '/API/v3/whoami', method: 'GET', headers: { 'x-api-token': 'api-token-for-tests-0008' } }).reply(503, { meta: { httpStatus: '503 - Service Unavailable' } });
    pool.intercept({ path: '/API/v3/whoami', method: 'GET' }).reply(200, envelope({ userId: 'UR_9' }), { headers: { 'content-type': 'application/json' } });
    expect(await client.whoami.get()).toEqual({ userId: 'UR_9' });
    agent.assertNoPendingInterceptors();
  });

  it('classifies a refused connection as not sent (export start retried) and a reset as possibly sent', async () => {
    const { pool, client } = setup();
    const path = `/API/v3/surveys/${SV}/export-responses`;
    pool.intercept({ path, method: 'POST' }).replyWithError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    pool.intercept({ path, method: 'POST' }).reply(200, envelope({ progressId: 'ES_abc', percentComplete: 0, status: 'inProgress' }));
    expect((await client.responseExports.start(SV, { format: 'csv' })).progressId).toBe('ES_abc');

    pool.intercept({ path, method: 'POST' }).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const err = (await client.responseExports.start(SV, { format: 'csv' }).catch((e: unknown) => e)) as APIConnectionError;
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err.code).toBe('ECONNRESET');
    expect(err.notSent).toBe(false);
  });
});
